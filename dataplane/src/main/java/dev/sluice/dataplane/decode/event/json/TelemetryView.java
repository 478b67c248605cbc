package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventText;

import java.nio.charset.StandardCharsets;

/**
 * Vehicle telemetry read from a parsed JSON document: maps the spellings fleets and GNSS
 * daemons use to canonical fields, validates them, and counts what is invalid. Allocation-free
 * after construction (except {@link #visitFields}); one worker thread, like its parser.
 * <p>
 * <table>
 *   <caption>Canonical fields</caption>
 *   <tr><th>field</th><th>spellings (key)</th><th>accepted</th></tr>
 *   <tr><td>{@code vehicle.lat}</td><td>lat, latitude</td><td>number in [-90, 90]</td></tr>
 *   <tr><td>{@code vehicle.lon}</td><td>lon, lng, longitude</td><td>number in [-180, 180]</td></tr>
 *   <tr><td>{@code vehicle.speed}</td><td>speed</td><td>finite number &gt;= 0, as sent (gpsd: m/s)</td></tr>
 *   <tr><td>{@code vehicle.heading}</td><td>heading, course, track</td><td>number in [0, 360]</td></tr>
 *   <tr><td>{@code vehicle.vin}</td><td>vin</td><td>string of 17 of {@code 0-9 A-Z} without I, O, Q
 *       (ISO 3779; the check digit is North American only, so it is not checked)</td></tr>
 *   <tr><td>{@code vehicle.driver_id}</td><td>driver_id, driverId</td><td>non-empty string, or integer</td></tr>
 *   <tr><td>{@code vehicle.time}</td><td>time, timestamp</td><td>ISO 8601 / RFC 3339 string
 *       {@code YYYY-MM-DD[T ]hh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)}, or a number of epoch seconds
 *       (below 10^11) or milliseconds (from 10^11); reported as epoch milliseconds</td></tr>
 * </table>
 * Keys are looked up in the top-level object, then in objects one level down named
 * {@code position}, {@code location}, {@code gps} or {@code vehicle} (the top level wins; among
 * spellings, the first in the table). A gpsd TPV report ({@code "class":"TPV"}) maps as it is:
 * {@code lat}, {@code lon}, {@code speed}, {@code track}, {@code time}. A value of the wrong
 * type or out of range is left out and counted under its field's reason
 * ({@code lat_invalid}, ...); {@code null} counts as absent.
 */
public final class TelemetryView
{
    public static final int LAT = 0;
    public static final int LON = 1;
    public static final int SPEED = 2;
    public static final int HEADING = 3;
    public static final int VIN = 4;
    public static final int DRIVER_ID = 5;
    public static final int TIME = 6;
    public static final int FIELD_COUNT = 7;

    /** Canonical field names, by field. */
    public static final String[] FIELD_NAMES = {
        "vehicle.lat", "vehicle.lon", "vehicle.speed", "vehicle.heading", "vehicle.vin", "vehicle.driver_id", "vehicle.time"};

    /** The counted reason of an invalid value, by field. */
    public static final String[] INVALID_REASONS = {
        "lat_invalid", "lon_invalid", "speed_invalid", "heading_invalid", "vin_invalid", "driver_id_invalid", "time_invalid"};

