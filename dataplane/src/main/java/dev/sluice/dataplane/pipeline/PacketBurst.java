package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.counters.DropReason;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A burst of packets carried through every stage of one worker: preallocated arrays of item
 * descriptors (struct of arrays, one slot per packet), the headers the decoder found, and a
 * verdict per item. Stages mark verdicts and fill fields; they never copy packet bytes.
 * <p>
 * The arrays are public because every stage reads and writes them in tight per-burst loops;
 * the slot layout is the contract between stages. Slots {@code [0, count)} are valid.
 * <p>
 * Owned by exactly one worker thread; never shared.
 */
public final class PacketBurst
{
    public static final int DEFAULT_CAPACITY = 256;

    /** Field value for "not present in this packet" in the int-valued header arrays. */
    public static final int ABSENT = -1;

    // ---------------------------------------------------------------- filled by the source
    /** Memory holding each packet's bytes (a mapped capture file, an mbuf pool, a ring). */
    public final MemorySegment[] data;
    /** Offset of the packet's first captured byte within {@link #data}. */
    public final long[] offset;
    public final int[] capturedLength;
    /** Length of the packet on the wire; larger than captured when the capture was cut (snaplen). */
    public final int[] wireLength;
    /** Capture time, epoch nanoseconds. */
    public final long[] timestampNs;
    /** Link type of the packet's first header, as numbered by pcap (LINKTYPE_ETHERNET = 1, ...). */
    public final int[] linkType;

    // ---------------------------------------------------------------- filled by the decoder
    /** Offset of the IP header from the packet start, or ABSENT. */
    public final int[] l3Offset;
    /** Offset of the TCP/UDP/ICMP header from the packet start, or ABSENT (also for later fragments). */
    public final int[] l4Offset;
    /** Outermost 802.1Q VLAN id, or ABSENT when untagged. */
    public final int[] vlanId;
    /** EtherType of the L3 header after any VLAN tags, or ABSENT for non-Ethernet link types without one. */
    public final int[] etherType;
    /** 4, 6, or 0 when the packet carries no IP header. */
    public final byte[] ipVersion;
    /** IPv4 protocol / IPv6 next header (after extension headers the decoder understood), or ABSENT. */
    public final int[] ipProtocol;
    public final int[] ipTtl;
    /** Addresses: IPv6 as two big-endian halves; IPv4 in the low 32 bits of the low half, high half 0. */
    public final long[] srcAddressHigh;
    public final long[] srcAddressLow;
    public final long[] dstAddressHigh;
    public final long[] dstAddressLow;
    /** TCP/UDP ports, or ABSENT. */
    public final int[] srcPort;
    public final int[] dstPort;
    /** TCP flags (low 9 bits: NS CWR ECE URG ACK PSH RST SYN FIN), or ABSENT when not TCP. */
    public final int[] tcpFlags;
    /** ICMP/ICMPv6 type and code, or ABSENT. */
    public final int[] icmpType;
    public final int[] icmpCode;

    // ---------------------------------------------------------------- verdicts
    /** One of the {@link Verdict} constants. */
    public final byte[] verdict;
    /** {@code DropReason.ordinal()} when the verdict is {@link Verdict#DROPPED}. */
    public final short[] dropReason;
    /** Index of the rule that decided the item, or ABSENT when the policy's default decided. */
    public final short[] matchedRule;
    /** Bits of {@code AnonymizedField} the policy's rule asked to transform for every destination. */
    public final byte[] anonymizeFields;

    // ---------------------------------------------------------------- anonymize stage output
    /** Transformed addresses, valid where the anonymize stage set the matching bit in {@link #anonymizedReady}. */
    public final long[] anonSrcAddressHigh;
    public final long[] anonSrcAddressLow;
    public final long[] anonDstAddressHigh;
    public final long[] anonDstAddressLow;
    public final byte[] anonymizedReady;

    // ---------------------------------------------------------------- residency stage output
    /** Per destination index, per item: one of the {@link Delivery} constants. */
    public final byte[][] delivery;
    /** Per destination index, per item: the {@link AnonymizedFields} bits sent transformed there. */
    public final byte[][] transformedFields;

    private final int capacity;
    private int count;

    public PacketBurst(final int capacity, final int maxDestinations)
    {
        if (capacity <= 0 || capacity > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("burst capacity must be in 1.." + Short.MAX_VALUE + ": " + capacity);
        }
        this.capacity = capacity;
        data = new MemorySegment[capacity];
        offset = new long[capacity];
        capturedLength = new int[capacity];
        wireLength = new int[capacity];
        timestampNs = new long[capacity];
        linkType = new int[capacity];

        l3Offset = new int[capacity];
        l4Offset = new int[capacity];
        vlanId = new int[capacity];
        etherType = new int[capacity];
        ipVersion = new byte[capacity];
        ipProtocol = new int[capacity];
        ipTtl = new int[capacity];
        srcAddressHigh = new long[capacity];
        srcAddressLow = new long[capacity];
        dstAddressHigh = new long[capacity];
        dstAddressLow = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];
        tcpFlags = new int[capacity];
        icmpType = new int[capacity];
        icmpCode = new int[capacity];

        verdict = new byte[capacity];
        dropReason = new short[capacity];
        matchedRule = new short[capacity];
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

    /** Called by a source after filling slots {@code [0, count)}. */
    public void count(final int count)
    {
        if (count < 0 || count > capacity)
        {
            throw new IllegalArgumentException("count out of range: " + count);
        }
        this.count = count;
    }

    /**
     * Resets the per-item stage state of slots {@code [0, count)} so that the stages start from
     * a clean slate; the source fields are left as the source wrote them.
     */
    public void resetStageState()
    {
        final int n = count;
        Arrays.fill(verdict, 0, n, Verdict.PENDING);
        Arrays.fill(dropReason, 0, n, (short)0);
        Arrays.fill(matchedRule, 0, n, (short)ABSENT);
        Arrays.fill(anonymizeFields, 0, n, (byte)0);
        Arrays.fill(anonymizedReady, 0, n, (byte)0);
        for (int d = 0; d < delivery.length; d++)
        {
            Arrays.fill(delivery[d], 0, n, Delivery.NONE);
            Arrays.fill(transformedFields[d], 0, n, (byte)0);
        }
    }

    /** Marks item {@code index} as dropped for {@code reason}, keeping the first reason found. */
    public void drop(final int index, final DropReason reason)
    {
        if (verdict[index] == Verdict.PENDING || verdict[index] == Verdict.PASS)
        {
            verdict[index] = Verdict.DROPPED;
            dropReason[index] = (short)reason.ordinal();
        }
    }
}
