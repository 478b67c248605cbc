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
    private static final int MAX_DECIMALS = 9;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L };

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
        return generalize(vehicle, parseDegrees(latitudeText), parseDegrees(longitudeText), epochNs);
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
        decimals = decimalsFor(cell.maxLatitude() - cell.minLatitude());
        return true;
    }

    /** Writes the generalized latitude; returns the bytes written, or -1 when they do not fit before {@code limit}. */
    public int writeLatitude(final byte[] out, final int offset, final int limit)
    {
        return writeDecimal(latitude, decimals, out, offset, limit);
    }

    /** Writes the generalized longitude; returns the bytes written, or -1 when they do not fit before {@code limit}. */
    public int writeLongitude(final byte[] out, final int offset, final int limit)
    {
        return writeDecimal(longitude, decimals, out, offset, limit);
    }

    /** The fewest decimals whose last place is no finer than a tenth of the cell's height. */
    static int decimalsFor(final double cellHeightDegrees)
    {
        int decimals = 0;
        double place = 1.0;
        while (decimals < MAX_DECIMALS && place > cellHeightDegrees)
        {
            place /= 10.0;
            decimals++;
        }
        return decimals;
    }

    /**
     * Plain decimal degrees: an optional sign, digits, an optional fraction. Anything else
     * (exponents, spaces, NaN) is NaN, which the guard counts as invalid and suppresses.
     */
    public static double parseDegrees(final CharSequence text)
    {
        final int length = text.length();
        int i = 0;
        boolean negative = false;
        if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+'))
        {
            negative = text.charAt(i) == '-';
            i++;
        }
        long whole = 0;
        int wholeDigits = 0;
        while (i < length && isDigit(text.charAt(i)) && wholeDigits < 4)
        {
            whole = whole * 10 + (text.charAt(i++) - '0');
            wholeDigits++;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (i < length && text.charAt(i) == '.')
        {
            i++;
            while (i < length && isDigit(text.charAt(i)))
            {
                if (fractionDigits < 15)
                {
                    fraction = fraction * 10 + (text.charAt(i) - '0');
                    fractionDigits++;
                }
                i++;
            }
        }
        if (i != length || 0 == wholeDigits)
        {
            return Double.NaN;
        }
        final double value = whole + fraction / Math.pow(10, fractionDigits);
        return negative ? -value : value;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static int writeDecimal(final double value, final int decimals, final byte[] out, final int offset, final int limit)
    {
        final long scaled = Math.round(Math.abs(value) * POWERS_OF_TEN[decimals]);
        final long whole = scaled / POWERS_OF_TEN[decimals];
        final long fraction = scaled % POWERS_OF_TEN[decimals];
        int at = offset;
        if (value < 0 && scaled != 0)
        {
            if (at >= limit)
            {
                return -1;
            }
            out[at++] = '-';
        }
        final int wholeDigits = whole < 10 ? 1 : whole < 100 ? 2 : 3;
        if (at + wholeDigits + (decimals > 0 ? 1 + decimals : 0) > limit)
        {
            return -1;
        }
        for (int d = wholeDigits - 1; d >= 0; d--)
        {
            out[at + d] = (byte)('0' + (whole / POWERS_OF_TEN[wholeDigits - 1 - d]) % 10);
        }
        at += wholeDigits;
        if (decimals > 0)
        {
            out[at++] = '.';
            for (int d = decimals - 1; d >= 0; d--)
            {
                out[at + d] = (byte)('0' + (fraction / POWERS_OF_TEN[decimals - 1 - d]) % 10);
            }
            at += decimals;
        }
        return at - offset;
    }
}
