package dev.sluice.dataplane.anonymize.generalize;

import java.util.Arrays;

/**
 * Geohash (Niemeyer, 2008): a latitude/longitude pair as a cell of a hierarchical grid, written as
 * 1..12 base32 characters of 5 bits each. Dropping characters gives the enclosing cell, which is
 * what makes geohash the natural unit of location generalization: the k-anonymity guard counts
 * vehicles per cell and coarsens a record by shifting bits off its hash.
 * <p>
 * <b>Bits.</b> Bits alternate longitude, latitude, longitude, ..., most significant first; each
 * bit halves the current interval, 1 meaning the upper half. A point exactly on a boundary goes
 * to the upper half ({@code >=}), as geohash.org and ClickHouse do, so (0, 0) is {@code "s"}
 * (some libraries use {@code >} and differ only on exact boundaries). Precision p has 5p bits:
 * ceil(5p/2) of longitude and floor(5p/2) of latitude.
 * <p>
 * <b>Why not bisect.</b> The textbook encoder runs 5p compare-and-halve steps. Here both axes are
 * quantized once to 30 bits ({@code floor((lat + 90) * 2^30 / 180)}), corrected by at most one
 * step against the exact cell boundary (boundaries {@code q * 180 / 2^30 - 90} are exact doubles,
 * so the result is bit-identical to bisection with exact midpoints), and interleaved with a
 * branch-free bit spread. The precision-12 hash has 60 bits; a shorter one is its top 5p bits,
 * since bisection is nested.
 * <p>
 * <b>Long form.</b> {@link #encode(double, double, int)} returns the 5p bits right-aligned in a
 * long (non-negative; {@link #INVALID} for a bad coordinate). The same value at precision p and
 * {@link #coarsen} to q give the precision-q hash.
 * <p>
 * Stateless; any thread; allocation-free.
 */
public final class Geohash
{
    /** Shortest geohash. */
    public static final int MIN_PRECISION = 1;

    /** Longest geohash: 60 bits, 30 per axis, cells of about 37 mm by 19 mm. */
    public static final int MAX_PRECISION = 12;

    /** Returned by the encoders for a coordinate that {@link CoordinateCheck#isValid} rejects. */
    public static final long INVALID = -1L;

    /** Bits per base32 character. */
    public static final int BITS_PER_CHARACTER = 5;

    private static final int AXIS_BITS = 30;
    private static final long AXIS_MAX = (1L << AXIS_BITS) - 1;
    private static final double LATITUDE_STEP = 180.0 / (1L << AXIS_BITS);
    private static final double LONGITUDE_STEP = 360.0 / (1L << AXIS_BITS);
    private static final double LATITUDE_SCALE = (1L << AXIS_BITS) / 180.0;
    private static final double LONGITUDE_SCALE = (1L << AXIS_BITS) / 360.0;

