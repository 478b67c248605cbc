package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridSnapTest
{
    @Test
    void degreeGridSnapsToCellCenters()
    {
        final GridSnap grid = GridSnap.degrees(0.01);
        assertTrue(grid.snap(45.27351885, 13.71420996));
        assertEquals(45.275, grid.latitude(), 1e-9);
        assertEquals(13.715, grid.longitude(), 1e-9);

        assertTrue(grid.snap(-33.86785, 151.20732));
        assertEquals(-33.865, grid.latitude(), 1e-9);
        assertEquals(151.205, grid.longitude(), 1e-9);

        final GridSnap whole = GridSnap.degrees(1);
        assertTrue(whole.snap(0, 0));
        assertEquals(0.5, whole.latitude());
        assertEquals(0.5, whole.longitude());
        assertTrue(whole.snap(-0.2, -0.2));
        assertEquals(-0.5, whole.latitude());
        assertEquals(-0.5, whole.longitude());
    }

    @Test
    void edgesStayInTheLastCell()
    {
        final GridSnap grid = GridSnap.degrees(1);
        assertTrue(grid.snap(90, 180));
        assertEquals(89.5, grid.latitude());
        assertEquals(179.5, grid.longitude());
        assertEquals(179, grid.row());
        assertEquals(359, grid.column());
        assertTrue(grid.snap(-90, -180));
        assertEquals(-89.5, grid.latitude());
        assertEquals(-179.5, grid.longitude());

        // 7 does not divide 180: the last row is [85, 90], centered at 87.5, not at 88.5.
        final GridSnap uneven = GridSnap.degrees(7);
        assertTrue(uneven.snap(89, 179));
        assertEquals(87.5, uneven.latitude());
        assertEquals(178.5, uneven.longitude(), "last column [177, 180]");
    }

    @Test
    void metreCellsAreAboutSquareOnTheGround()
    {
        final GridSnap grid = GridSnap.metres(500);
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++)
        {
            final double latitude = random.nextDouble(-80, 80);
            final double longitude = random.nextDouble(-180, 180);
            assertTrue(grid.snap(latitude, longitude));
            final double northMetres = (grid.latitude() - latitude) * GridSnap.METRES_PER_DEGREE;
            final double eastMetres = (grid.longitude() - longitude) * GridSnap.METRES_PER_DEGREE * Math.cos(Math.toRadians(grid.latitude()));
            assertTrue(Math.abs(northMetres) <= 250.001, "north offset " + northMetres);
            assertTrue(Math.abs(eastMetres) <= 250.001 * 1.01, "east offset " + eastMetres + " at " + latitude);
        }
    }

    @Test
    void metreGridNearThePoleIsOneCellWide()
    {
        final GridSnap grid = GridSnap.metres(100_000);
        assertTrue(grid.snap(89.9, 10));
        assertEquals(0, grid.column());
        assertEquals(0, grid.longitude(), 1e-9);
    }

    @Test
    void snappingTwiceIsStable()
    {
        final GridSnap grid = GridSnap.metres(250);
        final SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 10_000; i++)
        {
            assertTrue(grid.snap(random.nextDouble(-89, 89), random.nextDouble(-180, 180)));
            final double latitude = grid.latitude();
            final double longitude = grid.longitude();
            final long row = grid.row();
            final long column = grid.column();
            assertTrue(grid.snap(latitude, longitude));
            assertEquals(row, grid.row());
            assertEquals(column, grid.column());
            assertEquals(latitude, grid.latitude(), 1e-12);
            assertEquals(longitude, grid.longitude(), 1e-12);
        }
    }

    @Test
    void badCoordinatesAreRefusedWithoutChangingTheResult()
    {
        final GridSnap grid = GridSnap.degrees(1);
        assertTrue(grid.snap(10.2, 20.7));
        assertFalse(grid.snap(Double.NaN, 0));
        assertFalse(grid.snap(0, 181));
        assertFalse(grid.snap(-90.5, 0));
        assertEquals(10.5, grid.latitude());
        assertEquals(20.5, grid.longitude());
    }

    @Test
    void rejectsBadSteps()
    {
        assertThrows(IllegalArgumentException.class, () -> GridSnap.degrees(0));
        assertThrows(IllegalArgumentException.class, () -> GridSnap.degrees(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GridSnap.degrees(181));
        assertThrows(IllegalArgumentException.class, () -> GridSnap.metres(0.5));
        assertThrows(IllegalArgumentException.class, () -> GridSnap.metres(Double.POSITIVE_INFINITY));
    }
}
