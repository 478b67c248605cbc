package dev.sluice.dataplane.pipeline;

/**
 * The flow records that ended during one duty cycle of a worker, carried from the reduce stage
 * (which also decides each record per destination and computes its Crypto-PAn addresses, as
 * the anonymize and residency stages do for packets) to egress the way {@link PacketBurst}
 * carries packets: a
 * struct of arrays, one slot per record, preallocated and bounded. The reduce stage never ends
 * more flows than there is room for; flows that are due but do not fit stay in the flow table
 * and end in a later duty cycle, so none is lost.
 * <p>
 * A record's addresses and ports are those of one IP layer of its packets
 * ({@link #addressLayer}: the outer one, or the innermost one of tunnelled traffic); its
 * {@link AnonymizedFields} bits use only {@link AnonymizedFields#SRC_ADDRESS} and
 * {@link AnonymizedFields#DST_ADDRESS}, for the record's own source and destination, as the
 * wire's flow record does. {@link #flowAddressBits} maps a packet's bits onto them.
 * <p>
 * The arrays are public for the same reason as {@link PacketBurst}'s: every stage reads and
 * writes them in tight loops. Slots {@code [0, count)} are valid.
 * <p>
 * Owned by exactly one worker thread; never shared.
 */
public final class FlowRecords
{
    /** {@link #addressLayer}: addresses and ports of the outer (first) IP header. */
    public static final byte OUTER_LAYER = 0;
    /** {@link #addressLayer}: addresses and ports of the innermost IP header inside a tunnel. */
    public static final byte INNER_LAYER = 1;

    // ---------------------------------------------------------------- filled by the reduce stage
    /** Capture time of the first and of the latest packet, epoch nanoseconds. */
    public final long[] firstSeenNs;
    public final long[] lastSeenNs;
    /** Packets and wire bytes from source to destination, and back (0 back when unidirectional). */
    public final long[] packets;
    public final long[] bytes;
    public final long[] reversePackets;
    public final long[] reverseBytes;
    /** Outermost VLAN id, or {@link PacketBurst#ABSENT}. */
    public final int[] vlanId;
    /** {@code TunnelType} and id of the outermost encapsulation ({@link PacketBurst#ABSENT} id when none). */
    public final byte[] tunnelType;
    public final long[] tunnelId;
    /** {@link #OUTER_LAYER} or {@link #INNER_LAYER}. */
    public final byte[] addressLayer;
    /** 4, 6, or 0 for a flow of packets without IP. */
    public final byte[] ipVersion;
    public final int[] ipProtocol;
    /** Addresses of the flow's first packet, in {@link PacketBurst}'s two-half form. */
    public final long[] srcAddressHigh;
    public final long[] srcAddressLow;
    public final long[] dstAddressHigh;
    public final long[] dstAddressLow;
    /** Ports; for ICMP and ICMPv6 the source port is 0 and the destination port is type * 256 + code. */
    public final int[] srcPort;
    public final int[] dstPort;
    public final int[] tcpFlags;
    /** IPv4 TOS or IPv6 traffic class of the first packet, of the address layer. */
    public final int[] ipTos;
    /** One of the {@code FlowEndReason} constants. */
    public final byte[] endReason;
    /** {@link AnonymizedFields} bits (source and destination only) the rules asked to transform for every destination. */
    public final byte[] anonymizeFields;

    // ---------------------------------------------------------------- anonymized addresses
    public final long[] anonSrcAddressHigh;
    public final long[] anonSrcAddressLow;
    public final long[] anonDstAddressHigh;
    public final long[] anonDstAddressLow;
    /** Bits whose transformed address is in the {@code anon*} arrays. */
    public final byte[] anonymizedReady;

    // ---------------------------------------------------------------- per destination decisions
    /** Per destination index, per record: one of the {@link Delivery} constants. */
    public final byte[][] delivery;
    /** Per destination index, per record: the {@link AnonymizedFields} bits sent transformed there. */
    public final byte[][] transformedFields;

    private final int capacity;
    private int count;

    public FlowRecords(final int capacity, final int maxDestinations)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("flow record capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        firstSeenNs = new long[capacity];
        lastSeenNs = new long[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        reversePackets = new long[capacity];
        reverseBytes = new long[capacity];
        vlanId = new int[capacity];
        tunnelType = new byte[capacity];
        tunnelId = new long[capacity];
        addressLayer = new byte[capacity];
        ipVersion = new byte[capacity];
        ipProtocol = new int[capacity];
        srcAddressHigh = new long[capacity];
        srcAddressLow = new long[capacity];
        dstAddressHigh = new long[capacity];
        dstAddressLow = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];
        tcpFlags = new int[capacity];
        ipTos = new int[capacity];
        endReason = new byte[capacity];
        anonymizeFields = new byte[capacity];
        anonSrcAddressHigh = new long[capacity];
        anonSrcAddressLow = new long[capacity];
        anonDstAddressHigh = new long[capacity];
        anonDstAddressLow = new long[capacity];
        anonymizedReady = new byte[capacity];
        delivery = new byte[maxDestinations][capacity];
        transformedFields = new byte[maxDestinations][capacity];
    }

    public int capacity()
    {
        return capacity;
    }

    public int count()
    {
        return count;
    }

    public boolean isEmpty()
    {
        return count == 0;
    }

    /** Slots still free. */
    public int remaining()
    {
        return capacity - count;
    }

    /**
     * Takes the next slot, its stage outputs cleared; the caller fills the reduce stage's fields.
     *
     * @return the slot's index
     * @throws IllegalStateException when full: the reduce stage ends no more flows than {@link #remaining()}
     */
    public int add()
    {
        if (count == capacity)
        {
            throw new IllegalStateException("flow records full (" + capacity + "): a flow ended without room");
        }
        final int index = count++;
        anonymizedReady[index] = 0;
        for (int d = 0; d < delivery.length; d++)
        {
            delivery[d][index] = Delivery.NONE;
            transformedFields[d][index] = 0;
        }
        return index;
    }

    /** Empties the records once egress has taken (or definitively dropped) every one. */
    public void clear()
    {
        count = 0;
    }

    /**
     * The bits of a flow record for a packet's {@link AnonymizedFields} bits: the record's source
     * and destination are the packet's outer or inner ones, as {@code addressLayer} says.
     */
    public static byte flowAddressBits(final int packetBits, final byte addressLayer)
    {
        return (byte)((addressLayer == INNER_LAYER ? packetBits >> 2 : packetBits) & AnonymizedFields.ADDRESSES);
    }

    /** Swaps the source and destination bits: the same fields seen from a packet going the other way. */
    public static byte swapDirection(final byte flowBits)
    {
        return (byte)(((flowBits & AnonymizedFields.SRC_ADDRESS) << 1) | ((flowBits & AnonymizedFields.DST_ADDRESS) >> 1));
    }
}