    private static final byte[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VALUES = new byte[128];

    static
    {
        Arrays.fill(VALUES, (byte)-1);
        for (int i = 0; i < ALPHABET.length; i++)
        {
            VALUES[ALPHABET[i]] = (byte)i;
            VALUES[Character.toUpperCase(ALPHABET[i])] = (byte)i;
        }
    }

    private Geohash()
    {
    }

    /**
     * Checks a precision given in configuration.
     *
     * @param precision characters, expected 1..12.
     * @param what      what the precision is for, for the message.
     * @return {@code precision}.
     * @throws IllegalArgumentException if out of range.
     */
    public static int checkPrecision(final int precision, final String what)
    {
        if (precision < MIN_PRECISION || precision > MAX_PRECISION)
        {
            throw new IllegalArgumentException(what + " must be a geohash precision of 1..12 characters, got " + precision);
        }
        return precision;
    }

    /**
     * Encodes a point.
     *
     * @param latitude  degrees north, -90..90.
     * @param longitude degrees east, -180..180.
     * @param precision characters, 1..12 (not checked here: check it once with {@link #checkPrecision}).
     * @return the 5 * precision bits right-aligned, or {@link #INVALID} (ask {@link CoordinateCheck#of} why).
     */
    public static long encode(final double latitude, final double longitude, final int precision)
    {
        if (!CoordinateCheck.isValid(latitude, longitude))
        {
            return INVALID;
        }
        final long latitudeBits = quantize(latitude + 90.0, LATITUDE_SCALE, LATITUDE_STEP, latitude, -90.0);
        final long longitudeBits = quantize(longitude + 180.0, LONGITUDE_SCALE, LONGITUDE_STEP, longitude, -180.0);
        final long full = spread(longitudeBits) << 1 | spread(latitudeBits);
        return full >>> (BITS_PER_CHARACTER * (MAX_PRECISION - precision));
    }

    /**
     * Encodes a point as text.
     *
     * @param latitude  degrees north, -90..90.
     * @param longitude degrees east, -180..180.
     * @param precision characters, 1..12.
     * @param dst       where the characters go, lower-case ASCII.
     * @param offset    index of the first character in {@code dst}.
     * @return {@code precision} (characters written), or -1 and nothing written for a bad coordinate.
     */
    public static int encode(final double latitude, final double longitude, final int precision, final byte[] dst, final int offset)
    {
        final long hash = encode(latitude, longitude, precision);
        return INVALID == hash ? -1 : toText(hash, precision, dst, offset);
    }

    /**
     * Writes a hash as text.
     *
     * @param hash      a hash of {@code precision} characters as {@link #encode(double, double, int)} returns.
     * @param precision characters, 1..12.
     * @param dst       where the characters go.
     * @param offset    index of the first character.
     * @return {@code precision}.
     */
    public static int toText(final long hash, final int precision, final byte[] dst, final int offset)
    {
        for (int i = precision - 1, shift = 0; i >= 0; i--, shift += BITS_PER_CHARACTER)
        {
            dst[offset + i] = ALPHABET[(int)(hash >>> shift) & 0x1F];
        }
        return precision;
    }

    /**
     * The hash as a String, for tests, logs and tools (allocates).
     *
     * @param hash      the hash.
     * @param precision its characters.
     * @return the text.
     */
    public static String toString(final long hash, final int precision)
    {
        final byte[] text = new byte[precision];
        toText(hash, precision, text, 0);
        return new String(text, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses geohash text (either case).
     *
     * @param text   the characters.
     * @param offset index of the first.
     * @param length characters, 1..12.
     * @return the hash, or {@link #INVALID} if the length or a character is not geohash.
     */
    public static long parse(final byte[] text, final int offset, final int length)
    {
        if (length < MIN_PRECISION || length > MAX_PRECISION)
        {
            return INVALID;
        }
        long hash = 0;
        for (int i = 0; i < length; i++)
        {
            final int c = text[offset + i];
            final int value = c < 0 ? -1 : VALUES[c];
            if (value < 0)
            {
                return INVALID;
            }
            hash = hash << BITS_PER_CHARACTER | value;
        }
        return hash;
    }

    /**
     * Parses geohash text (either case); allocation-free.
     *
     * @param text the characters, 1..12 of them.
     * @return the hash, or {@link #INVALID}.
     */
    public static long parse(final CharSequence text)
    {
        final int length = text.length();
        if (length < MIN_PRECISION || length > MAX_PRECISION)
        {
            return INVALID;
        }
        long hash = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            final int value = c >= VALUES.length ? -1 : VALUES[c];
            if (value < 0)
            {
                return INVALID;
            }
            hash = hash << BITS_PER_CHARACTER | value;
        }
        return hash;
    }

    /**
     * The enclosing cell at a coarser precision.
     *
     * @param hash          a hash of {@code fromPrecision} characters.
     * @param fromPrecision its characters.
     * @param toPrecision   characters wanted, at most {@code fromPrecision}.
     * @return the hash of the enclosing cell.
     */
    public static long coarsen(final long hash, final int fromPrecision, final int toPrecision)
    {
        return hash >>> (BITS_PER_CHARACTER * (fromPrecision - toPrecision));
    }

    /**
     * Decodes a hash to its cell's bounds.
     *
     * @param hash      a hash of {@code precision} characters.
     * @param precision characters, 1..12.
     * @param cell      filled with the bounds.
     */
    public static void decode(final long hash, final int precision, final GeoCell cell)
    {
        final int bits = BITS_PER_CHARACTER * precision;
        final long full = hash << (BITS_PER_CHARACTER * MAX_PRECISION - bits);
        final long longitudeBits = compact(full >>> 1);
        final long latitudeBits = compact(full);
        final int longitudeAxisBits = (bits + 1) >> 1;
        final int latitudeAxisBits = bits >> 1;
        final double latitudeHeight = 180.0 / (1L << latitudeAxisBits);
        final double longitudeWidth = 360.0 / (1L << longitudeAxisBits);
        final double minLatitude = latitudeBits * LATITUDE_STEP - 90.0;
        final double minLongitude = longitudeBits * LONGITUDE_STEP - 180.0;
        cell.set(minLatitude, minLatitude + latitudeHeight, minLongitude, minLongitude + longitudeWidth);
    }

    /**
     * floor(shifted * scale) on 30 bits, corrected to the exact boundary: {@code q * step + origin}
     * is an exact double (q * step has at most 38 significant bits), so comparing the raw value
     * with it is the bisection's comparison without its rounding.
     */
    private static long quantize(
        final double shifted, final double scale, final double step, final double value, final double origin)
    {
        long q = (long)(shifted * scale);
        q = Math.max(0, Math.min(AXIS_MAX, q));
        if (value < q * step + origin)
        {
            q--;
        }
        else if (q < AXIS_MAX && value >= (q + 1) * step + origin)
        {
            q++;
        }
        return q;
    }

    /** Moves bit i of a 32-bit value to bit 2i. */
    static long spread(final long value)
    {
        long x = value & 0xFFFF_FFFFL;
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFFL;
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FFL;
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0FL;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333L;
        x = (x | (x << 1)) & 0x5555_5555_5555_5555L;
        return x;
    }

    /** Moves bit 2i to bit i: the inverse of {@link #spread}. */
    static long compact(final long value)
    {
        long x = value & 0x5555_5555_5555_5555L;
        x = (x | (x >>> 1)) & 0x3333_3333_3333_3333L;
        x = (x | (x >>> 2)) & 0x0F0F_0F0F_0F0F_0F0FL;
        x = (x | (x >>> 4)) & 0x00FF_00FF_00FF_00FFL;
        x = (x | (x >>> 8)) & 0x0000_FFFF_0000_FFFFL;
        x = (x | (x >>> 16)) & 0x0000_0000_FFFF_FFFFL;
        return x;
    }
}
