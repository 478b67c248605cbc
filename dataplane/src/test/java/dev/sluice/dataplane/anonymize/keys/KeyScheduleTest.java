package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.keys.KeyEpoch;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which epoch is active, when the next switch is due and which keys are still needed, at the
 * edges: exactly at a start, before the first epoch, and at the end of the overlap.
 */
class KeyScheduleTest
{
    static final long NOV = ns("2026-11-01T00:00:00Z");
    static final long DEC = ns("2026-12-01T00:00:00Z");
    static final long JAN = ns("2027-01-01T00:00:00Z");
    static final long HOUR_NS = 3_600_000_000_000L;

    static long ns(final String instant)
    {
        return Instant.parse(instant).getEpochSecond() * 1_000_000_000L;
    }

    static KeyEpoch epoch(final String region, final String id, final String from)
    {
        return new KeyEpoch(region, id, Instant.parse(from), SourcePosition.START);
    }

    static KeySchedule threeMonths(final long overlapNs)
    {
        return KeySchedule.of("eu-west", List.of(
            epoch("eu-west", "2026-11", "2026-11-01T00:00:00Z"),
            epoch("eu-west", "2026-12", "2026-12-01T00:00:00Z"),
            epoch("eu-west", "2027-01", "2027-01-01T00:00:00Z")), overlapNs);
    }

    @Test
    void theActiveEpochIsTheLatestStartedOneFromItsExactStart()
    {
        final KeySchedule schedule = threeMonths(24 * HOUR_NS);
        assertEquals(KeySchedule.NO_EPOCH, schedule.activeAt(NOV - 1), "before the first epoch: no key");
        assertEquals(0, schedule.activeAt(NOV), "an epoch is active from its exact start");
        assertEquals(0, schedule.activeAt(DEC - 1));
        assertEquals(1, schedule.activeAt(DEC));
        assertEquals(2, schedule.activeAt(JAN));
        assertEquals(2, schedule.activeAt(Long.MAX_VALUE));
        assertEquals(KeySchedule.NO_EPOCH, schedule.activeAt(Long.MIN_VALUE));
    }

    @Test
    void theNextSwitchIsTheNextStart()
    {
        final KeySchedule schedule = threeMonths(0);
        assertEquals(NOV, schedule.nextSwitchNs(NOV - 1));
        assertEquals(DEC, schedule.nextSwitchNs(NOV));
        assertEquals(DEC, schedule.nextSwitchNs(DEC - 1));
        assertEquals(JAN, schedule.nextSwitchNs(DEC));
        assertEquals(KeySchedule.NEVER, schedule.nextSwitchNs(JAN));
    }

    @Test
    void aReplacedKeyIsRetainedForTheOverlapAfterItsSuccessorStarts()
    {
        final KeySchedule schedule = threeMonths(24 * HOUR_NS);
        assertTrue(schedule.retainedAt(0, NOV - 1), "a later epoch's key is needed ahead of time");
        assertTrue(schedule.retainedAt(1, NOV - 1));
        assertTrue(schedule.retainedAt(0, DEC), "the previous key during the overlap");
        assertTrue(schedule.retainedAt(0, DEC + 24 * HOUR_NS - 1));
        assertFalse(schedule.retainedAt(0, DEC + 24 * HOUR_NS), "dropped exactly when the overlap ends");
        assertEquals(DEC + 24 * HOUR_NS, schedule.retainedUntilNs(0));
        assertEquals(KeySchedule.NEVER, schedule.retainedUntilNs(2), "the last epoch is never replaced");
        assertEquals(DEC + 24 * HOUR_NS, schedule.nextChangeNs(DEC));
        assertEquals(JAN, schedule.nextChangeNs(DEC + 24 * HOUR_NS));
    }

    @Test
    void withoutOverlapTheReplacedKeyGoesAtTheSwitch()
    {
        final KeySchedule schedule = threeMonths(0);
        assertTrue(schedule.retainedAt(0, DEC - 1));
        assertFalse(schedule.retainedAt(0, DEC));
        assertTrue(schedule.retainedAt(1, DEC));
    }

    @Test
    void theKeyFileEpochIsAlwaysActive()
    {
        final KeySchedule schedule = KeySchedule.always("eu-west", "key-file");
        assertEquals(0, schedule.activeAt(Long.MIN_VALUE));
        assertEquals(KeySchedule.NEVER, schedule.nextSwitchNs(0));
        assertEquals(KeySchedule.NEVER, schedule.nextChangeNs(0));
        assertEquals("the beginning", KeySchedule.format(schedule.fromNs(0)));
        assertEquals(KeySchedule.NO_EPOCH, KeySchedule.empty("eu-west").activeAt(0));
    }

    @Test
    void refusesEpochsOfAnotherRegionOrOutOfOrder()
    {
        assertThrows(IllegalArgumentException.class, () -> KeySchedule.of("eu-west",
            List.of(epoch("us-east", "a", "2026-11-01T00:00:00Z")), 0));
        assertThrows(IllegalArgumentException.class, () -> KeySchedule.of("eu-west", List.of(
            epoch("eu-west", "a", "2026-11-01T00:00:00Z"), epoch("eu-west", "b", "2026-11-01T00:00:00Z")), 0));
        assertThrows(IllegalArgumentException.class, () -> KeySchedule.of("eu-west", List.of(), -1));
    }

    @Test
    void printsNamesAndTimesOnly()
    {
        assertEquals("KeySchedule[eu-west: 2026-11 from 2026-11-01T00:00:00Z, 2026-12 from 2026-12-01T00:00:00Z, " +
            "2027-01 from 2027-01-01T00:00:00Z; overlap 3600s]", threeMonths(HOUR_NS).toString());
    }
}
