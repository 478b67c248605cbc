package dev.sluice.dataplane.reduce;

import java.util.Arrays;

/**
 * A worker's table of open flows, keyed by {@link FlowKey} (VLAN, tunnel, address layer, IP
 * version, protocol, addresses, ports), optionally bidirectional (both directions of a
 * conversation in one flow, with reverse counters). Fixed capacity, preallocated, no
 * allocation per packet:
 * <ul>
 *   <li>entries are slots of parallel arrays, chained from a power-of-two bucket array;</li>
 *   <li>three intrusive lists order the entries by activity (open flows, put in order lazily:
 *       idle expiry, eviction), by close deadline (flows that saw their TCP close) and by
 *       creation (active timeout, flush), so expiry touches only the flows that expire;</li>
 *   <li>when the table is full, the open flow idle the longest (to within the lazy ordering:
 *       a flow relisted at the tail counts from then) or, when every flow is closing, the one
 *       closing first, is emitted early as {@link FlowEndReason#EVICTED} and counted, to make
 *       room.</li>
 * </ul>
 * Time is the packets' own time (capture timestamps), so replaying a capture gives the same
 * flows as capturing it did. The table's clock is the latest packet time seen and never moves
 * back: timeouts are measured on it, while a flow's first and last seen times are its packets'
 * own timestamps.
 * <p>
 * <b>TCP close.</b> A RST, or a FIN from both sides (from its own side in a unidirectional
 * table), does not end the flow at once: the packets that follow a close within
 * {@link #closeLingerNs()} (the last ACK, a retransmitted FIN, a burst of RSTs) still belong to
 * it, and the flow then ends as {@link FlowEndReason#TCP_FIN} or {@link FlowEndReason#TCP_RST}.
 * Without the linger the last ACK of every connection would start a one-packet flow of its
 * own. A packet for a flow whose timeout or linger has passed ends that flow first and starts a
 * new one, whenever expiry last ran.
 * <p>
 * A flow leaves the table through the {@link Sink} given to the call that ends it; the sink
 * reads the entry's fields with the accessors, before the slot is reused.
 * Worker thread only.
 */
public final class FlowTable
{
    /** The most a flow waits for stragglers after its TCP close, unless the idle timeout is shorter. */
    public static final long DEFAULT_CLOSE_LINGER_NS = 1_000_000_000L;

    private static final int NONE = -1;
    private static final int KEY_WORDS = 8;
    private static final int KEY_SHIFT = 3;
    private static final int STATE_WORDS = 8;
    private static final int STATE_SHIFT = 3;
    private static final int TOUCHED = 0;
    private static final int STARTED = 1;
    private static final int PACKETS = 2;
    private static final int BYTES = 3;
    private static final int REVERSE_PACKETS = 4;
    private static final int REVERSE_BYTES = 5;
    private static final int LAST_SEEN = 6;
    private static final int MARKS = 7;
    private static final int PREV = 0;
    private static final int NEXT = 1;
    private static final byte OPEN = -1;
    private static final int TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;
    private static final byte FIN_FORWARD = 1;
    private static final byte FIN_REVERSE = 2;
    private static final byte FIN_BOTH = FIN_FORWARD | FIN_REVERSE;

    /** Receives each flow as it ends; reads the entry with the table's accessors. */
    @FunctionalInterface
    public interface Sink
    {
        void onFlowEnd(FlowTable table, int entry, byte endReason);
    }

    private final int capacity;
    private final long idleTimeoutNs;
    private final long activeTimeoutNs;
    private final long closeLingerNs;
    private final boolean bidirectional;

    private final int[] buckets;
    private final int bucketMask;
    private final int[] chainNext;
    /**
     * The key of each entry packed in one cache line ({@link #KEY_WORDS} longs: scalars, tunnel
     * id, source high and low, destination high and low, ports), so a lookup compares one line
     * instead of a dozen arrays; the per-field arrays below serve the accessors.
     */
    private final long[] keyWords;
    /**
     * What a packet updates, {@link #STATE_WORDS} longs per entry (one cache line): last touched
     * and start (table clock), packets and bytes both ways, latest capture time, caller's marks.
     */
    private final long[] state;