    /** Returned by {@link #timeMillis()} when there is no valid time. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private static final int VIN_LENGTH = 17;
    private static final double MILLIS_THRESHOLD = 1e11;
    private static final long MILLIS_PER_SECOND = 1000;

    private static final byte[][] SPELLINGS = utf8(
        "lat", "latitude", "lon", "lng", "longitude", "speed", "heading", "course", "track", "vin",
        "driver_id", "driverId", "time", "timestamp");
    private static final int[] SPELLING_FIELDS = {
        LAT, LAT, LON, LON, LON, SPEED, HEADING, HEADING, HEADING, VIN, DRIVER_ID, DRIVER_ID, TIME, TIME};
    private static final byte[][] NESTED = utf8("position", "location", "gps", "vehicle");

    private final int[] tokens = new int[FIELD_COUNT];
    private final int[] spellingRanks = new int[FIELD_COUNT];
    private final long[] invalidCounts = new long[FIELD_COUNT];
    private JsonParser json;
    private int invalidFields;
    private long timeMillis;

    /**
     * Maps the fields of the document {@code json} last accepted. Invalid values are counted
     * and left out.
     *
     * @param json a parser whose last parse succeeded.
     * @return true when no mapped value was invalid.
     */
    public boolean wrap(final JsonParser json)
    {
        this.json = json;
        for (int i = 0; i < FIELD_COUNT; i++)
        {
            tokens[i] = -1;
            spellingRanks[i] = Integer.MAX_VALUE;
        }
        invalidFields = 0;
        timeMillis = NO_TIME;
        if (json.tokenCount() == 0 || json.kind(0) != JsonParser.OBJECT)
        {
            return true;
        }
        scan(0, 0);
        // Nested objects only fill what the top level left out.
        int topLevel = 0;
        for (int field = 0; field < FIELD_COUNT; field++)
        {
            topLevel |= tokens[field] >= 0 ? 1 << field : 0;
        }
        final int end = json.next(0);
        for (int key = 1; key < end; key = json.next(key + 1))
        {
            if (json.kind(key + 1) == JsonParser.OBJECT && matchesAny(key, NESTED))
            {
                scan(key + 1, topLevel);
            }
        }
        for (int field = 0; field < FIELD_COUNT; field++)
        {
            final int token = tokens[field];
            if (token >= 0 && json.kind(token) != JsonParser.NULL && !valid(field, token))
            {
                tokens[field] = -1;
                invalidFields |= 1 << field;
                invalidCounts[field]++;
            }
            else if (token >= 0 && json.kind(token) == JsonParser.NULL)
            {
                tokens[field] = -1;
            }
        }
        return invalidFields == 0;
    }

    /** Maps the members of one object; a field the top level set ({@code keep}) stays as it is. */
    private void scan(final int object, final int keep)
    {
        final int end = json.next(object);
        for (int key = object + 1; key < end; key = json.next(key + 1))
        {
            for (int spelling = 0; spelling < SPELLINGS.length; spelling++)
            {
                final int field = SPELLING_FIELDS[spelling];
                // <=: a later duplicate of the same key wins, as in JsonParser.find.
                if ((keep & (1 << field)) == 0 && spelling <= spellingRanks[field] && json.textEquals(key, SPELLINGS[spelling]))
                {
                    tokens[field] = key + 1;
                    spellingRanks[field] = spelling;
                    break;
                }
            }
        }
    }

    private boolean matchesAny(final int key, final byte[][] names)
    {
        for (final byte[] name : names)
        {
            if (json.textEquals(key, name))
            {
                return true;
            }
        }
        return false;
    }

    private boolean valid(final int field, final int token)
    {
        final int kind = json.kind(token);
        final boolean number = kind == JsonParser.INTEGER || kind == JsonParser.DECIMAL;
        return switch (field)
        {
            case LAT -> number && within(json.decimal(token), -90, 90);
            case LON -> number && within(json.decimal(token), -180, 180);
            case SPEED -> number && within(json.decimal(token), 0, Double.MAX_VALUE);
            case HEADING -> number && within(json.decimal(token), 0, 360);
            case VIN -> kind == JsonParser.STRING && validVin(token);
            case DRIVER_ID -> kind == JsonParser.INTEGER || kind == JsonParser.STRING && json.end(token) > json.start(token);
            default -> validTime(token, kind, number);
        };
    }

    private static boolean within(final double value, final double low, final double high)
    {
        return value >= low && value <= high;
    }

    private boolean validVin(final int token)
    {
        final int start = json.start(token);
        if (json.escaped(token) || json.end(token) - start != VIN_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < VIN_LENGTH; i++)
        {
            final byte c = json.at(start + i);
            final boolean digit = c >= '0' && c <= '9';
            final boolean letter = c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q';
            if (!digit && !letter)
            {
                return false;
            }
        }
        return true;
    }

