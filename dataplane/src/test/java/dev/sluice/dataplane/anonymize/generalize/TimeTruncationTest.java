package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimeTruncationTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long DAY = 86_400 * SECOND;

    @Test
    void unitsTruncateDown()
    {
        final long t = epochNs("2026-11-27T10:37:42.123456789Z");
        assertEquals(epochNs("2026-11-27T10:37:42.123Z"), new TimeTruncation(1, TimeUnit.MILLISECONDS).truncate(t));
        assertEquals(epochNs("2026-11-27T10:37:42Z"), new TimeTruncation(1, TimeUnit.SECONDS).truncate(t));
        assertEquals(epochNs("2026-11-27T10:37:00Z"), new TimeTruncation(1, TimeUnit.MINUTES).truncate(t));
        assertEquals(epochNs("2026-11-27T10:00:00Z"), new TimeTruncation(1, TimeUnit.HOURS).truncate(t));
        assertEquals(epochNs("2026-11-27T00:00:00Z"), new TimeTruncation(1, TimeUnit.DAYS).truncate(t));
        assertEquals(epochNs("2026-11-27T10:35:00Z"), new TimeTruncation(5, TimeUnit.MINUTES).truncate(t));
        assertEquals(epochNs("2026-11-27T10:30:00Z"), new TimeTruncation(15, TimeUnit.MINUTES).truncate(t));
    }

    @Test
    void bucketBoundaries()
    {
        final TimeTruncation fiveMinutes = new TimeTruncation(5, TimeUnit.MINUTES);
        final long start = epochNs("2026-11-27T10:35:00Z");
        assertEquals(start, fiveMinutes.truncate(start), "a bucket start is its own bucket");
        assertEquals(start - 5 * 60 * SECOND, fiveMinutes.truncate(start - 1), "1 ns before is the previous bucket");
        assertEquals(start, fiveMinutes.truncate(start + 5 * 60 * SECOND - 1), "last ns of the bucket");
        assertEquals(start + 5 * 60 * SECOND, fiveMinutes.truncate(start + 5 * 60 * SECOND));
        assertEquals(0, fiveMinutes.truncate(0));
    }

    @Test
    void negativeTimesRoundTowardNegativeInfinity()
    {
        final TimeTruncation day = new TimeTruncation(1, TimeUnit.DAYS);
        assertEquals(-DAY, day.truncate(-1), "1969-12-31T23:59:59.999999999 is in the day starting 1969-12-31");
        assertEquals(-DAY, day.truncate(-DAY));
        assertEquals(-2 * DAY, day.truncate(-DAY - 1));
        assertEquals(epochNs("1969-07-20T00:00:00Z"), day.truncate(epochNs("1969-07-20T20:17:40Z")));
        assertEquals(-1, day.bucketIndex(-1));
        assertEquals(0, day.bucketIndex(0));

        final TimeTruncation second = new TimeTruncation(1, TimeUnit.SECONDS);
        assertEquals(-SECOND, second.truncate(-SECOND + 1));
        assertEquals(-SECOND, second.truncate(-1));
    }

    @Test
    void extremesDoNotOverflow()
    {
        final TimeTruncation day = new TimeTruncation(1, TimeUnit.DAYS);
        assertEquals(Long.MIN_VALUE, day.truncate(Long.MIN_VALUE), "the lowest bucket's start is not representable: saturate");
        assertEquals(Long.MAX_VALUE - Math.floorMod(Long.MAX_VALUE, DAY), day.truncate(Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, new TimeTruncation(1).truncate(Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, new TimeTruncation(1).truncate(Long.MAX_VALUE));
        assertEquals(0, new TimeTruncation(Long.MAX_VALUE).truncate(Long.MAX_VALUE - 1));
    }

    @Test
    void matchesBigIntegerModel()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++)
        {
            final long bucket = 1 + random.nextLong(i % 2 == 0 ? 1_000_000L : Long.MAX_VALUE - 1);
            final long t = random.nextLong();
            final BigInteger b = BigInteger.valueOf(bucket);
            final BigInteger start = BigInteger.valueOf(t).subtract(BigInteger.valueOf(t).mod(b));
            final long expected = start.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : start.longValueExact();
            assertEquals(expected, new TimeTruncation(bucket).truncate(t), t + " by " + bucket);
        }
    }

    @Test
    void rejectsEmptyBuckets()
    {
        assertThrows(IllegalArgumentException.class, () -> new TimeTruncation(0));
        assertThrows(IllegalArgumentException.class, () -> new TimeTruncation(-5));
        assertThrows(IllegalArgumentException.class, () -> new TimeTruncation(0, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new TimeTruncation(Long.MAX_VALUE, TimeUnit.DAYS));
    }

    private static long epochNs(final String instant)
    {
        final Instant parsed = Instant.parse(instant);
        return parsed.getEpochSecond() * SECOND + parsed.getNano();
    }
}
