package dev.sluice.cli.faults;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KafkaRecordingCheck}'s comparison without a broker: the fault suite only sees it fail on
 * a fault, so each way Kafka can differ from the recording is shown here to be caught and named.
 */
class KafkaRecordingCheckTest
{
    private static final String KEY = "gw-1/eu-west/0";
    private static final String PACKETS = "sluice.eu-west.packets";
    private static final String EVENTS = "sluice.eu-west.events.syslog";
    private static final List<String> LINES = List.of("p1", "e1", "p2", "p3", "e2");

    @Test
    void sameLinesPerTopicInOrderIsClean()
    {
        final KafkaRecordingCheck.Comparison comparison = compare(Map.of(
            PACKETS, List.of("p1", "p2", "p3"),
            EVENTS, List.of("e1", "e2")));

        assertTrue(comparison.clean(), comparison.describe());
    }

    @Test
    void namesLostDuplicatedOutOfOrderAndNeverRecorded()
    {
        final KafkaRecordingCheck.Comparison comparison = compare(Map.of(
            PACKETS, List.of("p1", "p3", "p2", "p3", "x9"),
            EVENTS, List.of("e1")));

        assertFalse(comparison.clean());
        final String described = comparison.describe();
        assertTrue(described.contains("1 lost, 1 duplicated, 1 out of order, 1 never recorded"), described);
        assertTrue(described.contains("first lost: line 5 of the stream: e2"), described);
        assertTrue(described.contains("first duplicated: " + PACKETS + ": p3"), described);
        assertTrue(described.contains("first out of order: " + PACKETS + ": p2 after p3"), described);
    }

    @Test
    void aStreamMissingFromKafkaIsLostWhole()
    {
        final KafkaRecordingCheck.Comparison comparison = KafkaRecordingCheck.compare(Map.of(KEY, LINES), Map.of());

        assertTrue(comparison.describe().contains("5 recorded, 0 in Kafka: 5 lost"), comparison.describe());
    }

    @Test
    void aKeyTheRecordingNeverHadIsNeverRecorded()
    {
        final KafkaRecordingCheck.Comparison comparison = KafkaRecordingCheck.compare(Map.of(KEY, List.of("p1")),
            Map.of(KEY, Map.of(PACKETS, List.of("p1")), "gw-2/eu-west/0", Map.of(PACKETS, List.of("q1"))));

        assertTrue(comparison.describe().contains("stream gw-2/eu-west/0: 0 recorded, 1 in Kafka: 0 lost, 0 duplicated, " +
            "0 out of order, 1 never recorded"), comparison.describe());
    }

    private static KafkaRecordingCheck.Comparison compare(final Map<String, List<String>> topics)
    {
        return KafkaRecordingCheck.compare(Map.of(KEY, LINES), Map.of(KEY, topics));
    }
}
