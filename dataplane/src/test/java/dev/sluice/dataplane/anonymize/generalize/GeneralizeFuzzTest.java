package dev.sluice.dataplane.anonymize.generalize;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the generalizations with arbitrary doubles (NaN, infinities, subnormals, -0.0, values a
 * hair outside the ranges) and longs (times at both ends of the range, equal vehicle hashes):
 * nothing throws; a coordinate is encoded exactly when {@link CoordinateCheck#isValid} holds; a
 * geohash decodes to a cell that contains the point and parses back from its text; grid cells and
 * rounded headings stay in range; and the k-anonymity guard, fed a stream of such records with a
 * small table, makes only decisions {@link FleetModel} accepts with its counters balanced.
 * Seeds: {@code GeneralizeFuzzTestInputs/<method>}.
 * Fuzz locally: {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=GeneralizeFuzzTest}.
 */
class GeneralizeFuzzTest
{
    private final GeoCell cell = new GeoCell();
    private final byte[] text = new byte[Geohash.MAX_PRECISION];
    private final GridSnap degrees = GridSnap.degrees(0.37);
    private final GridSnap metres = GridSnap.metres(750);
    private final HeadingRounding heading = new HeadingRounding(22.5);
    private final SpeedRounding speed = new SpeedRounding(5);

    @FuzzTest(maxDuration = "2m")
    void generalizesAnyCoordinate(final FuzzedDataProvider data)
    {
        final double latitude = data.consumeDouble();
        final double longitude = data.consumeDouble();
        final int precision = data.consumeInt(Geohash.MIN_PRECISION, Geohash.MAX_PRECISION);
        final long epochNs = data.consumeLong();
        final int bucketUnits = data.consumeInt(1, Integer.MAX_VALUE);

        final boolean valid = CoordinateCheck.isValid(latitude, longitude);
        assertEquals(valid, CoordinateCheck.VALID == CoordinateCheck.of(latitude, longitude));
        final long hash = Geohash.encode(latitude, longitude, precision);
        assertEquals(valid, Geohash.INVALID != hash, latitude + ", " + longitude);
        if (valid)
        {
            assertTrue(hash >= 0 && hash < 1L << (Geohash.BITS_PER_CHARACTER * precision));
            Geohash.decode(hash, precision, cell);
            assertTrue(cell.contains(latitude, longitude), latitude + ", " + longitude + " outside " + cell);
            assertEquals(precision, Geohash.encode(latitude, longitude, precision, text, 0));
            assertEquals(hash, Geohash.parse(text, 0, precision));
            assertEquals(Geohash.toString(hash, precision), new String(text, 0, precision, StandardCharsets.US_ASCII));
            assertEquals(Geohash.coarsen(Geohash.encode(latitude, longitude, Geohash.MAX_PRECISION), Geohash.MAX_PRECISION, precision), hash);
        }
        else
        {
            assertNotEquals(CoordinateCheck.VALID, CoordinateCheck.of(latitude, longitude));
        }

        assertEquals(valid, degrees.snap(latitude, longitude));
        assertEquals(valid, metres.snap(latitude, longitude));
        if (valid)
        {
            assertTrue(Math.abs(degrees.latitude()) <= 90 && Math.abs(degrees.longitude()) <= 180);
            assertTrue(Math.abs(degrees.latitude() - latitude) <= 0.37 / 2 + 1e-9, degrees.latitude() + " for " + latitude);
            assertTrue(Math.abs(metres.latitude()) <= 90 && Math.abs(metres.longitude()) <= 180);
        }

        final double roundedHeading = heading.round(latitude);
        assertTrue(Double.isNaN(roundedHeading) ? !Double.isFinite(latitude) : roundedHeading >= 0 && roundedHeading < 360);
        final double roundedSpeed = speed.round(longitude);
        assertTrue(Double.isNaN(roundedSpeed) || roundedSpeed >= 0);

        final TimeTruncation truncation = new TimeTruncation(bucketUnits, java.util.concurrent.TimeUnit.MILLISECONDS);
        final long start = truncation.truncate(epochNs);
        assertTrue(start <= epochNs);
        assertTrue(Long.MIN_VALUE == start || epochNs - start < truncation.bucketNs());
    }

    @FuzzTest(maxDuration = "2m")
    void guardsAnyStream(final FuzzedDataProvider data)
    {
        final int precision = data.consumeInt(1, Geohash.MAX_PRECISION);
        final KAnonymityGuard guard = new KAnonymityGuard(
            data.consumeInt(1, 4), data.consumeLong(1, Long.MAX_VALUE), precision, data.consumeInt(1, precision), data.consumeInt(1, 64));
        final FleetModel model = new FleetModel(guard);
        final boolean clustered = data.consumeBoolean();
        while (data.remainingBytes() > 0)
        {
            final long vehicle = data.consumeInt(0, 7);
            final double latitude = clustered ? data.consumeInt(-3, 3) * 1e-3 : data.consumeDouble();
            final double longitude = clustered ? data.consumeInt(-3, 3) * 1e-3 : data.consumeDouble();
            final long epochNs = data.consumeLong();
            model.observe(vehicle, latitude, longitude, epochNs, false);
        }
        model.checkBalance();
    }
}
