package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.generalize.Geohash;
import dev.sluice.policy.action.AnonymizationSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A position comes back as the centre of its geohash cell with decimals to match the cell, at
 * the precision the k-anonymity guard allows, or not at all.
 */
class PositionGeneralizerTest
{
    private static final long MINUTE_NS = 60_000_000_000L;

    private static AnonymizationSettings settings(final int precision, final int minPrecision, final int k)
    {
        return new AnonymizationSettings(24, 48, true, precision, minPrecision, k, 5 * MINUTE_NS, 5, 45, MINUTE_NS);
    }

    private static String latitude(final PositionGeneralizer generalizer)
    {
        final byte[] out = new byte[32];
        return new String(out, 0, generalizer.writeLatitude(out, 0, out.length), StandardCharsets.US_ASCII);
    }

    private static String longitude(final PositionGeneralizer generalizer)
    {
        final byte[] out = new byte[32];
        return new String(out, 0, generalizer.writeLongitude(out, 0, out.length), StandardCharsets.US_ASCII);
    }

    @Test
    void aLoneVehicleIsShownAtTheCellCentreWhenKIsOne()
    {
        final PositionGeneralizer generalizer = new PositionGeneralizer(settings(5, 3, 1));
        assertTrue(generalizer.generalize(7, "42.605", "-5.603", 0));
        // "ezs42" (Wikipedia's example) spans 42.583..42.627 N, 5.625..5.581 W: centre 42.605, -5.603.
        assertEquals("ezs42", Geohash.toString(generalizer.guard().emittedHash(), 5));
        assertEquals("42.60", latitude(generalizer));
        assertEquals("-5.60", longitude(generalizer));
    }

    @Test
    void theGuardCoarsensUntilKVehiclesShareTheCellAndSuppressesBelowTheFloor()
    {
        final PositionGeneralizer generalizer = new PositionGeneralizer(settings(6, 4, 2));
        assertFalse(generalizer.generalize(1, "48.85661", "2.35222", 0), "one vehicle alone: suppressed");
        // A second vehicle 6 km away: the same 4-character cell u09t (about 20 km x 20 km), other 5- and 6-character cells.
        assertTrue(generalizer.generalize(2, "48.80", "2.33", MINUTE_NS));
        assertEquals(4, generalizer.guard().emittedPrecision());
        assertEquals("48.8", latitude(generalizer), "the centre of u09t, 48.779, to one decimal");
        assertEquals(1, generalizer.guard().suppressed());
        assertEquals(1, generalizer.guard().coarsened());
    }

    @Test
    void textThatIsNotPlainDegreesIsSuppressed()
    {
        final PositionGeneralizer generalizer = new PositionGeneralizer(settings(6, 1, 1));
        for (final String bad : new String[]{ "", "-", "4.8e1", " 48.8", "48,8", "NaN", "91.0", "12345.6" })
        {
            assertFalse(generalizer.generalize(1, bad, "2.35", 0), bad);
        }
        assertEquals(48.85661, DecimalText.parse("48.85661"), 1e-12);
        assertEquals(-0.5, DecimalText.parse("-0.5"), 0);
        assertEquals(1_732_700_000_123L, DecimalText.parse("1732700000123"), 0);
        assertEquals(3, DecimalText.decimalsFor(0.0055));
        assertEquals(0, DecimalText.decimalsFor(45));
        final byte[] out = new byte[24];
        assertEquals("-5.60", new String(out, 0, DecimalText.write(-5.6031, 2, out, 0, out.length), StandardCharsets.US_ASCII));
        assertEquals("0", new String(out, 0, DecimalText.write(-0.0001, 0, out, 0, out.length), StandardCharsets.US_ASCII));
        assertEquals("1732700000123",
            new String(out, 0, DecimalText.write(1_732_700_000_123L, out, 0, out.length), StandardCharsets.US_ASCII));
        assertEquals(-1, DecimalText.write(123.45, 2, out, 0, 5), "6 bytes do not fit in 5");
    }
}
