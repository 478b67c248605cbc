package dev.sluice.dataplane.anonymize.generalize;

/**
 * Snaps a point to the center of its cell in a regular grid: N degrees on both axes, or N metres.
 * Unlike geohash, whose cells are fixed powers of two, a grid can match what a use needs ("500 m
 * is enough for traffic density") and its cells are squares on the ground in metre mode.
 * <p>
 * <b>Degree grid.</b> Rows of {@code step} degrees of latitude from -90, columns of {@code step}
 * degrees of longitude from -180; the last row and column are cut at 90 and 180 when the step does
 * not divide 180 or 360, and their centers are the centers of the cut cells, so a reported point is
 * always inside the cell of the true point.
 * <p>
 * <b>Metre grid.</b> Rows are {@code metres} tall (one degree of latitude is taken as
 * {@value #METRES_PER_DEGREE} m, the mean Earth radius of 6,371,008.8 m times pi/180). Within a
 * row, columns are {@code metres} wide at the row's center latitude, so a cell stays about
 * {@code metres} square instead of shrinking toward the poles as a degree grid does (which would
 * quietly make the generalization finer there); at most 360 degrees wide near a pole. Every
 * gateway computes the same grid from the step alone.
 * <p>
 * Results are read from this object after {@link #snap}, so that snapping allocates nothing. One
 * instance per thread.
 */
public final class GridSnap
{
    /** Metres per degree of latitude (and of longitude at the equator) on the mean sphere. */
    public static final double METRES_PER_DEGREE = 6_371_008.8 * Math.PI / 180.0;

    private final double latitudeStep;
    private final double metres;
    private final long rows;

    private double latitude;
    private double longitude;
    private long row;
    private long column;

    private GridSnap(final double latitudeStep, final double metres)
    {
        this.latitudeStep = latitudeStep;
        this.metres = metres;
        this.rows = (long)Math.ceil(180.0 / latitudeStep);
    }

    /**
     * A grid of {@code step} degrees on both axes.
     *
     * @param step degrees, greater than 0 and at most 180.
     * @return the grid.
     * @throws IllegalArgumentException if the step is out of range.
     */
    public static GridSnap degrees(final double step)
    {
        if (!(step > 0 && step <= 180) || step < 1e-7)
        {
            throw new IllegalArgumentException("grid step must be from 1e-7 to 180 degrees, got " + step);
        }
        return new GridSnap(step, 0);
    }

    /**
     * A grid of cells about {@code metres} on a side.
     *
     * @param metres from 1 m to 10,000 km.
     * @return the grid.
     * @throws IllegalArgumentException if out of range.
     */
    public static GridSnap metres(final double metres)
    {
        if (!(metres >= 1 && metres <= 10_000_000))
        {
            throw new IllegalArgumentException("grid step must be from 1 m to 10,000 km, got " + metres);
        }
        return new GridSnap(metres / METRES_PER_DEGREE, metres);
    }

    /**
     * Snaps a point; read the result with {@link #latitude()}, {@link #longitude()}, {@link #row()}
     * and {@link #column()}.
     *
     * @param latitude  degrees north.
     * @param longitude degrees east.
     * @return true if snapped; false for a bad coordinate (results unchanged; ask {@link CoordinateCheck#of} why).
     */
    public boolean snap(final double latitude, final double longitude)
    {
        if (!CoordinateCheck.isValid(latitude, longitude))
        {
            return false;
        }
        final long row = Math.min(rows - 1, (long)Math.floor((latitude + 90.0) / latitudeStep));
        final double south = row * latitudeStep - 90.0;
        final double north = Math.min(90.0, south + latitudeStep);
        final double centerLatitude = (south + north) * 0.5;

        final double longitudeStep = 0 == metres ? latitudeStep : metresToLongitude(centerLatitude);
        final long columns = (long)Math.ceil(360.0 / longitudeStep);
        final long column = Math.min(columns - 1, (long)Math.floor((longitude + 180.0) / longitudeStep));
        final double west = column * longitudeStep - 180.0;
        final double east = Math.min(180.0, west + longitudeStep);

        this.row = row;
        this.column = column;
        this.latitude = centerLatitude;
        this.longitude = (west + east) * 0.5;
        return true;
    }

    private double metresToLongitude(final double latitude)
    {
        final double metresPerDegree = METRES_PER_DEGREE * Math.cos(Math.toRadians(latitude));
        return metresPerDegree * 360.0 <= metres ? 360.0 : metres / metresPerDegree;
    }

    /**
     * @return latitude of the last snapped cell's center.
     */
    public double latitude()
    {
        return latitude;
    }

    /**
     * @return longitude of the last snapped cell's center.
     */
    public double longitude()
    {
        return longitude;
    }

    /**
     * @return row of the last snapped cell, 0 at the south pole.
     */
    public long row()
    {
        return row;
    }

    /**
     * @return column of the last snapped cell within its row, 0 at -180.
     */
    public long column()
    {
        return column;
    }

    /**
     * @return height of a row in degrees.
     */
    public double latitudeStep()
    {
        return latitudeStep;
    }

    @Override
    public String toString()
    {
        return 0 == metres ? "GridSnap{" + latitudeStep + " deg}" : "GridSnap{" + metres + " m}";
    }
}
