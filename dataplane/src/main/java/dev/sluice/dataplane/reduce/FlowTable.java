package dev.sluice.dataplane.reduce;

import java.util.Arrays;

/**
 * A worker's table of open flows, keyed by (VLAN, tunnel id, IP version, protocol, addresses,
 * ports), optionally bidirectional (both directions of a conversation in one flow, with
 * reverse counters). Fixed capacity, preallocated, no allocation per packet:
 * <ul>
 *   <li>entries are slots of parallel arrays, chained from a power-of-two bucket array;</li>
 *   <li>two intrusive lists order them by last packet (idle expiry, eviction) and by creation
 *       (active timeout), so expiry touches only the flows that expire;</li>
 *   <li>when the table is full, the flow idle the longest is emitted early as
 *       {@link FlowEndReason#EVICTED} (counted) to make room.</li>
 * </ul>
 * Time is the packets' own time (capture timestamps), so replaying a capture gives the same
 * flows as capturing it did. A TCP FIN or RST ends its flow at once.
 * <p>
 * A flow leaves the table through the {@link Sink} given to the call that ends it; the sink
 * reads the entry's fields with the accessors, before the slot is reused.
 * Worker thread only.
 */
public final class FlowTable
{
    private static final int NONE = -1;
    private static final int TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;

    /** Receives each flow as it ends; reads the entry with the table's accessors. */
    @FunctionalInterface
    public interface Sink
    {
        void onFlowEnd(FlowTable table, int entry, byte endReason);
    }

    private final int capacity;
    private final long idleTimeoutNs;
    private final long activeTimeoutNs;
    private final boolean bidirectional;

    private final int[] buckets;
    private final int bucketMask;
    private final int[] chainNext;

    private final int[] vlanId;
    private final long[] tunnelId;
    private final byte[] ipVersion;
    private final int[] ipProtocol;
    private final long[] srcHigh;
    private final long[] srcLow;
    private final long[] dstHigh;
    private final long[] dstLow;
    private final int[] srcPort;
    private final int[] dstPort;

    private final long[] firstSeenNs;
    private final long[] lastSeenNs;
    private final long[] packets;
    private final long[] bytes;
    private final long[] reversePackets;
    private final long[] reverseBytes;
    private final int[] tcpFlags;
    private final int[] tos;
    private final byte[] marks;

    private final int[] idlePrev;
    private final int[] idleNext;
    private int idleHead = NONE;
    private int idleTail = NONE;
    private final int[] agePrev;
    private final int[] ageNext;
    private int ageHead = NONE;
    private int ageTail = NONE;

    private int freeHead;
    private int size;
    private long nowNs = Long.MIN_VALUE;
    private long evictions;

    /**
     * @param capacity        the most flows open at once
     * @param idleTimeoutNs   a flow without packets this long (in packet time) ends
     * @param activeTimeoutNs a flow open this long ends, and its next packet starts a new one
     * @param bidirectional   whether both directions of a conversation share one flow
     */
    public FlowTable(final int capacity, final long idleTimeoutNs, final long activeTimeoutNs, final boolean bidirectional)
    {
        if (capacity < 1 || capacity > (1 << 28))
        {
            throw new IllegalArgumentException("flow table capacity must be in 1.." + (1 << 28) + ": " + capacity);
        }
        if (idleTimeoutNs <= 0 || activeTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("flow timeouts must be positive");
        }
        this.capacity = capacity;
        this.idleTimeoutNs = idleTimeoutNs;
        this.activeTimeoutNs = activeTimeoutNs;
        this.bidirectional = bidirectional;

        final int bucketCount = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        buckets = new int[bucketCount];
        bucketMask = bucketCount - 1;
        Arrays.fill(buckets, NONE);
        chainNext = new int[capacity];

        vlanId = new int[capacity];
        tunnelId = new long[capacity];
        ipVersion = new byte[capacity];
        ipProtocol = new int[capacity];
        srcHigh = new long[capacity];
        srcLow = new long[capacity];
        dstHigh = new long[capacity];
        dstLow = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];

