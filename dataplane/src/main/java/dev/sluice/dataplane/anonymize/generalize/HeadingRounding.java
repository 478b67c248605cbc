package dev.sluice.dataplane.anonymize.generalize;

/**
 * Rounds a heading to the nearest multiple of a step (45 degrees gives the 8 compass points),
 * halves up, in [0, 360): 359 rounds to 0, not 360, so "north" has one value. Any real heading is
 * first brought into [0, 360) (-90 is 270, 725 is 5) because receivers disagree on the range.
 * <p>
 * The step must divide 360 so that every rounded value is a whole sector; with a step of 50 the
 * sector at 350 would be cut and 355 would round to 400. A heading that is NaN or infinite comes
 * back as NaN for the caller to count and drop. Immutable; any thread.
 */
public final class HeadingRounding
{
    /** Degrees in a full turn. */
    public static final double FULL_TURN = 360.0;

    private final double step;
    private final long sectors;

    /**
     * @param step degrees, greater than 0, at most 360, and dividing 360 (1, 5, 22.5, 45, 90, ...).
     * @throws IllegalArgumentException if not.
     */
    public HeadingRounding(final double step)
    {
        final double sectors = FULL_TURN / step;
        if (!(step > 0 && step <= FULL_TURN) || Math.abs(sectors - Math.rint(sectors)) > 1e-9)
        {
            throw new IllegalArgumentException("heading step must divide 360 degrees (e.g. 45), got " + step);
        }
        this.step = step;
        this.sectors = Math.round(sectors);
    }

    /**
     * @param heading degrees, any finite value.
     * @return the nearest multiple of the step in [0, 360), or NaN if the heading is not finite.
     */
    public double round(final double heading)
    {
        if (!Double.isFinite(heading))
        {
            return Double.NaN;
        }
        double turn = heading % FULL_TURN;
        if (turn < 0)
        {
            turn += FULL_TURN;
        }
        final long sector = (long)Math.floor(turn / step + 0.5);
        return sector >= sectors ? 0.0 : sector * step;
    }

    /**
     * @return the step in degrees.
     */
    public double step()
    {
        return step;
    }
}
