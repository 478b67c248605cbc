package dev.sluice.dataplane.decode.event.json;

import java.nio.charset.StandardCharsets;

/**
 * A field path into a JSON document, compiled once off the data path so that
 * {@link JsonParser#find(JsonPath)} looks it up without allocating.
 * <p>
 * Syntax: segments separated by {@code .}, the same spelling as the policy language's field
 * names without their {@code json.} prefix ({@link #ofFieldName} strips it):
 * {@code vehicle.speed}, {@code fixes.0.lat}. A segment made only of digits (no leading zero
 * unless it is {@code 0}) is an array index when the value it applies to is an array, and an
 * object key when that value is an object (JSON objects may have a key {@code "0"}). The
 * policy language's words are letters, digits, {@code _ . : /}, so keys with other characters
 * (a {@code -}, a space) or with a {@code .} cannot be named from a policy; this class accepts
 * any character but {@code .} in a segment.
 * <p>
 * Immutable; any thread.
 */
public final class JsonPath
{
    /** The policy language's prefix of JSON field names. */
    public static final String FIELD_PREFIX = "json.";

    /** The longest segment, in UTF-8 bytes: bounds the scratch space a lookup needs for escaped keys. */
    public static final int MAX_SEGMENT_BYTES = 256;

    /** The most segments in a path. */
    public static final int MAX_SEGMENTS = 64;

    /** {@link #index} of a segment that is not a valid array index. */
    public static final int NOT_AN_INDEX = -1;

    private final String text;
    private final byte[][] keys;
    private final int[] indexes;

    private JsonPath(final String text, final byte[][] keys, final int[] indexes)
    {
        this.text = text;
        this.keys = keys;
        this.indexes = indexes;
    }

    /**
     * @param path segments separated by dots, e.g. {@code vehicle.speed} or {@code fixes.0.lat}.
     * @return the compiled path.
     * @throws IllegalArgumentException when the path is empty, has an empty segment, or exceeds the limits.
     */
    public static JsonPath compile(final String path)
    {
        if (path.isEmpty())
        {
            throw new IllegalArgumentException("empty JSON path: name at least one key, e.g. vehicle.speed");
        }
        final String[] parts = path.split("\\.", -1);
        if (parts.length > MAX_SEGMENTS)
        {
            throw new IllegalArgumentException("JSON path '" + path + "' has " + parts.length +
                " segments; at most " + MAX_SEGMENTS + " are supported");
        }
        final byte[][] keys = new byte[parts.length][];
        final int[] indexes = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            final String part = parts[i];
            if (part.isEmpty())
            {
                throw new IllegalArgumentException("JSON path '" + path + "' has an empty segment (two dots, or a dot at an end)");
            }
            keys[i] = part.getBytes(StandardCharsets.UTF_8);
            if (keys[i].length > MAX_SEGMENT_BYTES)
            {
                throw new IllegalArgumentException("JSON path segment '" + part + "' is longer than " +
                    MAX_SEGMENT_BYTES + " bytes");
            }
            indexes[i] = index(part);
        }
        return new JsonPath(path, keys, indexes);
    }

    /**
     * @param fieldName a policy field name such as {@code json.vehicle.speed}.
     * @return the path after the {@code json.} prefix.
     * @throws IllegalArgumentException when the name does not start with {@code json.}.
     */
    public static JsonPath ofFieldName(final String fieldName)
    {
        if (!fieldName.startsWith(FIELD_PREFIX))
        {
            throw new IllegalArgumentException("'" + fieldName + "' is not a JSON field: JSON fields are named json.<path>");
        }
        return compile(fieldName.substring(FIELD_PREFIX.length()));
    }

    private static int index(final String part)
    {
        if (part.length() > 9 || (part.length() > 1 && part.charAt(0) == '0'))
        {
            return NOT_AN_INDEX;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++)
        {
            final char c = part.charAt(i);
            if (c < '0' || c > '9')
            {
                return NOT_AN_INDEX;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * @return how many segments the path has.
     */
    public int length()
    {
        return keys.length;
    }

    /**
     * @param segment a segment's position.
     * @return its UTF-8 bytes, as an object key; do not modify.
     */
    byte[] key(final int segment)
    {
        return keys[segment];
    }

    /**
     * @param segment a segment's position.
     * @return the array index it names, or {@link #NOT_AN_INDEX}.
     */
    public int index(final int segment)
    {
        return indexes[segment];
    }

    @Override
    public String toString()
    {
        return text;
    }
}
