package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link SpeedRounding} and {@link HeadingRounding}. */
class MotionRoundingTest
{
    @Test
    void speedRoundsToTheNearestStep()
    {
        final SpeedRounding fiveKmh = new SpeedRounding(5);
        assertEquals(0, fiveKmh.round(0));
        assertEquals(0, fiveKmh.round(2.49));
        assertEquals(5, fiveKmh.round(2.5), "halves up");
        assertEquals(50, fiveKmh.round(52.4));
        assertEquals(55, fiveKmh.round(53.0));
        assertEquals(130, fiveKmh.round(128.7));
        assertEquals(1.5, new SpeedRounding(0.5).round(1.6));
    }

    @Test
    void speedThatIsNotASpeedIsNaN()
    {
        final SpeedRounding fiveKmh = new SpeedRounding(5);
        assertEquals(Double.NaN, fiveKmh.round(Double.NaN));
        assertEquals(Double.NaN, fiveKmh.round(-1));
        assertEquals(Double.NaN, fiveKmh.round(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new SpeedRounding(0));
        assertThrows(IllegalArgumentException.class, () -> new SpeedRounding(Double.NaN));
    }

    @Test
    void headingRoundsToSectorsAndWraps()
    {
        final HeadingRounding compass = new HeadingRounding(45);
        assertEquals(0, compass.round(0));
        assertEquals(0, compass.round(22.4));
        assertEquals(45, compass.round(22.5));
        assertEquals(315, compass.round(337.4));
        assertEquals(0, compass.round(337.5), "wraps: 360 is 0");
        assertEquals(0, compass.round(359.99));
        assertEquals(0, compass.round(360));
        assertEquals(270, compass.round(-90));
        assertEquals(0, compass.round(-10));
        assertEquals(0, compass.round(725 - 360), "5 degrees");
        assertEquals(0, compass.round(725));
        assertEquals(90, compass.round(-270));
        assertEquals(0, compass.round(-0.0));
        assertEquals(0, compass.round(-1e-300));
        assertEquals(Double.NaN, compass.round(Double.NaN));
        assertEquals(Double.NaN, compass.round(Double.NEGATIVE_INFINITY));

        final HeadingRounding fine = new HeadingRounding(22.5);
        assertEquals(22.5, fine.round(30));
        assertEquals(0, fine.round(350));
        assertEquals(0, new HeadingRounding(360).round(200), "one sector");
    }

    @Test
    void headingStepMustDivideATurn()
    {
        assertThrows(IllegalArgumentException.class, () -> new HeadingRounding(50));
        assertThrows(IllegalArgumentException.class, () -> new HeadingRounding(0));
        assertThrows(IllegalArgumentException.class, () -> new HeadingRounding(-45));
        assertThrows(IllegalArgumentException.class, () -> new HeadingRounding(720));
        assertThrows(IllegalArgumentException.class, () -> new HeadingRounding(Double.NaN));
    }
}
