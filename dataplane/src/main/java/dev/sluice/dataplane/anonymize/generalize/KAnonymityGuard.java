package dev.sluice.dataplane.anonymize.generalize;

/**
 * Releases each fleet-telemetry position at the finest geohash cell that at least k distinct
 * vehicles share, coarsening down to a floor and suppressing below it, with bounded, preallocated
 * state. A location generalized to a cell is only anonymous if others are in the cell too: one
 * vehicle alone in a cell at 3 a.m. is a home address.
 * <p>
 * <b>Rule.</b> Time is cut into tumbling windows of {@code windowNs}, aligned to the epoch. A cell
 * at precision q is <i>k-safe</i> for a record of window w if at least k distinct vehicles were
 * seen in the cell during window w so far (the record's own vehicle included), or during the whole
 * of window w - 1. The record is released at the finest q in [minPrecision, precision] whose cell
 * is k-safe, else suppressed. Every record counts toward its cells at every precision, whether
 * released or not: a vehicle in a cell is part of its crowd either way.
 * <ul>
 *   <li>Why not wait for the window to end: a record cannot wait for the future; holding records
 *   for a window would add minutes of latency and memory proportional to the traffic.</li>
 *   <li>Why the previous window: without it the first k - 1 vehicles of every window in every cell
 *   would be coarsened or suppressed even in a cell that is always busy. A cell that had k
 *   vehicles in the last complete window is an established crowd.</li>
 *   <li>Why each window on its own and not their union: the union would accept k vehicles spread
 *   over two windows (twice the time span), weakening k; with "either window" every release is
 *   backed by k vehicles within a single window.</li>
 * </ul>
 * A record of the window before the current one (a late record across a boundary) is judged
 * against its own window's table only (the window before that is gone), which can only be
 * stricter; an older record is suppressed and counted as late. The guard sees only the records
 * given to it: with one guard per worker and a fleet spread over workers, each guard sees fewer
 * vehicles, which again can only be stricter.
 * <p>
 * <b>State.</b> Two {@link CellTable}s (current and previous window) of at most {@code maxCells}
 * cells, each cell keeping up to k vehicle hashes (after k it is safe and needs no more). When a
 * table is full a new cell cannot be tracked: the guard fails safe, treats that cell as not k-safe
 * (a coarser, already tracked cell may still release the record) and counts the record as
 * {@code stateFull}. Rolling to a new window clears one table, O(capacity) once per window.
 * <p>
 * <b>Counters.</b> received = atPrecision + coarsened + suppressed, always; coarsened is also
 * split by levels; suppressed splits into invalid coordinates, late records and cells not k-safe;
 * stateFull counts records that met a full table (they are also in one of the three outcomes).
 * <p>
 * <b>Vehicle identity.</b> A 64-bit keyed hash the caller computes (never an unkeyed hash of the
 * VIN, which anyone could recompute): the guard only compares them. One instance per thread;
 * allocation-free after construction.
 */
public final class KAnonymityGuard
{
    /** What {@link #observe} returns for a suppressed record. */
    public static final int SUPPRESSED = 0;

    /** Largest k accepted: beyond that, a cell is no longer a useful unit. */
    public static final int MAX_K = 1024;

    /** Largest state accepted, in vehicle hash slots per table (k times slots): 8 Mi longs, 64 MiB. */
    public static final long MAX_VEHICLE_SLOTS = 1L << 23;

    private static final int PRECISION_BITS = 4;
    private static final long NO_WINDOW = Long.MIN_VALUE;

    private final int k;
    private final long windowNs;
    private final int precision;
    private final int minPrecision;
    private final int maxCells;

    private CellTable current;
    private CellTable previous;
    private long currentWindow = NO_WINDOW;

    private long emittedHash;
    private int emittedPrecision;

    private long received;
    private long atPrecision;
    private long coarsened;
    private final long[] coarsenedByLevels;
    private long suppressed;
    private long suppressedInvalid;
    private long suppressedLate;
    private long stateFull;
    private long windowsStarted;

