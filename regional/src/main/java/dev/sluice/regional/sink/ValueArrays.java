package dev.sluice.regional.sink;

/**
 * Byte arrays to hand records to a Kafka producer in. The producer takes a {@code byte[]} of
 * exactly the record's length and copies it into its own batch buffer before {@code send} returns,
 * keeping no reference, so one array per length serves every record of that length. Records longer
 * than {@link #MAX_CACHED_LENGTH} get a new array each.
 * <p>
 * The sink's thread only.
 */
final class ValueArrays
{
    /**
     * Longest record length kept an array for: NDJSON lines of packets, flows and events are a few
     * hundred bytes, so this covers them with at most 8 MiB of arrays; frames with their bytes may
     * be longer.
     */
    static final int MAX_CACHED_LENGTH = 4096;

    private final byte[][] arrays = new byte[MAX_CACHED_LENGTH + 1][];

    /**
     * An array of exactly a length, reused for the next record of that length.
     *
     * @param length bytes.
     * @return the array.
     */
    byte[] get(final int length)
    {
        if (length > MAX_CACHED_LENGTH)
        {
            return new byte[length];
        }

        byte[] array = arrays[length];
        if (null == array)
        {
            array = new byte[length];
            arrays[length] = array;
        }
        return array;
    }
}
