package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Published vectors, and agreement with a textbook bisection encoder on random and boundary points.
 * Sources of the vectors: Wikipedia's "Geohash" article (ezs42, u4pruydqqvj); geohash.org values
 * copied into ClickHouse's geohash test (tests/queries/0_stateless, 12-character hashes); the
 * Rosetta Code "Geohash" task, checked there against movable-type.co.uk (Wimbledon, Lake Raku,
 * Raku village).
 */
class GeohashTest
{
    private final GeoCell cell = new GeoCell();

    @Test
    void wikipediaExample()
    {
        assertEquals("ezs42", text(42.6, -5.6, 5));
        Geohash.decode(Geohash.parse("ezs42"), 5, cell);
        assertEquals(42.605, cell.centerLatitude(), 0.0005);
        assertEquals(-5.603, cell.centerLongitude(), 0.0005);
        assertEquals(42.60498046875, cell.centerLatitude(), 0.0);
        assertEquals(-5.60302734375, cell.centerLongitude(), 0.0);
        assertTrue(cell.contains(42.6, -5.6));
    }

    @Test
    void publishedVectors()
    {
        assertEquals("u4pruydqqvj", text(57.64911, 10.40744, 11));
        assertEquals("6gkzwgjzn820", text(-25.382708, -49.265506, 12));
        assertEquals("w1muy6dt2ptk", text(7.880886, 98.3640363, 12));
        assertEquals("gcpvn5w2euky", text(51.523242, -0.07914, 12));
        assertEquals("u9edu0qsf7dn", text(53.923107, 27.606682, 12));
        assertEquals("6gkzmg1u", text(-25.427, -49.315, 8));
        assertEquals("6gkzwgjt", text(-25.383, -49.266, 8));
        assertEquals("gc", text(51.433718, -0.214126, 2));
        assertEquals("gcpue5hp4", text(51.433718, -0.214126, 9));
        assertEquals("ud99", text(59.358639, 24.744778, 4));
        assertEquals("tv1y", text(29.2021188, 81.5324561, 4));
    }

    @Test
    void publishedVectorsAtEveryPrefix()
    {
        final String[][] vectors = {
            { "-25.382708", "-49.265506", "6gkzwgjzn820" },
            { "7.880886", "98.3640363", "w1muy6dt2ptk" },
            { "51.523242", "-0.07914", "gcpvn5w2euky" },
            { "53.923107", "27.606682", "u9edu0qsf7dn" },
        };
        for (final String[] vector : vectors)
        {
            final double latitude = Double.parseDouble(vector[0]);
            final double longitude = Double.parseDouble(vector[1]);
            for (int precision = 1; precision <= 12; precision++)
            {
                assertEquals(vector[2].substring(0, precision), text(latitude, longitude, precision));
                final long hash = Geohash.encode(latitude, longitude, precision);
                assertEquals(Geohash.parse(vector[2].substring(0, precision)), hash);
                assertEquals(hash, Geohash.coarsen(Geohash.encode(latitude, longitude, 12), 12, precision));
            }
        }
    }

    @Test
    void pointsOnTheAxesGoUpAndEast()
    {
        // geohash.org values (ClickHouse's test): a point on a boundary belongs to the upper/eastern half.
        assertEquals("s0000", text(0, 0, 5));
        assertEquals("s00000p", text(0, 0.01, 7));
        assertEquals("ebpbpb0", text(0, -0.01, 7));
        assertEquals("kpbpbn", text(-0.01, 0, 6));
        assertEquals("7zzzm", text(-0.1, -0.1, 5));
        assertEquals("s0000", text(-0.0, -0.0, 5));
    }

    @Test
    void poleAndAntimeridianStayInRange()
    {
        assertEquals("zzzzzzzzzzzz", text(90, 180, 12));
        assertEquals("000000000000", text(-90, -180, 12));
        assertEquals("bpbpbpbpbpbp", text(90, -180, 12));
        assertEquals("pbpbpbpbpbpb", text(-90, 180, 12));
        for (int precision = 1; precision <= 12; precision++)
        {
            Geohash.decode(Geohash.encode(90, 180, precision), precision, cell);
            assertTrue(cell.contains(90, 180));
            assertEquals(90, cell.maxLatitude());
            assertEquals(180, cell.maxLongitude());
        }
    }