    private final int[] vlanId;
    private final byte[] tunnelType;
    private final long[] tunnelId;
    private final byte[] addressLayer;
    private final byte[] ipVersion;
    private final int[] ipProtocol;
    private final long[] srcHigh;
    private final long[] srcLow;
    private final long[] dstHigh;
    private final long[] dstLow;
    private final int[] srcPort;
    private final int[] dstPort;

    private final long[] firstSeenNs;
    private final long[] closeDeadlineNs;
    private final int[] tcpFlags;
    private final int[] tos;
    private final byte[] closeReason;
    private final byte[] finSeen;

    /**
     * Links (previous, next) of the idle list (open flows) or the closing list; an entry is on
     * exactly one. The idle list is ordered by the time an entry was listed ({@link #listedNs}),
     * not by its latest packet: a packet only stamps its flow, and a flow that reaches the head
     * with packets since it was listed is listed again at the tail. So expiry ends exactly the
     * flows idle for the timeout, at most one timeout late, and each packet costs at most one
     * relisting, once, instead of two list updates at random places.
     */
    private final int[] links;
    /** When each entry joined the tail of its list, table clock. */
    private final long[] listedNs;
    private int idleHead = NONE;
    private int idleTail = NONE;
    private int closingHead = NONE;
    private int closingTail = NONE;
    private final int[] agePrev;
    private final int[] ageNext;
    private int ageHead = NONE;
    private int ageTail = NONE;

    private int freeHead;
    private int size;
    private long nowNs = Long.MIN_VALUE;
    private long evictions;
    private long created;

    /**
     * A table whose TCP close linger is {@link #DEFAULT_CLOSE_LINGER_NS}, or the idle timeout
     * when that is shorter.
     *
     * @param capacity        the most flows open at once
     * @param idleTimeoutNs   a flow without packets this long (in packet time) ends
     * @param activeTimeoutNs a flow open this long ends, and its next packet starts a new one
     * @param bidirectional   whether both directions of a conversation share one flow
     */
    public FlowTable(final int capacity, final long idleTimeoutNs, final long activeTimeoutNs, final boolean bidirectional)
    {
        this(capacity, idleTimeoutNs, activeTimeoutNs, Math.min(idleTimeoutNs, DEFAULT_CLOSE_LINGER_NS), bidirectional);
    }

    /**
     * @param capacity        the most flows open at once
     * @param idleTimeoutNs   a flow without packets this long (in packet time) ends
     * @param activeTimeoutNs a flow open this long ends, and its next packet starts a new one
     * @param closeLingerNs   how long a flow that saw its TCP close still takes packets
     * @param bidirectional   whether both directions of a conversation share one flow
     */
    public FlowTable(
        final int capacity,
        final long idleTimeoutNs,
        final long activeTimeoutNs,
        final long closeLingerNs,
        final boolean bidirectional)
    {
        if (capacity < 1 || capacity > (1 << 28))
        {
            throw new IllegalArgumentException("flow table capacity must be in 1.." + (1 << 28) + ": " + capacity);
        }
        if (idleTimeoutNs <= 0 || activeTimeoutNs <= 0 || closeLingerNs < 0)
        {
            throw new IllegalArgumentException("flow timeouts must be positive and the close linger not negative");
        }
        this.capacity = capacity;
        this.idleTimeoutNs = idleTimeoutNs;
        this.activeTimeoutNs = activeTimeoutNs;
        this.closeLingerNs = closeLingerNs;
        this.bidirectional = bidirectional;

        final int bucketCount = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        buckets = new int[bucketCount];
        bucketMask = bucketCount - 1;
        Arrays.fill(buckets, NONE);
        chainNext = new int[capacity];
        keyWords = new long[capacity << KEY_SHIFT];
        state = new long[capacity << STATE_SHIFT];
        links = new int[capacity << 1];
        listedNs = new long[capacity];

        vlanId = new int[capacity];
        tunnelType = new byte[capacity];
        tunnelId = new long[capacity];
        addressLayer = new byte[capacity];
        ipVersion = new byte[capacity];
        ipProtocol = new int[capacity];
        srcHigh = new long[capacity];
        srcLow = new long[capacity];
        dstHigh = new long[capacity];
        dstLow = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];

        firstSeenNs = new long[capacity];
        closeDeadlineNs = new long[capacity];
        tcpFlags = new int[capacity];
        tos = new int[capacity];
        closeReason = new byte[capacity];
        finSeen = new byte[capacity];

