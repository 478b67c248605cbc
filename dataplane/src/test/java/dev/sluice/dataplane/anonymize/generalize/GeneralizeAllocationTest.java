package dev.sluice.dataplane.anonymize.generalize;

import dev.sluice.dataplane.testing.AllocationProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generalizing a record allocates nothing after warm-up: geohash encode (long and text), decode,
 * parse, grid snap in degrees and metres, speed and heading rounding, address and time
 * truncation, and the k-anonymity guard over a fleet whose time runs across many windows (so
 * rollovers, coarsening, suppression, a full table and invalid coordinates all occur in every
 * measured window).
 */
class GeneralizeAllocationTest
{
    private static final int RECORDS = 4096;
    private static final int MASK = RECORDS - 1;
    private static final long WARM_UP_RECORDS = 2_000_000;
    private static final long MEASURED_RECORDS = 500_000;
    private static final int WINDOWS = 5;

    private static long checksum;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void generalizingAllocatesNothing()
    {
        final SplittableRandom random = new SplittableRandom(77);
        final double[] latitude = new double[RECORDS];
        final double[] longitude = new double[RECORDS];
        final long[] vehicle = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++)
        {
            latitude[i] = i % 512 == 0 ? Double.NaN : 45.2 + random.nextDouble(0.3);
            longitude[i] = 13.6 + random.nextDouble(0.6);
            vehicle[i] = random.nextLong(200) * 0x9E3779B97F4A7C15L;
        }

        final KAnonymityGuard guard = new KAnonymityGuard(3, TimeUnit.MINUTES.toNanos(5), 7, 3, 2048);
        final GridSnap degrees = GridSnap.degrees(0.01);
        final GridSnap metres = GridSnap.metres(500);
        final SpeedRounding speed = new SpeedRounding(5);
        final HeadingRounding heading = new HeadingRounding(45);
        final AddressTruncation addresses = new AddressTruncation(24, 48);
        final TimeTruncation minutes = new TimeTruncation(15, TimeUnit.MINUTES);
        final GeoCell cell = new GeoCell();
        final byte[] text = new byte[Geohash.MAX_PRECISION];
        final long[] clock = { TimeUnit.DAYS.toNanos(20_000) };

        new AllocationProbe("geohash + grid + rounding + truncation + k-anonymity guard", WARM_UP_RECORDS, MEASURED_RECORDS, WINDOWS)
            .assertNoAllocation(() ->
            {
                long sum = 0;
                for (int i = 0; i < RECORDS; i++)
                {
                    final double lat = latitude[i & MASK];
                    final double lon = longitude[i & MASK];
                    clock[0] += 200_000_000L;
                    final long hash = Geohash.encode(lat, lon, 9);
                    if (Geohash.INVALID != hash)
                    {
                        Geohash.toText(hash, 9, text, 0);
                        sum += Geohash.parse(text, 0, 9);
                        Geohash.decode(hash, 9, cell);
                        sum += (long)cell.centerLatitude();
                    }
                    sum += Geohash.encode(lat, lon, 6, text, 0);
                    sum += degrees.snap(lat, lon) ? degrees.row() : 0;
                    sum += metres.snap(lat, lon) ? metres.column() : 0;
                    sum += (long)speed.round(i * 0.37) + (long)heading.round(i * 1.7);
                    sum += addresses.ipv4(i) + addresses.ipv6High(i) + addresses.ipv6Low(i);
                    sum += minutes.truncate(clock[0]);
                    sum += guard.observe(vehicle[i], lat, lon, clock[0]);
                    sum += guard.emittedText(text, 0);
                }
                checksum += sum;
                return RECORDS;
            });
        assertTrue(guard.coarsened() > 0 && guard.suppressedNotKSafe() > 0 && guard.suppressedInvalid() > 0 &&
            guard.windowsStarted() > 100 && guard.stateFull() > 0, "every path ran: " + guard.coarsened() + " coarsened, " +
            guard.suppressedNotKSafe() + " not k-safe, " + guard.stateFull() + " state full, " + guard.windowsStarted() + " windows");
    }
}