    /**
     * A guard; allocates both tables now.
     *
     * @param k            distinct vehicles a cell needs, 1..{@value #MAX_K} (1 releases everything at {@code precision}).
     * @param windowNs     window length in nanoseconds, at least 1.
     * @param precision    target geohash precision, 1..12.
     * @param minPrecision coarsest precision released, 1..{@code precision}; below it a record is suppressed.
     * @param maxCells     cells tracked per window, all precision levels together (a record uses up to precision - minPrecision + 1), 1..16777216.
     * @throws IllegalArgumentException listing every setting that is out of range.
     */
    public KAnonymityGuard(final int k, final long windowNs, final int precision, final int minPrecision, final int maxCells)
    {
        final StringBuilder errors = new StringBuilder();
        if (k < 1 || k > MAX_K)
        {
            errors.append("; k must be 1..").append(MAX_K).append(", got ").append(k);
        }
        if (windowNs < 1)
        {
            errors.append("; window must be at least 1 ns, got ").append(windowNs);
        }
        if (precision < Geohash.MIN_PRECISION || precision > Geohash.MAX_PRECISION)
        {
            errors.append("; precision must be 1..12, got ").append(precision);
        }
        if (minPrecision < Geohash.MIN_PRECISION || minPrecision > precision)
        {
            errors.append("; minimum precision must be 1..precision (").append(precision).append("), got ").append(minPrecision);
        }
        if (maxCells < 1 || maxCells > (1 << 24))
        {
            errors.append("; max cells must be 1..16777216, got ").append(maxCells);
        }
        else if (k >= 1 && k <= MAX_K && (long)CellTable.capacity(maxCells) * k > MAX_VEHICLE_SLOTS)
        {
            errors.append("; k * table slots (").append((long)CellTable.capacity(maxCells) * k)
                .append(") exceeds ").append(MAX_VEHICLE_SLOTS).append(": lower max cells or k");
        }
        if (errors.length() > 0)
        {
            throw new IllegalArgumentException("k-anonymity guard: " + errors.substring(2));
        }
        this.k = k;
        this.windowNs = windowNs;
        this.precision = precision;
        this.minPrecision = minPrecision;
        this.maxCells = maxCells;
        this.current = new CellTable(k, maxCells);
        this.previous = new CellTable(k, maxCells);
        this.coarsenedByLevels = new long[precision - minPrecision + 1];
    }

    /**
     * Bytes of state a guard with these settings preallocates (both tables).
     *
     * @param k        distinct vehicles per cell.
     * @param maxCells cells per window.
     * @return bytes, approximately (array headers not counted).
     */
    public static long stateBytes(final int k, final int maxCells)
    {
        return 2L * CellTable.capacity(maxCells) * (Long.BYTES + Integer.BYTES + (long)Long.BYTES * k);
    }

    /**
     * Observes one record and decides its release.
     *
     * @param vehicle   the vehicle's keyed 64-bit hash.
     * @param latitude  degrees north.
     * @param longitude degrees east.
     * @param epochNs   the record's time, nanoseconds since the epoch.
     * @return the precision to release the record at ({@link #emittedHash()} is its cell), or
     * {@link #SUPPRESSED}.
     */
    public int observe(final long vehicle, final double latitude, final double longitude, final long epochNs)
    {
        received++;
        emittedPrecision = SUPPRESSED;
        if (!CoordinateCheck.isValid(latitude, longitude))
        {
            suppressed++;
            suppressedInvalid++;
            return SUPPRESSED;
        }

        final long window = Math.floorDiv(epochNs, windowNs);
        final CellTable own;
        final CellTable before;
        if (NO_WINDOW == currentWindow || window >= currentWindow)
        {
            roll(window);
            own = current;
            before = previous;
        }
        else if (window == currentWindow - 1)
        {
            own = previous;
            before = null;
        }
        else
        {
            suppressed++;
            suppressedLate++;
            return SUPPRESSED;
        }

        final long hash = Geohash.encode(latitude, longitude, precision);
        boolean full = false;
        for (int q = precision; q >= minPrecision; q--)
        {
            final long cell = Geohash.coarsen(hash, precision, q);
            final long key = cell << PRECISION_BITS | q;
            final int count = own.add(key, vehicle);
            full |= CellTable.FULL == count;
            if (SUPPRESSED == emittedPrecision && (count >= k || (null != before && before.count(key) >= k)))
            {
                emittedPrecision = q;
                emittedHash = cell;
            }
        }

        if (full)
        {
            stateFull++;
        }
        if (SUPPRESSED == emittedPrecision)
        {
            suppressed++;
        }
        else if (precision == emittedPrecision)
        {
            atPrecision++;
        }
        else
        {
            coarsened++;
            coarsenedByLevels[precision - emittedPrecision]++;
        }
        return emittedPrecision;
    }

