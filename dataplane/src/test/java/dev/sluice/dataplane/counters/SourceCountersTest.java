package dev.sluice.dataplane.counters;

import dev.sluice.dataplane.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source counters in the driver's counters file: one burst tally added at a time, read back
 * as a snapshot that balances {@code received = forwarded + filtered + sampled_out +
 * dropped{reason} + in_flight}, and visible by label to other processes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SourceCountersTest
{
    private static TestMediaDriver media;

    @BeforeAll
    static void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterAll
    static void closeDriver()
    {
        CloseHelper.close(media);
    }

    @Test
    void tallyOfEachBurstIsAddedAndBalances()
    {
        try (SourceCounters counters = new SourceCounters(media.aeron, "pcap:tally.pcap"))
        {
            final BurstTally tally = new BurstTally();
            tally.reset();
            for (int i = 0; i < 5; i++)
            {
                tally.forwarded();
            }
            tally.filtered();
            tally.filtered();
            tally.sampledOut();
            tally.dropped(DropReason.TRUNCATED_IPV4.ordinal());
            tally.dropped(DropReason.TRUNCATED_IPV4.ordinal());
            tally.dropped(DropReason.UDP_BAD_LENGTH.ordinal());
            tally.received(11, 1_500);
            counters.add(tally);

            tally.reset();
            tally.forwarded();
            tally.received(1, 64);
            counters.add(tally);

            final SourceCounters.Snapshot snapshot = counters.snapshot();
            assertEquals("pcap:tally.pcap", snapshot.sourceName());
            assertEquals(12, snapshot.received());
            assertEquals(6, snapshot.forwarded());
            assertEquals(2, snapshot.filtered());
            assertEquals(1, snapshot.sampledOut());
            assertEquals(Map.of(DropReason.TRUNCATED_IPV4, 2L, DropReason.UDP_BAD_LENGTH, 1L), snapshot.droppedByReason());
            assertEquals(3, snapshot.dropped());
            assertEquals(1_564, snapshot.bytesIn());
            assertEquals(0, snapshot.inFlight());
            assertEquals(snapshot.received(),
                snapshot.forwarded() + snapshot.filtered() + snapshot.sampledOut() + snapshot.dropped() + snapshot.inFlight());
        }
    }

    @Test
    void itemsReceivedWithoutAnOutcomeAreInFlight()
    {
        try (SourceCounters counters = new SourceCounters(media.aeron, "pcap:inflight.pcap"))
        {
            final BurstTally tally = new BurstTally();
            tally.reset();
            tally.forwarded();
            tally.received(4, 256);
            counters.add(tally);
            assertEquals(3, counters.snapshot().inFlight());
        }
    }

    @Test
    void everyCounterIsLabelledForOtherProcessesAndFreedOnClose()
    {
        final SourceCounters counters = new SourceCounters(media.aeron, "pcap:labels.pcap");
        final BurstTally tally = new BurstTally();
        tally.reset();
        tally.dropped(DropReason.SNAPLEN_TRUNCATED.ordinal());
        tally.received(1, 60);
        counters.add(tally);
        counters.sourceDrops(7);

        final Map<String, Long> values = labelled("sluice source pcap:labels.pcap ");
        assertEquals(9 + DropReason.values().length, values.size());
        assertEquals(0L, values.get("sluice source pcap:labels.pcap rate_limited"));
        assertEquals(0L, values.get("sluice source pcap:labels.pcap rate_limit_evictions"));
        assertEquals(7L, values.get("sluice source pcap:labels.pcap source_drops"));
        assertEquals(7L, counters.snapshot().sourceDrops());
        assertEquals(0L, counters.snapshot().inFlight(), "source drops stay outside the balance");
        assertEquals(0L, values.get("sluice source pcap:labels.pcap aggregated"));
        assertEquals(1L, values.get("sluice source pcap:labels.pcap received"));
        assertEquals(60L, values.get("sluice source pcap:labels.pcap bytes_in"));
        assertEquals(1L, values.get("sluice source pcap:labels.pcap dropped{snaplen_truncated}"));
        assertEquals(0L, values.get("sluice source pcap:labels.pcap dropped{truncated_ipv4}"));
        assertTrue(values.containsKey("sluice source pcap:labels.pcap sampled_out"));

        counters.close();
        TestMediaDriver.until(() -> labelled("sluice source pcap:labels.pcap ").isEmpty(), () -> {}, "counters freed");
        assertFalse(labelled("sluice source pcap:labels.pcap ").containsKey("sluice source pcap:labels.pcap received"));
    }

    /** Allocated counters of the source type whose label starts with {@code prefix}, by label. */
    static Map<String, Long> labelled(final String prefix)
    {
        final Map<String, Long> values = new HashMap<>();
        media.aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == CounterTypes.SOURCE_COUNTER_TYPE_ID && label.startsWith(prefix))
            {
                values.put(label, media.aeron.countersReader().getCounterValue(counterId));
            }
        });
        return values;
    }
}
