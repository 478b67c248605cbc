package dev.sluice.dataplane.anonymize.generalize;

/**
 * Why a latitude/longitude pair can or cannot be generalized. A bad coordinate on the data path is
 * a counted verdict, never an exception: a receiver without a fix reports NaN, a corrupt record
 * reports anything, and neither may stop the stream. Any thread.
 */
public enum CoordinateCheck
{
    /** Latitude in [-90, 90] and longitude in [-180, 180]. */
    VALID,
    /** Latitude is NaN (no fix). */
    LATITUDE_NOT_A_NUMBER,
    /** Latitude is infinite or outside [-90, 90]. */
    LATITUDE_OUT_OF_RANGE,
    /** Longitude is NaN (no fix). */
    LONGITUDE_NOT_A_NUMBER,
    /** Longitude is infinite or outside [-180, 180]. */
    LONGITUDE_OUT_OF_RANGE;

    /** Largest absolute latitude in degrees. */
    public static final double MAX_LATITUDE = 90.0;

    /** Largest absolute longitude in degrees. */
    public static final double MAX_LONGITUDE = 180.0;

    /**
     * Checks a coordinate pair; the latitude is checked first.
     *
     * @param latitude  degrees north.
     * @param longitude degrees east.
     * @return {@link #VALID} or the first reason the pair is not.
     */
    public static CoordinateCheck of(final double latitude, final double longitude)
    {
        if (Double.isNaN(latitude))
        {
            return LATITUDE_NOT_A_NUMBER;
        }
        if (!(Math.abs(latitude) <= MAX_LATITUDE))
        {
            return LATITUDE_OUT_OF_RANGE;
        }
        if (Double.isNaN(longitude))
        {
            return LONGITUDE_NOT_A_NUMBER;
        }
        if (!(Math.abs(longitude) <= MAX_LONGITUDE))
        {
            return LONGITUDE_OUT_OF_RANGE;
        }
        return VALID;
    }

    /**
     * The same test as {@link #of} without naming the reason, for the hot path.
     *
     * @param latitude  degrees north.
     * @param longitude degrees east.
     * @return true if both are in range (NaN is not).
     */
    public static boolean isValid(final double latitude, final double longitude)
    {
        return Math.abs(latitude) <= MAX_LATITUDE && Math.abs(longitude) <= MAX_LONGITUDE;
    }
}
