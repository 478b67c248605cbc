package dev.sluice.dataplane.anonymize.generalize;

/**
 * The bounds of one cell, filled in place by {@link Geohash#decode} so that decoding allocates
 * nothing. A cell is half-open, [min, max) on both axes, like the encoder's bisection (a point on
 * a boundary belongs to the cell above or east of it), except that the top row and the east
 * column also hold latitude 90 and longitude 180. Owned by one thread.
 */
public final class GeoCell
{
    private double minLatitude;
    private double maxLatitude;
    private double minLongitude;
    private double maxLongitude;

    void set(final double minLatitude, final double maxLatitude, final double minLongitude, final double maxLongitude)
    {
        this.minLatitude = minLatitude;
        this.maxLatitude = maxLatitude;
        this.minLongitude = minLongitude;
        this.maxLongitude = maxLongitude;
    }

    /**
     * @return southern edge in degrees (inclusive).
     */
    public double minLatitude()
    {
        return minLatitude;
    }

    /**
     * @return northern edge in degrees (exclusive unless 90).
     */
    public double maxLatitude()
    {
        return maxLatitude;
    }

    /**
     * @return western edge in degrees (inclusive).
     */
    public double minLongitude()
    {
        return minLongitude;
    }

    /**
     * @return eastern edge in degrees (exclusive unless 180).
     */
    public double maxLongitude()
    {
        return maxLongitude;
    }

    /**
     * @return latitude of the cell's center, what a generalized record reports.
     */
    public double centerLatitude()
    {
        return (minLatitude + maxLatitude) * 0.5;
    }

    /**
     * @return longitude of the cell's center.
     */
    public double centerLongitude()
    {
        return (minLongitude + maxLongitude) * 0.5;
    }

    /**
     * @param latitude  degrees north.
     * @param longitude degrees east.
     * @return true if the point lies in this cell.
     */
    public boolean contains(final double latitude, final double longitude)
    {
        return latitude >= minLatitude &&
            (latitude < maxLatitude || (CoordinateCheck.MAX_LATITUDE == maxLatitude && latitude == maxLatitude)) &&
            longitude >= minLongitude &&
            (longitude < maxLongitude || (CoordinateCheck.MAX_LONGITUDE == maxLongitude && longitude == maxLongitude));
    }

    @Override
    public String toString()
    {
        return "GeoCell{lat=[" + minLatitude + ", " + maxLatitude + "), lon=[" + minLongitude + ", " + maxLongitude + ")}";
    }
}