        agePrev = new int[capacity];
        ageNext = new int[capacity];

        for (int i = 0; i < capacity; i++)
        {
            chainNext[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        freeHead = 0;
    }

    /**
     * Adds one packet to its flow, creating the flow when there is none. Ends at most one other
     * flow on the way, through {@code sink}: this key's previous flow when its timeout or close
     * linger has passed, or, when the table is full, the flow evicted to make room.
     *
     * @param key            the packet's flow key
     * @param timestampNs    the packet's capture time
     * @param wireBytes      the packet's length on the wire
     * @param packetTcpFlags the packet's TCP flags, 0 when not TCP
     * @param packetTos      the packet's IPv4 TOS or IPv6 traffic class, kept when it starts a flow
     * @param marksIfForward bits the caller wants kept with the flow (ORed over its packets),
     *                       e.g. which fields to anonymize, as they read when the packet goes the
     *                       flow's way
     * @param marksIfReverse the same bits as they read when the packet goes the other way
     * @return the entry the packet went to
     */
    public int update(
        final FlowKey key,
        final long timestampNs,
        final int wireBytes,
        final int packetTcpFlags,
        final int packetTos,
        final long marksIfForward,
        final long marksIfReverse,
        final Sink sink)
    {
        advance(timestampNs);
        final long now = nowNs;
        final boolean reversed = bidirectional && key.isReversed();
        final int bucket = (int)hash(key, reversed) & bucketMask;
        final long keyScalars = scalars(key.vlanId, key.tunnelType, key.addressLayer, key.ipVersion, key.ipProtocol);
        final long ports = ports(key.srcPort, key.dstPort);

        int entry = find(key, keyScalars, ports, bucket);
        if (entry != NONE)
        {
            final byte ended = dueReason(entry, now);
            if (ended != OPEN)
            {
                end(entry, ended, sink);
                entry = NONE;
            }
        }

        final boolean forward;
        if (entry == NONE)
        {
            if (freeHead == NONE)
            {
                evictions++;
                end(evictionCandidate(), FlowEndReason.EVICTED, sink);
            }
            entry = insert(key, bucket, timestampNs, packetTos, now);
            forward = true;
        }
        else
        {
            forward = matchesForward(entry << KEY_SHIFT, key, ports);
            // No relinking per packet: the idle list is put in order lazily, at its head (see expire).
            state[(entry << STATE_SHIFT) + TOUCHED] = now;
        }

        final long[] st = state;
        final int at = entry << STATE_SHIFT;
        if (forward)
        {
            st[at + PACKETS]++;
            st[at + BYTES] += wireBytes;
            st[at + MARKS] |= marksIfForward;
        }
        else
        {
            st[at + REVERSE_PACKETS]++;
            st[at + REVERSE_BYTES] += wireBytes;
            st[at + MARKS] |= marksIfReverse;
        }
        st[at + LAST_SEEN] = Math.max(st[at + LAST_SEEN], timestampNs);
        tcpFlags[entry] |= packetTcpFlags;

        if (key.ipProtocol == TCP && (packetTcpFlags & (TCP_FIN | TCP_RST)) != 0)
        {
            onTcpClose(entry, forward, packetTcpFlags, now);
        }
        return entry;
    }

    /**
     * Ends the flows whose close linger, idle timeout or active timeout has passed at
     * {@code timeNs} (the packet time now; the table's clock never moves backwards), at most
     * {@code limit} of them; the rest stay due for the next call.
     *
     * @return the number of flows ended
     */
    public int expire(final long timeNs, final int limit, final Sink sink)
    {
        advance(timeNs);
        final long now = nowNs;
        int ended = 0;
        while (ended < limit && closingHead != NONE && now - closeDeadlineNs[closingHead] >= 0)
        {
            end(closingHead, closeReason[closingHead], sink);
            ended++;
        }
        while (ended < limit && idleHead != NONE && now - listedNs[idleHead] >= idleTimeoutNs)
        {
            final int head = idleHead;
            if (now - state[(head << STATE_SHIFT) + TOUCHED] >= idleTimeoutNs)
            {
                end(head, FlowEndReason.IDLE_TIMEOUT, sink);
                ended++;
            }
            else
            {
                relist(head);
            }
        }
        while (ended < limit && ageHead != NONE && now - state[(ageHead << STATE_SHIFT) + STARTED] >= activeTimeoutNs)
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

    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    public long activeTimeoutNs()
    {
        return activeTimeoutNs;
    }

    public long closeLingerNs()
    {
        return closeLingerNs;
    }

    public boolean isBidirectional()
    {
        return bidirectional;
    }

    /** Flows started since the table was made. */
    public long created()
    {
        return created;
    }

    /** Flows ended early because the table was full. */
    public long evictions()
    {
        return evictions;
    }

    /** The table's clock: the latest packet time seen. */
    public long nowNs()
    {
        return nowNs;
    }

    // ---------------------------------------------------------------- entry accessors, for sinks

    public int vlanId(final int entry)
    {
        return vlanId[entry];
    }

    public byte tunnelType(final int entry)
    {
        return tunnelType[entry];
    }

    public long tunnelId(final int entry)
    {
        return tunnelId[entry];
    }

    /** {@link FlowKey#OUTER_LAYER} or {@link FlowKey#INNER_LAYER}. */
    public byte addressLayer(final int entry)
    {
        return addressLayer[entry];
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

    /** The latest capture time among the flow's packets. */
    public long lastSeenNs(final int entry)
    {
        return state[(entry << STATE_SHIFT) + LAST_SEEN];
    }

    /** Packets in the direction of the first packet. */
    public long packets(final int entry)
    {
        return state[(entry << STATE_SHIFT) + PACKETS];
    }

    public long bytes(final int entry)
    {
        return state[(entry << STATE_SHIFT) + BYTES];
    }

    /** Packets in the other direction (bidirectional tables only). */
    public long reversePackets(final int entry)
    {
        return state[(entry << STATE_SHIFT) + REVERSE_PACKETS];
    }

    public long reverseBytes(final int entry)
    {
        return state[(entry << STATE_SHIFT) + REVERSE_BYTES];
    }

    /** Union of the TCP flags of the flow's packets, both directions. */
    public int tcpFlags(final int entry)
    {
        return tcpFlags[entry];
    }

    /** IPv4 TOS or IPv6 traffic class of the flow's first packet. */
    public int tos(final int entry)
    {
        return tos[entry];
    }

    /** The caller's bits, ORed over the flow's packets (see {@link #update}). */
    public long marks(final int entry)
    {
        return state[(entry << STATE_SHIFT) + MARKS];
    }

    // ---------------------------------------------------------------- internals

    private void advance(final long timeNs)
    {
        if (timeNs > nowNs)
        {
            nowNs = timeNs;
        }
    }

    /** Why the flow must end before it takes a packet at {@code now}, or OPEN when it need not. */
    private byte dueReason(final int entry, final long now)
    {
        if (closeReason[entry] != OPEN)
        {
            if (now - closeDeadlineNs[entry] >= 0)
            {
                return closeReason[entry];
            }
        }
        else if (now - state[(entry << STATE_SHIFT) + TOUCHED] >= idleTimeoutNs)
        {
            return FlowEndReason.IDLE_TIMEOUT;
        }
        if (now - state[(entry << STATE_SHIFT) + STARTED] >= activeTimeoutNs)
        {
            return FlowEndReason.ACTIVE_TIMEOUT;
        }
        return OPEN;
    }

    private void onTcpClose(final int entry, final boolean forward, final int packetTcpFlags, final long now)
    {
        if ((packetTcpFlags & TCP_RST) != 0)
        {
            if (closeReason[entry] == OPEN)
            {
                startClosing(entry, FlowEndReason.TCP_RST, now);
            }
            else
            {
                // A reset ends a connection whatever FINs came before; the deadline stays.
                closeReason[entry] = FlowEndReason.TCP_RST;
            }
            return;
        }
        finSeen[entry] |= forward ? FIN_FORWARD : FIN_REVERSE;
        if (closeReason[entry] == OPEN && (!bidirectional || finSeen[entry] == FIN_BOTH))
        {
            startClosing(entry, FlowEndReason.TCP_FIN, now);
        }
    }

    /**
     * The open flow idle the longest, or when every flow is closing the one closing first. Flows
     * at the head of the idle list that had packets since they were listed go to its tail first.
     */
    private int evictionCandidate()
    {
        while (idleHead != NONE && state[(idleHead << STATE_SHIFT) + TOUCHED] > listedNs[idleHead])
        {
            relist(idleHead);
        }
        return idleHead != NONE ? idleHead : closingHead;
    }

    /** Moves an open flow to the tail of the idle list, listed now. */
    private void relist(final int entry)
    {
        unlink(entry, false);
        append(entry, false);
    }

    private void startClosing(final int entry, final byte reason, final long now)
    {
        unlink(entry, false);
        closeReason[entry] = reason;
        closeDeadlineNs[entry] = now + closeLingerNs;
        append(entry, true);
    }

    private int find(final FlowKey key, final long keyScalars, final long ports, final int bucket)
    {
        final long[] words = keyWords;
        int entry = buckets[bucket];
        while (entry != NONE)
        {
            final int base = entry << KEY_SHIFT;
            if (words[base] == keyScalars &&
                words[base + 1] == key.tunnelId &&
                (matchesForward(base, key, ports) || (bidirectional && matchesReverse(base, key, ports))))
            {
                return entry;
            }
            entry = chainNext[entry];
        }
        return NONE;
    }

    private boolean matchesForward(final int base, final FlowKey key, final long ports)
    {
        final long[] words = keyWords;
        return words[base + 3] == key.srcLow && words[base + 5] == key.dstLow && words[base + 6] == ports &&
            words[base + 2] == key.srcHigh && words[base + 4] == key.dstHigh;
    }

    private boolean matchesReverse(final int base, final FlowKey key, final long ports)
    {
        final long[] words = keyWords;
        return words[base + 3] == key.dstLow && words[base + 5] == key.srcLow && words[base + 6] == swapPorts(ports) &&
            words[base + 2] == key.dstHigh && words[base + 4] == key.srcHigh;
    }

    private static long ports(final int srcPort, final int dstPort)
    {
        return ((long)srcPort << 32) | (dstPort & 0xFFFF_FFFFL);
    }

    private static long swapPorts(final long ports)
    {
        return (ports << 32) | (ports >>> 32);
    }

    private int insert(final FlowKey key, final int bucket, final long timestampNs, final int packetTos, final long now)
    {
        final int entry = freeHead;
        freeHead = chainNext[entry];
        chainNext[entry] = buckets[bucket];
        buckets[bucket] = entry;

        final int base = entry << KEY_SHIFT;
        keyWords[base] = scalars(key.vlanId, key.tunnelType, key.addressLayer, key.ipVersion, key.ipProtocol);
        keyWords[base + 1] = key.tunnelId;
        keyWords[base + 2] = key.srcHigh;
        keyWords[base + 3] = key.srcLow;
        keyWords[base + 4] = key.dstHigh;
        keyWords[base + 5] = key.dstLow;
        keyWords[base + 6] = ports(key.srcPort, key.dstPort);
        vlanId[entry] = key.vlanId;
        tunnelType[entry] = key.tunnelType;
        tunnelId[entry] = key.tunnelId;
        addressLayer[entry] = key.addressLayer;
        ipVersion[entry] = key.ipVersion;
        ipProtocol[entry] = key.ipProtocol;
        srcHigh[entry] = key.srcHigh;
        srcLow[entry] = key.srcLow;
        dstHigh[entry] = key.dstHigh;
        dstLow[entry] = key.dstLow;
        srcPort[entry] = key.srcPort;
        dstPort[entry] = key.dstPort;
        firstSeenNs[entry] = timestampNs;
        state[(entry << STATE_SHIFT) + LAST_SEEN] = timestampNs;
        state[(entry << STATE_SHIFT) + STARTED] = now;
        state[(entry << STATE_SHIFT) + TOUCHED] = now;
        closeDeadlineNs[entry] = 0;
        state[(entry << STATE_SHIFT) + PACKETS] = 0;
        state[(entry << STATE_SHIFT) + BYTES] = 0;
        state[(entry << STATE_SHIFT) + REVERSE_PACKETS] = 0;
        state[(entry << STATE_SHIFT) + REVERSE_BYTES] = 0;
        tcpFlags[entry] = 0;
        tos[entry] = packetTos;
        state[(entry << STATE_SHIFT) + MARKS] = 0;
        closeReason[entry] = OPEN;
        finSeen[entry] = 0;

        created++;
        append(entry, false);
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
        final boolean reversed = bidirectional &&
            ordersAfter(srcHigh[entry], srcLow[entry], srcPort[entry], dstHigh[entry], dstLow[entry], dstPort[entry]);
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

        unlink(entry, closeReason[entry] != OPEN);
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

    /** Appends to the tail of the closing list ({@code closing}) or of the idle list, listed now. */
    private void append(final int entry, final boolean closing)
    {
        listedNs[entry] = nowNs;
        final int tail = closing ? closingTail : idleTail;
        links[(entry << 1) + PREV] = tail;
        links[(entry << 1) + NEXT] = NONE;
        if (tail == NONE)
        {
            if (closing)
            {
                closingHead = entry;
            }
            else
            {
                idleHead = entry;
            }
        }
        else
        {
            links[(tail << 1) + NEXT] = entry;
        }
        if (closing)
        {
            closingTail = entry;
        }
        else
        {
            idleTail = entry;
        }
    }

    private void unlink(final int entry, final boolean closing)
    {
        final int before = links[(entry << 1) + PREV];
        final int after = links[(entry << 1) + NEXT];
        if (before == NONE)
        {
            if (closing)
            {
                closingHead = after;
            }
            else
            {
                idleHead = after;
            }
        }
        else
        {
            links[(before << 1) + NEXT] = after;
        }
        if (after == NONE)
        {
            if (closing)
            {
                closingTail = before;
            }
            else
            {
                idleTail = before;
            }
        }
        else
        {
            links[(after << 1) + PREV] = before;
        }
    }

    /** Whether endpoint a (address, port) orders after endpoint b: the canonical order of a bidirectional key. */
    static boolean ordersAfter(
        final long aHigh, final long aLow, final int aPort, final long bHigh, final long bLow, final int bPort)
    {
        final int high = Long.compareUnsigned(aHigh, bHigh);
        if (high != 0)
        {
            return high > 0;
        }
        final int low = Long.compareUnsigned(aLow, bLow);
        if (low != 0)
        {
            return low > 0;
        }
        return aPort > bPort;
    }

    /** Hash of a key; for a bidirectional table, of its endpoints in canonical order. */
    private static long hash(final FlowKey key, final boolean reversed)
    {
        final long scalars = scalars(key.vlanId, key.tunnelType, key.addressLayer, key.ipVersion, key.ipProtocol);
        return reversed ?
            mix(scalars, key.tunnelId, key.dstHigh, key.dstLow, key.srcHigh, key.srcLow, key.dstPort, key.srcPort) :
            mix(scalars, key.tunnelId, key.srcHigh, key.srcLow, key.dstHigh, key.dstLow, key.srcPort, key.dstPort);
    }

    private long hashOf(final int entry, final boolean reversed)
    {
        final long scalars = scalars(vlanId[entry], tunnelType[entry], addressLayer[entry], ipVersion[entry], ipProtocol[entry]);
        return reversed ?
            mix(scalars, tunnelId[entry], dstHigh[entry], dstLow[entry], srcHigh[entry], srcLow[entry], dstPort[entry], srcPort[entry]) :
            mix(scalars, tunnelId[entry], srcHigh[entry], srcLow[entry], dstHigh[entry], dstLow[entry], srcPort[entry], dstPort[entry]);
    }

    private static long scalars(final int vlan, final byte tunnel, final byte layer, final byte version, final int protocol)
    {
        return ((long)(vlan & 0xFFFF) << 32) | ((long)(tunnel & 0xFF) << 24) | ((long)(layer & 0xF) << 20) |
            ((long)(version & 0xF) << 16) | (protocol & 0xFFFF);
    }

    private static long mix(
        final long scalars,
        final long tunnel,
        final long aHigh,
        final long aLow,
        final long bHigh,
        final long bLow,
        final int aPort,
        final int bPort)
    {
        long h = 0x9E37_79B9_7F4A_7C15L;
        h = step(h, scalars);
        h = step(h, tunnel);
        h = step(h, aHigh);
        h = step(h, aLow);
        h = step(h, bHigh);
        h = step(h, bLow);
        h = step(h, ((long)(aPort & 0xFFFF_FFFFL) << 32) | (bPort & 0xFFFF_FFFFL));
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