    private boolean validTime(final int token, final int kind, final boolean number)
    {
        if (number)
        {
            final double value = json.decimal(token);
            if (!(value >= 0 && value < 1e15))
            {
                return false;
            }
            timeMillis = value < MILLIS_THRESHOLD ? (long)(value * MILLIS_PER_SECOND) : (long)value;
            return true;
        }
        if (kind != JsonParser.STRING || json.escaped(token))
        {
            return false;
        }
        timeMillis = Rfc3339.epochMillis(json, json.start(token), json.end(token));
        return timeMillis != NO_TIME;
    }

    /**
     * @param field a field ({@link #LAT} ...).
     * @return true when the document has a valid value for it.
     */
    public boolean has(final int field)
    {
        return tokens[field] >= 0;
    }

    /**
     * @param field a field.
     * @return the JSON token holding its valid value, or -1.
     */
    public int token(final int field)
    {
        return tokens[field];
    }

    /**
     * @return a bit per field ({@code 1 << LAT} ...) whose value the last document had but was invalid.
     */
    public int invalidFields()
    {
        return invalidFields;
    }

    /**
     * @return the reason of the first invalid field of the last document, or null when none was.
     */
    public String firstInvalidReason()
    {
        return invalidFields == 0 ? null : INVALID_REASONS[Integer.numberOfTrailingZeros(invalidFields)];
    }

    /**
     * @param field a field.
     * @return how many documents since construction had an invalid value for it.
     */
    public long invalidCount(final int field)
    {
        return invalidCounts[field];
    }

    /** @return latitude in degrees, or NaN when absent. */
    public double lat()
    {
        return number(LAT);
    }

    /** @return longitude in degrees, or NaN when absent. */
    public double lon()
    {
        return number(LON);
    }

    /** @return speed as sent, or NaN when absent. */
    public double speed()
    {
        return number(SPEED);
    }

    /** @return heading in degrees, or NaN when absent. */
    public double heading()
    {
        return number(HEADING);
    }

    private double number(final int field)
    {
        final int token = tokens[field];
        return token < 0 ? Double.NaN : json.decimal(token);
    }

    /**
     * @param out receives the VIN.
     * @return {@code out}, empty when absent.
     */
    public EventText vin(final EventText out)
    {
        return text(VIN, out);
    }

    /**
     * @param out receives the driver id (an integer as its digits).
     * @return {@code out}, empty when absent.
     */
    public EventText driverId(final EventText out)
    {
        return text(DRIVER_ID, out);
    }

    private EventText text(final int field, final EventText out)
    {
        final int token = tokens[field];
        return token < 0 ? out.clear() : json.text(token, out);
    }

    /**
     * @return the time in milliseconds since 1970-01-01T00:00:00Z, or {@link #NO_TIME}.
     */
    public long timeMillis()
    {
        return timeMillis;
    }

    /**
     * Reports the valid canonical fields: coordinates, speed and heading as decimals, VIN as
     * text, driver id as text or integer, time as integer epoch milliseconds. For tools.
     *
     * @param visitor receives the fields.
     */
    public void visitFields(final EventFieldVisitor visitor)
    {
        for (int field = 0; field < FIELD_COUNT; field++)
        {
            final int token = tokens[field];
            if (token < 0)
            {
                continue;
            }
            final String name = FIELD_NAMES[field];
            switch (field)
            {
                case LAT, LON, SPEED, HEADING -> visitor.decimal(name, json.decimal(token));
                case TIME -> visitor.integer(name, timeMillis);
                case DRIVER_ID ->
                {
                    if (json.kind(token) == JsonParser.INTEGER)
                    {
                        visitor.integer(name, json.integer(token));
                    }
                    else
                    {
                        visitor.text(name, json.text(token, new EventText(json.end(token) - json.start(token))));
                    }
                }
                default -> visitor.text(name, json.text(token, new EventText(VIN_LENGTH)));
            }
        }
    }

    private static byte[][] utf8(final String... names)
    {
        final byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
