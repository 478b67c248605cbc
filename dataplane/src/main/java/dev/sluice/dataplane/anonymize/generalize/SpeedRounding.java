package dev.sluice.dataplane.anonymize.generalize;

/**
 * Rounds a speed to the nearest multiple of a step (5 km/h, 2 m/s, ...), halves up. Exact speed
 * profiles identify a driver and, joined with time, a trip; a 5 km/h step keeps what fleet
 * analytics use (speeding, congestion) and drops the fingerprint. The unit is the caller's: the
 * step is in the same unit as the speeds.
 * <p>
 * A speed that is NaN, infinite or negative is not a speed: it comes back as NaN, which the caller
 * counts and drops, rather than as a plausible rounded number. Immutable; any thread.
 */
public final class SpeedRounding
{
    private final double step;

    /**
     * @param step the step, greater than 0 and finite.
     * @throws IllegalArgumentException if not.
     */
    public SpeedRounding(final double step)
    {
        if (!(step > 0 && step < Double.POSITIVE_INFINITY))
        {
            throw new IllegalArgumentException("speed step must be positive and finite, got " + step);
        }
        this.step = step;
    }

    /**
     * @param speed a speed in the step's unit.
     * @return the nearest multiple of the step, or NaN for a speed that is not finite and non-negative.
     */
    public double round(final double speed)
    {
        if (!(speed >= 0 && speed < Double.POSITIVE_INFINITY))
        {
            return Double.NaN;
        }
        return Math.floor(speed / step + 0.5) * step;
    }

    /**
     * @return the step.
     */
    public double step()
    {
        return step;
    }
}
