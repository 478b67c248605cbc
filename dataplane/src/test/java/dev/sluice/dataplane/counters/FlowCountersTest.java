package dev.sluice.dataplane.counters;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flow counters: one labelled counter per outcome, summed per duty cycle, balancing created = ended + open. */
class FlowCountersTest
{
    private final CountersManager manager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(32 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 1024)),
        StandardCharsets.US_ASCII);

    @Test
    void addsEachCycleAndBalances()
    {
        final FlowCounters counters = new FlowCounters((typeId, label) -> manager.newCounter(label, typeId), "rx-0");
        counters.add(5, new long[]{1, 0, 2, 0, 0, 0}, 30, 3000, 2, 64);
        counters.add(1, new long[]{0, 1, 0, 1, 1, 0}, 12, 900, 0, 64);

        final FlowCounters.Snapshot snapshot = counters.snapshot();
        assertEquals(6, snapshot.created());
        assertEquals(6, snapshot.emitted());
        assertEquals(1, snapshot.evictions());
        assertEquals(42, snapshot.packetsEmitted());
        assertEquals(3900, snapshot.bytesEmitted());
        assertEquals(0, snapshot.tableOpen());
        assertTrue(snapshot.balances());

        final Map<String, Long> values = new HashMap<>();
        manager.forEach((counterId, typeId, keyBuffer, label) ->
        {
            assertEquals(CounterTypes.FLOW_COUNTER_TYPE_ID, typeId);
            values.put(label.substring("sluice flows rx-0 ".length()), manager.getCounterValue(counterId));
        });
        assertEquals(Map.ofEntries(
            Map.entry("flows_created", 6L),
            Map.entry("flows_emitted{idle_timeout}", 1L),
            Map.entry("flows_emitted{active_timeout}", 1L),
            Map.entry("flows_emitted{tcp_fin}", 2L),
            Map.entry("flows_emitted{tcp_rst}", 1L),
            Map.entry("flows_emitted{evicted}", 1L),
            Map.entry("flows_emitted{flushed}", 0L),
            Map.entry("flow_packets_emitted", 42L),
            Map.entry("flow_bytes_emitted", 3900L),
            Map.entry("flow_table_open", 0L),
            Map.entry("flow_table_capacity", 64L)), values);
        counters.close();
    }
}