    private void roll(final long window)
    {
        if (window == currentWindow)
        {
            return;
        }
        if (NO_WINDOW != currentWindow && window == currentWindow + 1)
        {
            final CellTable completed = current;
            current = previous;
            previous = completed;
        }
        else
        {
            // A gap: the window before this one saw no records (or this is the first).
            previous.clear();
        }
        current.clear();
        currentWindow = window;
        windowsStarted++;
    }

    /**
     * @return the cell of the last released record, a hash of {@link #emittedPrecision()} characters.
     */
    public long emittedHash()
    {
        return emittedHash;
    }

    /**
     * @return the precision of the last record, or {@link #SUPPRESSED}.
     */
    public int emittedPrecision()
    {
        return emittedPrecision;
    }

    /**
     * Writes the last released cell as geohash text.
     *
     * @param dst    where the characters go.
     * @param offset index of the first.
     * @return characters written, 0 if the last record was suppressed.
     */
    public int emittedText(final byte[] dst, final int offset)
    {
        return SUPPRESSED == emittedPrecision ? 0 : Geohash.toText(emittedHash, emittedPrecision, dst, offset);
    }

    /** @return records observed. */
    public long received()
    {
        return received;
    }

    /** @return records released at the target precision. */
    public long atPrecision()
    {
        return atPrecision;
    }

    /** @return records released at a coarser precision. */
    public long coarsened()
    {
        return coarsened;
    }

    /**
     * @param levels precision levels given up, 1..precision - minPrecision.
     * @return records released that many levels coarser.
     */
    public long coarsenedByLevels(final int levels)
    {
        return levels < 1 || levels >= coarsenedByLevels.length ? 0 : coarsenedByLevels[levels];
    }

    /** @return records not released (invalid, late, or no k-safe cell). */
    public long suppressed()
    {
        return suppressed;
    }

    /** @return suppressed records whose coordinates were NaN or out of range. */
    public long suppressedInvalid()
    {
        return suppressedInvalid;
    }

    /** @return suppressed records older than the previous window. */
    public long suppressedLate()
    {
        return suppressedLate;
    }

    /** @return suppressed records whose cells were not k-safe at any allowed precision. */
    public long suppressedNotKSafe()
    {
        return suppressed - suppressedInvalid - suppressedLate;
    }

    /** @return records that met a full cell table (also counted in their outcome). */
    public long stateFull()
    {
        return stateFull;
    }

    /** @return windows started (including after gaps). */
    public long windowsStarted()
    {
        return windowsStarted;
    }

    /** @return distinct vehicles a cell needs. */
    public int k()
    {
        return k;
    }

    /** @return window length in nanoseconds. */
    public long windowNs()
    {
        return windowNs;
    }

    /** @return target precision. */
    public int precision()
    {
        return precision;
    }

    /** @return coarsest precision released. */
    public int minPrecision()
    {
        return minPrecision;
    }

    /** @return cells tracked per window. */
    public int maxCells()
    {
        return maxCells;
    }

    @Override
    public String toString()
    {
        return "KAnonymityGuard{k=" + k + ", windowNs=" + windowNs + ", precision=" + precision +
            ", minPrecision=" + minPrecision + ", maxCells=" + maxCells + "}";
    }
}
