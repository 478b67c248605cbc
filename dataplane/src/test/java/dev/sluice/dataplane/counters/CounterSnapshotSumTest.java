package dev.sluice.dataplane.counters;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers' counter snapshots added up for display: every count is the sum of the workers', drop
 * reasons merge, balances still hold, and a stream's last sequence (numbered per worker) is the
 * highest, not a sum.
 */
class CounterSnapshotSumTest
{
    @Test
    void sourceSnapshotsAddUpAndStillBalance()
    {
        final SourceCounters.Snapshot first = new SourceCounters.Snapshot(
            "pcap:a.pcap", 100, 60, 10, 20, 5, Map.of(DropReason.TRUNCATED_IPV4, 3L, DropReason.UDP_BAD_LENGTH, 2L), 9_000, 2);
        final SourceCounters.Snapshot second = new SourceCounters.Snapshot(
            "pcap:b.pcap", 50, 30, 0, 10, 7, Map.of(DropReason.TRUNCATED_IPV4, 1L, DropReason.TRUNCATED_TCP, 2L), 4_000, 5);

        final SourceCounters.Snapshot sum = SourceCounters.Snapshot.sum("pcap:2 files", List.of(first, second));

        assertEquals(new SourceCounters.Snapshot(
            "pcap:2 files", 150, 90, 10, 30, 12,
            Map.of(DropReason.TRUNCATED_IPV4, 4L, DropReason.UDP_BAD_LENGTH, 2L, DropReason.TRUNCATED_TCP, 2L), 13_000, 7),
            sum);
        assertEquals(0, sum.inFlight());
        assertEquals(first.dropped() + second.dropped(), sum.dropped());
    }

    @Test
    void sumOfNoSnapshotsIsZero()
    {
        final SourceCounters.Snapshot sum = SourceCounters.Snapshot.sum("none", List.of());
        assertEquals(0, sum.received());
        assertEquals(Map.of(), sum.droppedByReason());
    }

    @Test
    void flowSnapshotsAddUpIncludingEachWorkersTable()
    {
        final FlowCounters.Snapshot first = new FlowCounters.Snapshot("rx-0", 10, 1, 2, 3, 1, 0, 0, 40, 4_000, 3, 1024);
        final FlowCounters.Snapshot second = new FlowCounters.Snapshot("rx-1", 7, 0, 0, 4, 0, 1, 1, 25, 2_500, 1, 1024);

        final FlowCounters.Snapshot sum = FlowCounters.Snapshot.sum("rx-0..rx-1", List.of(first, second));

        assertEquals(new FlowCounters.Snapshot("rx-0..rx-1", 17, 1, 2, 7, 1, 1, 1, 65, 6_500, 4, 2048), sum);
        assertTrue(first.balances() && second.balances());
        assertTrue(sum.balances());
        assertEquals(first.emitted() + second.emitted(), sum.emitted());
    }

    @Test
    void destinationSnapshotsAddUpAndKeepTheHighestSequence()
    {
        final DestinationCounters.Snapshot first = new DestinationCounters.Snapshot(
            "eu-west", 10, 5, 2, 14, 3, 3_000, 1, 4, 3, 6, 1, 1, 7, 700, 0, 2, 50, 1, 0);
        final DestinationCounters.Snapshot second = new DestinationCounters.Snapshot(
            "eu-west", 1, 2, 3, 3, 9, 900, 0, 0, 9, 1, 0, 0, 1, 100, 0, 0, 0, 0, 1);

        final DestinationCounters.Snapshot sum = DestinationCounters.Snapshot.sum("eu-west", List.of(first, second));

        assertEquals(new DestinationCounters.Snapshot(
            "eu-west", 11, 7, 5, 17, 12, 3_900, 1, 4, 9, 7, 1, 1, 8, 800, 0, 2, 50, 1, 1), sum);
        assertEquals(first.inFlight() + second.inFlight(), sum.inFlight());
        assertEquals(first.flowRecordsInFlight() + second.flowRecordsInFlight(), sum.flowRecordsInFlight());
        assertEquals(first.recordsSent() + second.recordsSent(), sum.recordsSent());
    }
}
