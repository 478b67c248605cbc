package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KAnonymityGuardTest
{
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long WINDOW = 5 * MINUTE;
    private static final long T0 = TimeUnit.DAYS.toNanos(20_000);

    // Two points 10 m apart (same precision-7 cell), and one 2 km away (another precision-7 cell, the same precision-4 cell).
    private static final double LAT_A = 45.27351;
    private static final double LON_A = 13.71420;
    private static final double LAT_B = 45.27355;
    private static final double LON_B = 13.71428;
    private static final double LAT_FAR = 45.2900;
    private static final double LON_FAR = 13.7300;

    @Test
    void aCellNeedsKDistinctVehicles()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(3, WINDOW, 7, 7, 1024);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, T0));
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_B, LON_B, T0 + 1), "the same vehicle again is not a crowd");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(2, LAT_A, LON_A, T0 + 2));
        assertEquals(7, guard.observe(3, LAT_B, LON_B, T0 + 3));
        assertEquals(7, guard.observe(1, LAT_A, LON_A, T0 + 4), "safe for the rest of the window");
        assertEquals(Geohash.encode(LAT_A, LON_A, 7), guard.emittedHash());
        final byte[] text = new byte[7];
        assertEquals(7, guard.emittedText(text, 0));
        assertEquals(Geohash.toString(Geohash.encode(LAT_A, LON_A, 7), 7), new String(text, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(5, guard.received());
        assertEquals(2, guard.atPrecision());
        assertEquals(3, guard.suppressed());
        assertEquals(3, guard.suppressedNotKSafe());
    }

    @Test
    void coarsensToTheFinestSafeLevel()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(2, WINDOW, 7, 4, 1024);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, T0));
        int shared = 7;
        while (Geohash.encode(LAT_A, LON_A, shared) != Geohash.encode(LAT_FAR, LON_FAR, shared))
        {
            shared--;
        }
        assertTrue(shared >= 4 && shared < 7, "the test points share a cell at precision " + shared);
        assertEquals(shared, guard.observe(2, LAT_FAR, LON_FAR, T0 + 1), "2 km apart: together only at precision " + shared);
        assertEquals(1, guard.coarsened());
        assertEquals(1, guard.coarsenedByLevels(7 - shared));
        assertEquals(7, guard.observe(3, LAT_B, LON_B, T0 + 2), "10 m from vehicle 1");
        assertEquals(1, guard.atPrecision());
        assertEquals(1, guard.suppressed());
    }

    @Test
    void thePreviousWindowVouchesAndThenExpires()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(2, WINDOW, 7, 7, 1024);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, T0));
        assertEquals(7, guard.observe(2, LAT_B, LON_B, T0 + MINUTE));

        assertEquals(7, guard.observe(1, LAT_A, LON_A, T0 + WINDOW), "window 1: alone, but window 0 had 2 vehicles");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, T0 + 2 * WINDOW), "window 2: window 1 had 1");
        assertEquals(3, guard.windowsStarted());

        assertEquals(7, guard.observe(2, LAT_A, LON_A, T0 + 2 * WINDOW + 1), "window 2 now has 2");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(3, LAT_A, LON_A, T0 + 4 * WINDOW),
            "a gap: window 3 saw nobody, so window 2's crowd does not vouch for window 4");
        assertEquals(4, guard.windowsStarted());
    }

    @Test
    void windowsAreAlignedToTheEpochAndWorkBeforeIt()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(2, WINDOW, 7, 7, 1024);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, -WINDOW));
        assertEquals(7, guard.observe(2, LAT_A, LON_A, -1), "same window [-WINDOW, 0)");
        assertEquals(7, guard.observe(1, LAT_A, LON_A, 0), "the next window, vouched for");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, LON_A, WINDOW));
    }

    @Test
    void lateRecords()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(2, WINDOW, 7, 7, 1024);
        guard.observe(1, LAT_A, LON_A, T0 + 2 * WINDOW);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(2, LAT_A, LON_A, T0 + WINDOW), "window 1, judged on its own: 1 vehicle");
        assertEquals(7, guard.observe(3, LAT_A, LON_A, T0 + WINDOW + 1), "window 1 now has 2");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(4, LAT_FAR, LON_FAR, T0 + 2 * WINDOW), "window 2, elsewhere: alone");
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(5, LAT_A, LON_A, T0), "two windows late");
        assertEquals(1, guard.suppressedLate());
        assertEquals(5, guard.received());
        new FleetModel(guard).checkBalance();
    }

    @Test
    void invalidCoordinatesAreSuppressedAndCounted()
    {
        final KAnonymityGuard guard = new KAnonymityGuard(1, WINDOW, 7, 5, 1024);
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, Double.NaN, LON_A, T0));
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, LAT_A, 181, T0));
        assertEquals(KAnonymityGuard.SUPPRESSED, guard.observe(1, -90.5, LON_A, T0));
        assertEquals(0, guard.emittedText(new byte[12], 0));
        assertEquals(7, guard.observe(1, LAT_A, LON_A, T0), "k = 1: everything at precision");
        assertEquals(3, guard.suppressedInvalid());
        assertEquals(3, guard.suppressed());
        assertEquals(0, guard.windowsStarted() - 1);
    }

    @Test
    void aFullTableFailsSafeAndCounts()
    {
        // One cell per window: the second cell cannot be tracked, so it is never safe.
        final KAnonymityGuard single = new KAnonymityGuard(1, WINDOW, 6, 6, 1);
        assertEquals(6, single.observe(1, LAT_A, LON_A, T0));
        assertEquals(KAnonymityGuard.SUPPRESSED, single.observe(2, LAT_FAR, LON_FAR, T0 + 1));
        assertEquals(1, single.stateFull());
        assertEquals(1, single.suppressedNotKSafe());
        assertEquals(6, single.observe(2, LAT_FAR, LON_FAR, T0 + WINDOW), "a new window has room again");
        assertEquals(1, single.stateFull());

        // Two cells: vehicle 1 fills precision 6 and 5; vehicle 2's precision-6 cell is refused, its precision-5 cell counted.
        final KAnonymityGuard two = new KAnonymityGuard(2, WINDOW, 6, 5, 2);
        final double latNear = 45.2800;
        final double lonNear = 13.7200;
        assertTrue(Geohash.encode(LAT_A, LON_A, 6) != Geohash.encode(latNear, lonNear, 6));
        assertEquals(Geohash.encode(LAT_A, LON_A, 5), Geohash.encode(latNear, lonNear, 5));
        assertEquals(KAnonymityGuard.SUPPRESSED, two.observe(1, LAT_A, LON_A, T0));
        assertEquals(5, two.observe(2, latNear, lonNear, T0 + 1));
        assertEquals(1, two.stateFull());
        assertEquals(1, two.coarsenedByLevels(1));
        new FleetModel(two).checkBalance();
    }

    @Test
    void rejectsBadSettingsAllAtOnce()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new KAnonymityGuard(0, 0, 13, 0, 0));
        final String message = error.getMessage();
        assertTrue(message.contains("k must be") && message.contains("window") && message.contains("precision must be") &&
            message.contains("minimum precision") && message.contains("max cells"), message);
        assertThrows(IllegalArgumentException.class, () -> new KAnonymityGuard(2, WINDOW, 5, 6, 16));
        assertThrows(IllegalArgumentException.class, () -> new KAnonymityGuard(1024, WINDOW, 5, 5, 1 << 20));
        assertEquals(2L * 131_072 * (8 + 4 + 8 * 5), KAnonymityGuard.stateBytes(5, 65_536));
    }

    @Test
    void randomFleetsNeverReleaseACellWithFewerThanKVehicles()
    {
        final SplittableRandom random = new SplittableRandom(20261127);
        int stateFullTrials = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            final int k = 1 + random.nextInt(6);
            final int precision = 4 + random.nextInt(5);
            final int minPrecision = 1 + random.nextInt(precision);
            final boolean bounded = trial % 3 == 0;
            final boolean shuffled = trial % 4 == 1;
            final int maxCells = bounded ? 1 + random.nextInt(40) : 1 << 16;
            final KAnonymityGuard guard = new KAnonymityGuard(k, MINUTE * (1 + random.nextInt(5)), precision, minPrecision, maxCells);
            final FleetModel model = new FleetModel(guard);

            final int vehicles = 1 + random.nextInt(40);
            final double[] latitude = new double[vehicles];
            final double[] longitude = new double[vehicles];
            final double spread = random.nextDouble(0.001, 0.5);
            final double baseLatitude = random.nextDouble(-89, 89);
            final double baseLongitude = random.nextDouble(-179, 179);
            for (int v = 0; v < vehicles; v++)
            {
                latitude[v] = baseLatitude + random.nextDouble(-spread, spread);
                longitude[v] = baseLongitude + random.nextDouble(-spread, spread);
            }
            long time = random.nextLong(-T0, T0);
            for (int record = 0; record < 3_000; record++)
            {
                final int v = random.nextInt(vehicles);
                latitude[v] = Math.max(-90, Math.min(90, latitude[v] + random.nextDouble(-0.002, 0.002)));
                longitude[v] = Math.max(-180, Math.min(180, longitude[v] + random.nextDouble(-0.002, 0.002)));
                time += random.nextLong(random.nextInt(50) == 0 ? 20 * MINUTE : 3_000_000_000L);
                final long recordTime = shuffled && random.nextInt(10) == 0 ? time - random.nextLong(guard.windowNs() * 3) : time;
                final double recordLatitude = random.nextInt(200) == 0 ? Double.NaN : latitude[v];
                model.observe(0x9E3779B97F4A7C15L * (v + 1), recordLatitude, longitude[v], recordTime, !bounded && !shuffled);
            }
            model.checkBalance();
            assertEquals(3_000, guard.received());
            stateFullTrials += guard.stateFull() > 0 ? 1 : 0;
        }
        assertTrue(stateFullTrials >= 5, "the full-table path was exercised in " + stateFullTrials + " trials");
    }
}