        firstSeenNs = new long[capacity];
        lastSeenNs = new long[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        reversePackets = new long[capacity];
        reverseBytes = new long[capacity];
        tcpFlags = new int[capacity];
        tos = new int[capacity];
        marks = new byte[capacity];

        idlePrev = new int[capacity];
        idleNext = new int[capacity];
        agePrev = new int[capacity];
        ageNext = new int[capacity];

        for (int i = 0; i < capacity; i++)
        {
            chainNext[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        freeHead = 0;
    }

    /**
     * Adds one packet to its flow, creating the flow when there is none (evicting the flow idle
     * the longest when the table is full).
     *
     * @param marks   bits the caller wants kept with the flow (ORed over its packets), e.g. which
     *                fields to anonymize
     * @return the entry the packet went to, or -1 when the packet ended its flow (FIN, RST)
     */
    public int update(
        final FlowKey key,
        final long timestampNs,
        final int wireBytes,
        final int packetTcpFlags,
        final int packetTos,
        final byte marks,
        final Sink sink)
    {
        nowNs = Math.max(nowNs, timestampNs);
        final boolean reversed = bidirectional && key.isReversed();
        final int bucket = (int)hash(key, reversed) & bucketMask;

        int entry = find(key, bucket, reversed);
        final boolean forward;
        if (entry == NONE)
        {
            if (freeHead == NONE)
            {
                evictions++;
                end(idleHead, FlowEndReason.EVICTED, sink);
            }
            entry = insert(key, bucket, timestampNs);
            forward = true;
        }
        else
        {
            forward = matchesForward(entry, key);
            unlinkIdle(entry);
            appendIdle(entry);
        }

        if (forward)
        {
            packets[entry]++;
            bytes[entry] += wireBytes;
        }
        else
        {
            reversePackets[entry]++;
            reverseBytes[entry] += wireBytes;
        }
        lastSeenNs[entry] = Math.max(lastSeenNs[entry], timestampNs);
        tcpFlags[entry] |= packetTcpFlags;
        tos[entry] |= packetTos;
        this.marks[entry] |= marks;

        if (key.ipProtocol == TCP && (packetTcpFlags & (TCP_FIN | TCP_RST)) != 0)
        {
            end(entry, (packetTcpFlags & TCP_RST) != 0 ? FlowEndReason.TCP_RST : FlowEndReason.TCP_FIN, sink);
            return NONE;
        }
        return entry;
    }

    /**
     * Ends the flows whose idle or active timeout has passed at {@code timeNs} (the packet time
     * now; never moves backwards), at most {@code limit} of them.
     *
     * @return the number of flows ended
     */
    public int expire(final long timeNs, final int limit, final Sink sink)
    {
        nowNs = Math.max(nowNs, timeNs);
        int ended = 0;
        while (ended < limit && idleHead != NONE && lastSeenNs[idleHead] <= nowNs - idleTimeoutNs)
        {
            end(idleHead, FlowEndReason.IDLE_TIMEOUT, sink);
            ended++;
        }
        while (ended < limit && ageHead != NONE && firstSeenNs[ageHead] <= nowNs - activeTimeoutNs)
        {
            end(ageHead, FlowEndReason.ACTIVE_TIMEOUT, sink);
            ended++;
        }
        return ended;
    }

    /**
     * Ends every open flow, oldest first, at most {@code limit} of them.
     *
     * @return the number of flows ended
     */
    public int flush(final int limit, final Sink sink)
    {
        int ended = 0;
        while (ended < limit && ageHead != NONE)
        {
            end(ageHead, FlowEndReason.FLUSHED, sink);
            ended++;
        }
        return ended;
    }

    public int size()
    {
        return size;
    }

    public int capacity()
    {
        return capacity;
    }

    /** Flows ended early because the table was full. */
    public long evictions()
    {
        return evictions;
    }

    /** The latest packet time seen. */
    public long nowNs()
    {
        return nowNs;
    }

    // ---------------------------------------------------------------- entry accessors, for sinks

    public int vlanId(final int entry)
    {
        return vlanId[entry];
    }

    public long tunnelId(final int entry)
    {
        return tunnelId[entry];
    }

    public byte ipVersion(final int entry)
    {
        return ipVersion[entry];
    }

    public int ipProtocol(final int entry)
    {
        return ipProtocol[entry];
    }

    /** Source of the flow's first packet. */
    public long srcHigh(final int entry)
    {
        return srcHigh[entry];
    }

    public long srcLow(final int entry)
    {
        return srcLow[entry];
    }

    public long dstHigh(final int entry)
    {
        return dstHigh[entry];
    }

    public long dstLow(final int entry)
    {
        return dstLow[entry];
    }

    public int srcPort(final int entry)
    {
        return srcPort[entry];
    }

    public int dstPort(final int entry)
    {
        return dstPort[entry];
    }

    public long firstSeenNs(final int entry)
    {
        return firstSeenNs[entry];
    }

    public long lastSeenNs(final int entry)
    {
        return lastSeenNs[entry];
    }

    /** Packets in the direction of the first packet. */
    public long packets(final int entry)
    {
        return packets[entry];
    }

    public long bytes(final int entry)
    {
        return bytes[entry];
    }

    /** Packets in the other direction (bidirectional tables only). */
    public long reversePackets(final int entry)
    {
        return reversePackets[entry];
    }

    public long reverseBytes(final int entry)
    {
        return reverseBytes[entry];
    }

    public int tcpFlags(final int entry)
    {
        return tcpFlags[entry];
    }

    public int tos(final int entry)
    {
        return tos[entry];
    }

    public byte marks(final int entry)
    {
        return marks[entry];
    }

    // ---------------------------------------------------------------- internals

    private int find(final FlowKey key, final int bucket, final boolean reversed)
    {
        int entry = buckets[bucket];
        while (entry != NONE)
        {
            if (vlanId[entry] == key.vlanId &&
                tunnelId[entry] == key.tunnelId &&
                ipVersion[entry] == key.ipVersion &&
                ipProtocol[entry] == key.ipProtocol &&
                (matchesForward(entry, key) || (bidirectional && matchesReverse(entry, key))))
            {
                return entry;
            }
            entry = chainNext[entry];
        }
        return NONE;
    }

    private boolean matchesForward(final int entry, final FlowKey key)
    {
        return srcHigh[entry] == key.srcHigh && srcLow[entry] == key.srcLow &&
            dstHigh[entry] == key.dstHigh && dstLow[entry] == key.dstLow &&
            srcPort[entry] == key.srcPort && dstPort[entry] == key.dstPort;
    }

    private boolean matchesReverse(final int entry, final FlowKey key)
    {
        return srcHigh[entry] == key.dstHigh && srcLow[entry] == key.dstLow &&
            dstHigh[entry] == key.srcHigh && dstLow[entry] == key.srcLow &&
            srcPort[entry] == key.dstPort && dstPort[entry] == key.srcPort;
    }

    private int insert(final FlowKey key, final int bucket, final long timestampNs)
    {
        final int entry = freeHead;
        freeHead = chainNext[entry];
        chainNext[entry] = buckets[bucket];
        buckets[bucket] = entry;

        vlanId[entry] = key.vlanId;
        tunnelId[entry] = key.tunnelId;
        ipVersion[entry] = key.ipVersion;
        ipProtocol[entry] = key.ipProtocol;
        srcHigh[entry] = key.srcHigh;
        srcLow[entry] = key.srcLow;
        dstHigh[entry] = key.dstHigh;
        dstLow[entry] = key.dstLow;
        srcPort[entry] = key.srcPort;
        dstPort[entry] = key.dstPort;
        firstSeenNs[entry] = timestampNs;
        lastSeenNs[entry] = timestampNs;
        packets[entry] = 0;
        bytes[entry] = 0;
        reversePackets[entry] = 0;
        reverseBytes[entry] = 0;
        tcpFlags[entry] = 0;
        tos[entry] = 0;
        marks[entry] = 0;

        appendIdle(entry);
        agePrev[entry] = ageTail;
        ageNext[entry] = NONE;
        if (ageTail == NONE)
        {
            ageHead = entry;
        }
        else
        {
            ageNext[ageTail] = entry;
        }
        ageTail = entry;
        size++;
        return entry;
    }

    private void end(final int entry, final byte reason, final Sink sink)
    {
        sink.onFlowEnd(this, entry, reason);
        remove(entry);
    }

    private void remove(final int entry)
    {
        final boolean reversed = bidirectional && isStoredReversed(entry);
        final int bucket = (int)hashOf(entry, reversed) & bucketMask;
        int previous = NONE;
        int current = buckets[bucket];
        while (current != entry)
        {
            previous = current;
            current = chainNext[current];
        }
        if (previous == NONE)
        {
            buckets[bucket] = chainNext[entry];
        }
        else
        {
            chainNext[previous] = chainNext[entry];
        }

        unlinkIdle(entry);
        final int before = agePrev[entry];
        final int after = ageNext[entry];
        if (before == NONE)
        {
            ageHead = after;
        }
        else
        {
            ageNext[before] = after;
        }
        if (after == NONE)
        {
            ageTail = before;
        }
        else
        {
            agePrev[after] = before;
        }

        chainNext[entry] = freeHead;
        freeHead = entry;
        size--;
    }

    private void appendIdle(final int entry)
    {
        idlePrev[entry] = idleTail;
        idleNext[entry] = NONE;
        if (idleTail == NONE)
        {
            idleHead = entry;
        }
        else
        {
            idleNext[idleTail] = entry;
        }
        idleTail = entry;
    }

    private void unlinkIdle(final int entry)
    {
        final int before = idlePrev[entry];
        final int after = idleNext[entry];
        if (before == NONE)
        {
            idleHead = after;
        }
        else
        {
            idleNext[before] = after;
        }
        if (after == NONE)
        {
            idleTail = before;
        }
        else
        {
            idlePrev[after] = before;
        }
    }

    private boolean isStoredReversed(final int entry)
    {
        final int high = Long.compareUnsigned(srcHigh[entry], dstHigh[entry]);
        if (high != 0)
        {
            return high > 0;
        }
        final int low = Long.compareUnsigned(srcLow[entry], dstLow[entry]);
        if (low != 0)
        {
            return low > 0;
        }
        return srcPort[entry] > dstPort[entry];
    }

    /** Hash of a key; for a bidirectional table, of its endpoints in canonical order. */
    private static long hash(final FlowKey key, final boolean reversed)
    {
        return reversed ?
            mix(key.vlanId, key.tunnelId, key.ipVersion, key.ipProtocol,
                key.dstHigh, key.dstLow, key.srcHigh, key.srcLow, key.dstPort, key.srcPort) :
            mix(key.vlanId, key.tunnelId, key.ipVersion, key.ipProtocol,
                key.srcHigh, key.srcLow, key.dstHigh, key.dstLow, key.srcPort, key.dstPort);
    }

    private long hashOf(final int entry, final boolean reversed)
    {
        return reversed ?
            mix(vlanId[entry], tunnelId[entry], ipVersion[entry], ipProtocol[entry],
                dstHigh[entry], dstLow[entry], srcHigh[entry], srcLow[entry], dstPort[entry], srcPort[entry]) :
            mix(vlanId[entry], tunnelId[entry], ipVersion[entry], ipProtocol[entry],
                srcHigh[entry], srcLow[entry], dstHigh[entry], dstLow[entry], srcPort[entry], dstPort[entry]);
    }

    private static long mix(
        final int vlan,
        final long tunnel,
        final byte version,
        final int protocol,
        final long aHigh,
        final long aLow,
        final long bHigh,
        final long bLow,
        final int aPort,
        final int bPort)
    {
        long h = 0x9E37_79B9_7F4A_7C15L;
        h = step(h, ((long)vlan << 40) ^ ((long)version << 32) ^ ((long)protocol << 16));
        h = step(h, tunnel);
        h = step(h, aHigh);
        h = step(h, aLow);
        h = step(h, bHigh);
        h = step(h, bLow);
        h = step(h, ((long)aPort << 16) | bPort);
        return finish(h);
    }

    private static long step(final long h, final long value)
    {
        return (h ^ (value * 0xBF58_476D_1CE4_E5B9L)) * 0x94D0_49BB_1331_11EBL;
    }

    private static long finish(final long h)
    {
        long z = h;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
