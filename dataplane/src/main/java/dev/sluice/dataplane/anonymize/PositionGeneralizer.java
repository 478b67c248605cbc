package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.generalize.GeoCell;
import dev.sluice.dataplane.anonymize.generalize.Geohash;
import dev.sluice.dataplane.anonymize.generalize.KAnonymityGuard;
import dev.sluice.policy.action.AnonymizationSettings;

/**
 * The {@code geohash} method on an event's position: reads the latitude and longitude as the
 * message wrote them (decimal degrees), asks the worker's {@link KAnonymityGuard} at which
 * geohash precision the position may be shown, and writes the centre of that cell back as
 * decimal degrees with only as many decimals as the cell's size justifies (more would suggest a
 * precision that is not there). The event keeps its shape: a JSON number stays a number.
 * <p>
 * A position that is not plain decimal degrees, or that the guard suppresses, cannot be shown:
 * {@link #generalize} says so and the caller fails closed (the event does not go where the
 * position may not go raw).
 * <p>
 * Worker thread only; allocates nothing per event.
 */
public final class PositionGeneralizer
{
    /** Cells the guard tracks per window: a depot's fleet times the precisions it spans, with room. */
    public static final int MAX_CELLS_DEFAULT = 1 << 16;

    private final KAnonymityGuard guard;
    private final GeoCell cell = new GeoCell();
    private double latitude;
    private double longitude;
    private int decimals;

    /**
     * @param settings the policy's geohash precision, minimum precision, k and window.
     */
    public PositionGeneralizer(final AnonymizationSettings settings)
    {
        this.guard = new KAnonymityGuard(
            settings.kAnonymity(), settings.kWindowNs(), settings.geohashPrecision(), settings.geohashMinPrecision(),
            MAX_CELLS_DEFAULT);
    }

    /** The guard, for its counters. */
    public KAnonymityGuard guard()
    {
        return guard;
    }

    /**
     * @param vehicle       the vehicle's keyed 64-bit hash (0 when the event names none: the guard
     *                      then counts every such event as one vehicle, which only makes it stricter).
     * @param latitudeText  decimal degrees as written.
     * @param longitudeText decimal degrees as written.
     * @param epochNs       the event's time.
     * @return true when the position may be shown, generalized ({@link #writeLatitude}, {@link #writeLongitude}).
     */
    public boolean generalize(
        final long vehicle, final CharSequence latitudeText, final CharSequence longitudeText, final long epochNs)
    {
        return generalize(vehicle, DecimalText.parse(latitudeText), DecimalText.parse(longitudeText), epochNs);
    }

    /**
     * @param vehicle   as for the text form.
     * @param latitude  degrees, NaN when unreadable (suppressed, counted as invalid).
     * @param longitude degrees, NaN when unreadable.
     * @param epochNs   the event's time.
     * @return true when the position may be shown, generalized.
     */
    public boolean generalize(final long vehicle, final double latitude, final double longitude, final long epochNs)
    {
        final int precision = guard.observe(vehicle, latitude, longitude, epochNs);
        if (KAnonymityGuard.SUPPRESSED == precision)
        {
            return false;
        }
        Geohash.decode(guard.emittedHash(), precision, cell);
        this.latitude = cell.centerLatitude();
        this.longitude = cell.centerLongitude();
        decimals = DecimalText.decimalsFor(cell.maxLatitude() - cell.minLatitude());
        return true;
    }

    /** Writes the generalized latitude; returns the bytes written, or -1 when they do not fit before {@code limit}. */
    public int writeLatitude(final byte[] out, final int offset, final int limit)
    {
        return DecimalText.write(latitude, decimals, out, offset, limit);
    }

    /** Writes the generalized longitude; returns the bytes written, or -1 when they do not fit before {@code limit}. */
    public int writeLongitude(final byte[] out, final int offset, final int limit)
    {
        return DecimalText.write(longitude, decimals, out, offset, limit);
    }
}
