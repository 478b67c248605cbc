package dev.sluice.dataplane.anonymize.generalize;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A naive model of the k-anonymity rule for tests: every vehicle seen per window and cell, in hash
 * sets with no bound, fed the same records as a {@link KAnonymityGuard}, checking each decision:
 * a released cell had at least k distinct vehicles in the record's window so far or in the window
 * before, it contains the true point, and the counters balance. Test thread only.
 */
final class FleetModel
{
    private final KAnonymityGuard guard;
    private final Map<Long, Map<Long, Set<Long>>> vehiclesByWindow = new HashMap<>();
    private final GeoCell cell = new GeoCell();
    private final long[] releasedAt = new long[Geohash.MAX_PRECISION + 1];

    FleetModel(final KAnonymityGuard guard)
    {
        this.guard = guard;
    }

    /**
     * Feeds one record to the guard and checks its decision.
     *
     * @param exact also require the guard's decision to be the model's (the finest safe precision):
     *              true only when the table never fills and records arrive in time order.
     * @return the guard's result.
     */
    int observe(final long vehicle, final double latitude, final double longitude, final long epochNs, final boolean exact)
    {
        final long lateBefore = guard.suppressedLate();
        final int released = guard.observe(vehicle, latitude, longitude, epochNs);
        checkBalance();
        if (!CoordinateCheck.isValid(latitude, longitude))
        {
            assertEquals(KAnonymityGuard.SUPPRESSED, released);
            return released;
        }
        if (guard.suppressedLate() != lateBefore)
        {
            assertEquals(KAnonymityGuard.SUPPRESSED, released, "late records are suppressed");
            return released;
        }

        final long window = Math.floorDiv(epochNs, guard.windowNs());
        final Map<Long, Set<Long>> own = vehiclesByWindow.computeIfAbsent(window, w -> new HashMap<>());
        final Map<Long, Set<Long>> before = vehiclesByWindow.getOrDefault(window - 1, Map.of());
        final long hash = Geohash.encode(latitude, longitude, guard.precision());
        int finestSafe = KAnonymityGuard.SUPPRESSED;
        for (int q = guard.precision(); q >= guard.minPrecision(); q--)
        {
            final long key = Geohash.coarsen(hash, guard.precision(), q) << 4 | q;
            own.computeIfAbsent(key, c -> new HashSet<>()).add(vehicle);
            if (KAnonymityGuard.SUPPRESSED == finestSafe &&
                (own.get(key).size() >= guard.k() || before.getOrDefault(key, Set.of()).size() >= guard.k()))
            {
                finestSafe = q;
            }
        }

        releasedAt[released]++;
        if (KAnonymityGuard.SUPPRESSED != released)
        {
            assertEquals(released, guard.emittedPrecision());
            final long key = guard.emittedHash() << 4 | released;
            final int seen = own.get(key).size();
            final int seenBefore = before.getOrDefault(key, Set.of()).size();
            assertTrue(seen >= guard.k() || seenBefore >= guard.k(),
                "released at precision " + released + " with " + seen + " vehicles in the window and " + seenBefore +
                " in the one before, k = " + guard.k());
            assertEquals(Geohash.coarsen(hash, guard.precision(), released), guard.emittedHash());
            Geohash.decode(guard.emittedHash(), released, cell);
            assertTrue(cell.contains(latitude, longitude), latitude + ", " + longitude + " outside " + cell);
            assertTrue(released <= finestSafe, "never finer than the model allows");
        }
        if (exact)
        {
            assertEquals(finestSafe, released, "the finest k-safe precision");
        }
        return released;
    }

    void checkBalance()
    {
        assertEquals(guard.received(), guard.atPrecision() + guard.coarsened() + guard.suppressed(), "received = at + coarsened + suppressed");
        long byLevels = 0;
        for (int levels = 1; levels <= guard.precision() - guard.minPrecision(); levels++)
        {
            byLevels += guard.coarsenedByLevels(levels);
        }
        assertEquals(guard.coarsened(), byLevels, "coarsened = sum by levels");
        assertTrue(guard.suppressedNotKSafe() >= 0);
    }

    /**
     * @param precision a precision, or 0 for suppressed.
     * @return records counted by the model (valid, not late) that the guard released at it.
     */
    long releasedAt(final int precision)
    {
        return releasedAt[precision];
    }
}