    @Test
    void invalidCoordinatesGiveAReason()
    {
        assertEquals(Geohash.INVALID, Geohash.encode(Double.NaN, 0, 5));
        assertEquals(Geohash.INVALID, Geohash.encode(0, Double.NaN, 5));
        assertEquals(Geohash.INVALID, Geohash.encode(90.000001, 0, 5));
        assertEquals(Geohash.INVALID, Geohash.encode(-90.000001, 0, 5));
        assertEquals(Geohash.INVALID, Geohash.encode(0, 180.000001, 5));
        assertEquals(Geohash.INVALID, Geohash.encode(0, Double.NEGATIVE_INFINITY, 5));
        final byte[] text = { 'x', 'x', 'x' };
        assertEquals(-1, Geohash.encode(Double.NaN, 0, 3, text, 0));
        assertEquals("xxx", new String(text, StandardCharsets.US_ASCII), "nothing written");

        assertEquals(CoordinateCheck.LATITUDE_NOT_A_NUMBER, CoordinateCheck.of(Double.NaN, Double.NaN));
        assertEquals(CoordinateCheck.LATITUDE_OUT_OF_RANGE, CoordinateCheck.of(-91, 0));
        assertEquals(CoordinateCheck.LATITUDE_OUT_OF_RANGE, CoordinateCheck.of(Double.POSITIVE_INFINITY, 0));
        assertEquals(CoordinateCheck.LONGITUDE_NOT_A_NUMBER, CoordinateCheck.of(0, Double.NaN));
        assertEquals(CoordinateCheck.LONGITUDE_OUT_OF_RANGE, CoordinateCheck.of(0, 180.5));
        assertEquals(CoordinateCheck.LONGITUDE_OUT_OF_RANGE, CoordinateCheck.of(0, Double.NEGATIVE_INFINITY));
        assertEquals(CoordinateCheck.VALID, CoordinateCheck.of(-90, 180));
    }

    @Test
    void parseRejectsWhatIsNotGeohash()
    {
        assertEquals(Geohash.INVALID, Geohash.parse(""));
        assertEquals(Geohash.INVALID, Geohash.parse("u4pa"), "a is not in the alphabet");
        assertEquals(Geohash.INVALID, Geohash.parse("u4pruydqqvjkz"), "13 characters");
        assertEquals(Geohash.INVALID, Geohash.parse("u4p\u00e9"));
        assertEquals(Geohash.parse("u4pru"), Geohash.parse("U4PRU"));
        final byte[] bytes = "xx ezs42 yy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Geohash.parse("ezs42"), Geohash.parse(bytes, 3, 5));
        assertEquals(Geohash.INVALID, Geohash.parse(new byte[] { (byte)0xE9 }, 0, 1));
    }

    @Test
    void agreesWithBisectionAndDecodesToACellThatContainsThePoint()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] text = new byte[12];
        for (int i = 0; i < 100_000; i++)
        {
            final double latitude;
            final double longitude;
            if (i % 4 == 0)
            {
                // Exactly on a cell boundary of some precision, where rounding would show.
                final int bits = 1 + random.nextInt(30);
                latitude = -90 + random.nextLong(1L << bits) * (180.0 / (1L << bits));
                longitude = -180 + random.nextLong(1L << bits) * (360.0 / (1L << bits));
            }
            else if (i % 4 == 1)
            {
                // One ulp either side of a boundary.
                final int bits = 1 + random.nextInt(30);
                final double onLatitude = -90 + random.nextLong(1L << bits) * (180.0 / (1L << bits));
                final double onLongitude = -180 + random.nextLong(1L << bits) * (360.0 / (1L << bits));
                latitude = Math.max(-90, Math.min(90, random.nextBoolean() ? Math.nextUp(onLatitude) : Math.nextDown(onLatitude)));
                longitude = Math.max(-180, Math.min(180, random.nextBoolean() ? Math.nextUp(onLongitude) : Math.nextDown(onLongitude)));
            }
            else
            {
                latitude = random.nextDouble(-90, 90);
                longitude = random.nextDouble(-180, 180);
            }
            final int precision = 1 + random.nextInt(12);
            final String expected = bisect(latitude, longitude, precision);
            assertEquals(precision, Geohash.encode(latitude, longitude, precision, text, 0));
            assertEquals(expected, new String(text, 0, precision, StandardCharsets.US_ASCII), latitude + ", " + longitude);

            Geohash.decode(Geohash.encode(latitude, longitude, precision), precision, cell);
            assertTrue(cell.contains(latitude, longitude), latitude + ", " + longitude + " in " + cell);
        }
    }

    @Test
    void spreadAndCompactAreInverse()
    {
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++)
        {
            final long value = random.nextLong() & 0xFFFF_FFFFL;
            assertEquals(value, Geohash.compact(Geohash.spread(value)));
        }
    }

    private static String text(final double latitude, final double longitude, final int precision)
    {
        return Geohash.toString(Geohash.encode(latitude, longitude, precision), precision);
    }

    /** The textbook encoder: 5p halvings with exact midpoints, upper half on ">=". */
    private static String bisect(final double latitude, final double longitude, final int precision)
    {
        final String alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        double minLatitude = -90;
        double maxLatitude = 90;
        double minLongitude = -180;
        double maxLongitude = 180;
        final StringBuilder text = new StringBuilder();
        int value = 0;
        for (int bit = 0; bit < 5 * precision; bit++)
        {
            value <<= 1;
            if (bit % 2 == 0)
            {
                final double middle = (minLongitude + maxLongitude) / 2;
                if (longitude >= middle)
                {
                    value |= 1;
                    minLongitude = middle;
                }
                else
                {
                    maxLongitude = middle;
                }
            }
            else
            {
                final double middle = (minLatitude + maxLatitude) / 2;
                if (latitude >= middle)
                {
                    value |= 1;
                    minLatitude = middle;
                }
                else
                {
                    maxLatitude = middle;
                }
            }
            if (bit % 5 == 4)
            {
                text.append(alphabet.charAt(value));
                value = 0;
            }
        }
        return text.toString();
    }
}
