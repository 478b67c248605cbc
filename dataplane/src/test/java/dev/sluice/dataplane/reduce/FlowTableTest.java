package dev.sluice.dataplane.reduce;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow table on its own: keys (5-tuple, VLAN, tunnel, address layer), bidirectional
 * merging, TCP close with its linger, idle and active timeouts in packet time, counted eviction,
 * a randomized comparison with a map, and no allocation per update.
 */
class FlowTableTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final byte NO_TUNNEL = 0;
    private static final byte GTP_U = 1;
    private static final int NO_VLAN = -1;

    private final List<Ended> ended = new ArrayList<>();
    private final FlowTable.Sink sink = (table, entry, reason) -> ended.add(new Ended(
        table.srcLow(entry), table.dstLow(entry), table.srcPort(entry), table.dstPort(entry),
        table.packets(entry), table.bytes(entry), table.reversePackets(entry), table.reverseBytes(entry),
        table.firstSeenNs(entry), table.lastSeenNs(entry), table.tcpFlags(entry), table.marks(entry),
        table.vlanId(entry), table.tunnelId(entry), table.tos(entry), reason));
    private final FlowKey key = new FlowKey();

    record Ended(long src, long dst, int srcPort, int dstPort, long packets, long bytes, long reversePackets,
        long reverseBytes, long firstSeenNs, long lastSeenNs, int tcpFlags, long marks, int vlanId, long tunnelId,
        int tos, byte reason)
    {
    }

    private FlowKey key(final int protocol, final long src, final long dst, final int srcPort, final int dstPort)
    {
        return key.set(NO_VLAN, NO_TUNNEL, -1, FlowKey.OUTER_LAYER, (byte)4, protocol, 0, src, 0, dst, srcPort, dstPort);
    }

    private int update(final FlowTable table, final FlowKey k, final long timeNs, final int bytes, final int flags)
    {
        return table.update(k, timeNs, bytes, flags, 0, 0, 0, sink);
    }

    @Test
    void bothDirectionsOfAConversationShareOneBidirectionalFlow()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, true);
        table.update(key(UDP, 20, 10, 5000, 53), 1 * SECOND, 80, 0, 0x28, 1, 2, sink);
        table.update(key(UDP, 10, 20, 53, 5000), 2 * SECOND, 200, 0, 0x00, 4, 8, sink);
        table.update(key(UDP, 20, 10, 5000, 53), 3 * SECOND, 70, 0, 0x00, 16, 32, sink);
        assertEquals(1, table.size());

        table.flush(10, sink);
        assertEquals(List.of(new Ended(20, 10, 5000, 53, 2, 150, 1, 200, SECOND, 3 * SECOND, 0, 1 | 8 | 16,
            NO_VLAN, -1, 0x28, FlowEndReason.FLUSHED)), ended,
            "the first packet's direction and ToS; the reverse packet's marks as they read going back");
        assertEquals(0, table.size());
        assertEquals(1, table.created());
    }

    @Test
    void aUnidirectionalTableKeepsTheDirectionsApart()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, false);
        update(table, key(UDP, 10, 20, 5000, 53), SECOND, 80, 0);
        update(table, key(UDP, 20, 10, 53, 5000), SECOND, 200, 0);
        assertEquals(2, table.size());
    }

    @Test
    void vlanTunnelAndAddressLayerArePartOfTheKey()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, true);
        final long[][] variants = {
            {NO_VLAN, NO_TUNNEL, -1, FlowKey.OUTER_LAYER},
            {100, NO_TUNNEL, -1, FlowKey.OUTER_LAYER},
            {200, NO_TUNNEL, -1, FlowKey.OUTER_LAYER},
            {NO_VLAN, GTP_U, 0x1234, FlowKey.INNER_LAYER},
            {NO_VLAN, GTP_U, 0x5678, FlowKey.INNER_LAYER},
            {NO_VLAN, NO_TUNNEL, -1, FlowKey.INNER_LAYER},
        };
        for (int round = 0; round < 2; round++)
        {
            for (final long[] v : variants)
            {
                key.set((int)v[0], (byte)v[1], v[2], (byte)v[3], (byte)4, UDP, 0, 1, 0, 2, 1000, 2152);
                update(table, key, SECOND + round, 100, 0);
                // The reverse direction of the same variant joins its flow.
                key.set((int)v[0], (byte)v[1], v[2], (byte)v[3], (byte)4, UDP, 0, 2, 0, 1, 2152, 1000);
                update(table, key, SECOND + round, 100, 0);
            }
        }
        assertEquals(variants.length, table.size());
        table.flush(100, sink);
        for (final Ended flow : ended)
        {
            assertEquals(2, flow.packets());
            assertEquals(2, flow.reversePackets());
        }
        assertEquals(List.of(-1L, -1L, -1L, 0x1234L, 0x5678L, -1L), ended.stream().map(Ended::tunnelId).toList());
        assertEquals(List.of(-1, 100, 200, -1, -1, -1), ended.stream().map(Ended::vlanId).toList());
    }

    @Test
    void finFromBothSidesAndRstEndTheFlowAfterTheLinger()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, true);
        assertEquals(SECOND, table.closeLingerNs());
        update(table, key(TCP, 10, 20, 40000, 443), SECOND, 60, 0x02);
        update(table, key(TCP, 20, 10, 443, 40000), SECOND, 60, 0x12);
        update(table, key(TCP, 10, 20, 40000, 443), 2 * SECOND, 52, 0x11);
        assertEquals(0, table.expire(2 * SECOND, 10, sink), "one FIN does not close a bidirectional flow");
        update(table, key(TCP, 20, 10, 443, 40000), 2 * SECOND + 1, 52, 0x11);
        // The last ACK arrives within the linger: it belongs to the closed connection.
        update(table, key(TCP, 10, 20, 40000, 443), 2 * SECOND + 2, 52, 0x10);
        update(table, key(TCP, 10, 30, 40001, 443), 2 * SECOND + 3, 52, 0x04);
        assertEquals(0, table.expire(2 * SECOND + 3, 10, sink), "still lingering");

        assertEquals(2, table.expire(4 * SECOND, 10, sink));
        assertEquals(FlowEndReason.TCP_FIN, ended.get(0).reason());
        assertEquals(0x13, ended.get(0).tcpFlags());
        assertEquals(3, ended.get(0).packets());
        assertEquals(2, ended.get(0).reversePackets());
        assertEquals(FlowEndReason.TCP_RST, ended.get(1).reason());
        assertEquals(0, table.size());
    }

    @Test
    void aUnidirectionalFlowClosesOnItsOwnFin()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, false);
        update(table, key(TCP, 10, 20, 40000, 443), SECOND, 60, 0x11);
        // A packet after the linger starts a new flow, ending the closed one first.
        update(table, key(TCP, 10, 20, 40000, 443), 3 * SECOND, 60, 0x10);
        assertEquals(1, ended.size());
        assertEquals(FlowEndReason.TCP_FIN, ended.get(0).reason());
        assertEquals(1, table.size());
    }

    @Test
    void idleAndActiveTimeoutsFollowPacketTime()
    {
        final FlowTable table = new FlowTable(16, 10 * SECOND, 30 * SECOND, true);
        update(table, key(UDP, 1, 2, 1, 1), 0, 100, 0);
        update(table, key(UDP, 3, 4, 1, 1), 0, 100, 0);
        update(table, key(UDP, 3, 4, 1, 1), 5 * SECOND, 100, 0);
        update(table, key(UDP, 3, 4, 1, 1), 10 * SECOND, 100, 0);

        assertEquals(1, table.expire(12 * SECOND, 100, sink), "the first flow idles out, the busy one does not");
        assertEquals(FlowEndReason.IDLE_TIMEOUT, ended.get(0).reason());
        assertEquals(1, ended.get(0).src());

        for (long t = 15; t <= 25; t += 5)
        {
            update(table, key(UDP, 3, 4, 1, 1), t * SECOND, 100, 0);
        }
        assertEquals(1, table.expire(30 * SECOND, 100, sink), "the busy flow reaches its active timeout");
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, ended.get(1).reason());
        assertEquals(6, ended.get(1).packets());
        assertEquals(0, table.size());

        // A clock that went back (an out-of-order packet) never undoes time.
        update(table, key(UDP, 5, 6, 1, 1), 31 * SECOND, 100, 0);
        update(table, key(UDP, 5, 6, 1, 1), 20 * SECOND, 100, 0);
        assertEquals(31 * SECOND, table.nowNs());
        assertEquals(0, table.expire(40 * SECOND, 100, sink));
        assertEquals(1, table.expire(41 * SECOND, 100, sink));
        assertEquals(2, ended.get(2).packets());
    }

    @Test
    void aFullTableEvictsTheFlowIdleTheLongestAndCountsIt()
    {
        final FlowTable table = new FlowTable(3, 100 * SECOND, 1000 * SECOND, true);
        update(table, key(UDP, 1, 9, 1, 1), 1, 10, 0);
        update(table, key(UDP, 2, 9, 1, 1), 2, 10, 0);
        update(table, key(UDP, 3, 9, 1, 1), 3, 10, 0);
        update(table, key(UDP, 1, 9, 1, 1), 4, 10, 0);
        update(table, key(UDP, 4, 9, 1, 1), 5, 10, 0);

        assertEquals(1, table.evictions());
        assertEquals(FlowEndReason.EVICTED, ended.get(0).reason());
        assertEquals(2, ended.get(0).src(), "flow 1 was refreshed, so flow 2 idled the longest");
        assertEquals(3, table.size());
        assertEquals(4, table.created());
    }

    @Test
    void agreesWithAPlainMapOverRandomTraffic()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (final boolean bidirectional : new boolean[]{true, false})
        {
            ended.clear();
            final FlowTable table = new FlowTable(64, 10 * SECOND, 40 * SECOND, bidirectional);
            final Map<List<Long>, long[]> model = new HashMap<>();
            long packetsIn = 0;
            long bytesIn = 0;
            long timeNs = 0;
            for (int i = 0; i < 200_000; i++)
            {
                final long a = random.nextInt(6);
                final long b = random.nextInt(6);
                final int portA = random.nextInt(3);
                final int portB = random.nextInt(3);
                final int vlan = random.nextInt(3) - 1;
                final int bytes = 40 + random.nextInt(1400);
                final int flags = random.nextInt(2000) == 0 ? 0x04 : random.nextInt(20) == 0 ? 0x11 : 0x10;
                timeNs += random.nextInt(1000) == 0 ? 20 * SECOND : random.nextInt(1_000_000);
                key.set(vlan, NO_TUNNEL, -1, FlowKey.OUTER_LAYER, (byte)4, TCP, 0, a, 0, b, portA, portB);
                table.update(key, timeNs, bytes, flags, 0, 0, 0, sink);
                if ((i & 63) == 0)
                {
                    table.expire(timeNs, 16, sink);
                }
                packetsIn++;
                bytesIn += bytes;
                final boolean swap = bidirectional && (a > b || (a == b && portA > portB));
                final List<Long> conversation = swap ?
                    List.of((long)vlan, b, a, (long)portB, (long)portA) : List.of((long)vlan, a, b, (long)portA, (long)portB);
                final long[] sums = model.computeIfAbsent(conversation, k -> new long[2]);
                sums[0]++;
                sums[1] += bytes;
            }
            table.flush(Integer.MAX_VALUE, sink);

            final Map<List<Long>, long[]> fromFlows = new HashMap<>();
            long packetsOut = 0;
            long bytesOut = 0;
            final long[] byReason = new long[6];
            for (final Ended flow : ended)
            {
                packetsOut += flow.packets() + flow.reversePackets();
                bytesOut += flow.bytes() + flow.reverseBytes();
                byReason[flow.reason()]++;
                final boolean swap = bidirectional &&
                    (flow.src() > flow.dst() || (flow.src() == flow.dst() && flow.srcPort() > flow.dstPort()));
                final List<Long> conversation = swap ?
                    List.of((long)flow.vlanId(), flow.dst(), flow.src(), (long)flow.dstPort(), (long)flow.srcPort()) :
                    List.of((long)flow.vlanId(), flow.src(), flow.dst(), (long)flow.srcPort(), (long)flow.dstPort());
                final long[] sums = fromFlows.computeIfAbsent(conversation, k -> new long[2]);
                sums[0] += flow.packets() + flow.reversePackets();
                sums[1] += flow.bytes() + flow.reverseBytes();
                assertTrue(flow.firstSeenNs() <= flow.lastSeenNs());
            }
            assertEquals(packetsIn, packetsOut, "every packet is in exactly one flow record");
            assertEquals(bytesIn, bytesOut);
            assertEquals(table.created(), ended.size(), "created = ended once flushed");
            assertEquals(table.evictions(), byReason[FlowEndReason.EVICTED]);
            for (final byte reason : new byte[]{FlowEndReason.IDLE_TIMEOUT, FlowEndReason.TCP_FIN,
                FlowEndReason.TCP_RST, FlowEndReason.EVICTED, FlowEndReason.FLUSHED})
            {
                assertTrue(byReason[reason] > 0, "reason " + reason + " exercised");
            }
            assertEquals(model.size(), fromFlows.size());
            for (final Map.Entry<List<Long>, long[]> entry : model.entrySet())
            {
                final long[] sums = fromFlows.get(entry.getKey());
                assertEquals(entry.getValue()[0], sums[0], "packets of " + entry.getKey());
                assertEquals(entry.getValue()[1], sums[1], "bytes of " + entry.getKey());
            }
            assertEquals(0, table.size());
        }
    }

    @Test
    void updatingExistingAndNewFlowsAllocatesNothing()
    {
        final FlowTable table = new FlowTable(1024, 5 * SECOND, 60 * SECOND, true);
        final FlowTable.Sink counting = (t, entry, reason) ->
        {
        };
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SplittableRandom random = new SplittableRandom(7);
        long allocated = -1;
        for (int round = 0; round < 5 && allocated != 0; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++)
            {
                final long time = (round * 200_000L + i) * 1_000_000L;
                key.set(random.nextInt(3) - 1, NO_TUNNEL, -1, FlowKey.OUTER_LAYER, (byte)4,
                    random.nextBoolean() ? TCP : UDP, 0, random.nextInt(4096), 0, random.nextInt(64), random.nextInt(8), 443);
                table.update(key, time, 100, random.nextInt(64), 0, 0, 0, counting);
                if ((i & 255) == 0)
                {
                    table.expire(time, 256, counting);
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated);
    }
}
