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

class FlowTableTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final List<Ended> ended = new ArrayList<>();
    private final FlowTable.Sink sink = (table, entry, reason) -> ended.add(new Ended(
        table.srcLow(entry), table.dstLow(entry), table.srcPort(entry), table.dstPort(entry),
        table.packets(entry), table.bytes(entry), table.reversePackets(entry), table.reverseBytes(entry),
        table.firstSeenNs(entry), table.lastSeenNs(entry), table.tcpFlags(entry), table.marks(entry), reason));
    private final FlowKey key = new FlowKey();

    record Ended(long src, long dst, int srcPort, int dstPort, long packets, long bytes, long reversePackets,
        long reverseBytes, long firstSeenNs, long lastSeenNs, int tcpFlags, byte marks, byte reason)
    {
    }

    private FlowKey key(final int protocol, final long src, final long dst, final int srcPort, final int dstPort)
    {
        return key.set(-1, -1, (byte)4, protocol, 0, src, 0, dst, srcPort, dstPort);
    }

    @Test
    void bothDirectionsOfAConversationShareOneBidirectionalFlow()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, true);
        table.update(key(UDP, 10, 20, 5000, 53), 1 * SECOND, 80, 0, 0, (byte)1, sink);
        table.update(key(UDP, 20, 10, 53, 5000), 2 * SECOND, 200, 0, 0, (byte)2, sink);
        table.update(key(UDP, 10, 20, 5000, 53), 3 * SECOND, 70, 0, 0, (byte)0, sink);
        assertEquals(1, table.size());

        table.flush(10, sink);
        assertEquals(List.of(new Ended(10, 20, 5000, 53, 2, 150, 1, 200, SECOND, 3 * SECOND, 0, (byte)3,
            FlowEndReason.FLUSHED)), ended);
        assertEquals(0, table.size());
    }

    @Test
    void aUnidirectionalTableKeepsTheDirectionsApart()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, false);
        table.update(key(UDP, 10, 20, 5000, 53), SECOND, 80, 0, 0, (byte)0, sink);
        table.update(key(UDP, 20, 10, 53, 5000), SECOND, 200, 0, 0, (byte)0, sink);
        assertEquals(2, table.size());
    }

    @Test
    void finAndRstEndTheFlowAtOnce()
    {
        final FlowTable table = new FlowTable(16, 15 * SECOND, 60 * SECOND, true);
        table.update(key(TCP, 10, 20, 40000, 443), SECOND, 60, 0x02, 0, (byte)0, sink);
        table.update(key(TCP, 20, 10, 443, 40000), SECOND, 60, 0x12, 0, (byte)0, sink);
        assertEquals(-1, table.update(key(TCP, 10, 20, 40000, 443), 2 * SECOND, 52, 0x11, 0, (byte)0, sink));
        table.update(key(TCP, 10, 30, 40001, 443), 3 * SECOND, 52, 0x04, 0, (byte)0, sink);

        assertEquals(2, ended.size());
        assertEquals(FlowEndReason.TCP_FIN, ended.get(0).reason());
        assertEquals(0x13, ended.get(0).tcpFlags());
        assertEquals(2, ended.get(0).packets());
        assertEquals(1, ended.get(0).reversePackets());
        assertEquals(FlowEndReason.TCP_RST, ended.get(1).reason());
        assertEquals(0, table.size());
    }

    @Test
    void idleAndActiveTimeoutsFollowPacketTime()
    {
        final FlowTable table = new FlowTable(16, 10 * SECOND, 30 * SECOND, true);
        table.update(key(UDP, 1, 2, 1, 1), 0, 100, 0, 0, (byte)0, sink);
        table.update(key(UDP, 3, 4, 1, 1), 0, 100, 0, 0, (byte)0, sink);
        table.update(key(UDP, 3, 4, 1, 1), 5 * SECOND, 100, 0, 0, (byte)0, sink);
        table.update(key(UDP, 3, 4, 1, 1), 10 * SECOND, 100, 0, 0, (byte)0, sink);

        assertEquals(1, table.expire(12 * SECOND, 100, sink), "the first flow idles out, the busy one does not");
        assertEquals(FlowEndReason.IDLE_TIMEOUT, ended.get(0).reason());
        assertEquals(1, ended.get(0).src());

        for (long t = 15; t <= 30; t += 5)
        {
            table.update(key(UDP, 3, 4, 1, 1), t * SECOND, 100, 0, 0, (byte)0, sink);
        }
        assertEquals(1, table.expire(30 * SECOND, 100, sink), "the busy flow reaches its active timeout");
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, ended.get(1).reason());
        assertEquals(7, ended.get(1).packets());
        assertEquals(0, table.size());
    }

    @Test
    void aFullTableEvictsTheFlowIdleTheLongestAndCountsIt()
    {
        final FlowTable table = new FlowTable(3, 100 * SECOND, 1000 * SECOND, true);
        table.update(key(UDP, 1, 9, 1, 1), 1, 10, 0, 0, (byte)0, sink);
        table.update(key(UDP, 2, 9, 1, 1), 2, 10, 0, 0, (byte)0, sink);
        table.update(key(UDP, 3, 9, 1, 1), 3, 10, 0, 0, (byte)0, sink);
        table.update(key(UDP, 1, 9, 1, 1), 4, 10, 0, 0, (byte)0, sink);
        table.update(key(UDP, 4, 9, 1, 1), 5, 10, 0, 0, (byte)0, sink);

        assertEquals(1, table.evictions());
        assertEquals(FlowEndReason.EVICTED, ended.get(0).reason());
        assertEquals(2, ended.get(0).src(), "flow 1 was refreshed, so flow 2 idled the longest");
        assertEquals(3, table.size());
    }

    @Test
    void agreesWithAPlainMapOverRandomTraffic()
    {
        final FlowTable table = new FlowTable(64, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, true);
        final Map<List<Long>, long[]> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(42);
        long packetsIn = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final long a = random.nextInt(12);
            final long b = random.nextInt(12);
            final int portA = random.nextInt(3);
            final int portB = random.nextInt(3);
            table.update(key(UDP, a, b, portA, portB), i, 1, 0, 0, (byte)0, sink);
            packetsIn++;
            final List<Long> canonical = a < b || (a == b && portA <= portB) ?
                List.of(a, b, (long)portA, (long)portB) : List.of(b, a, (long)portB, (long)portA);
            model.computeIfAbsent(canonical, k -> new long[1])[0]++;
        }
        table.flush(Integer.MAX_VALUE, sink);

        long packetsOut = 0;
        long evicted = 0;
        for (final Ended flow : ended)
        {
            packetsOut += flow.packets() + flow.reversePackets();
            evicted += flow.reason() == FlowEndReason.EVICTED ? 1 : 0;
        }
        assertEquals(packetsIn, packetsOut, "every packet is in exactly one flow record");
        assertEquals(table.evictions(), evicted);
        assertTrue(model.size() > 64 || evicted == 0);
        assertEquals(0, table.size());
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
                table.update(key.set(-1, -1, (byte)4, random.nextBoolean() ? TCP : UDP, 0, random.nextInt(4096), 0,
                    random.nextInt(64), random.nextInt(8), 443), time, 100, random.nextInt(64), 0, (byte)0, counting);
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
