package dev.sluice.dataplane.decode.event.can;

/**
 * Where a DBC signal's bits lie, and how to read them from a payload in one or two loads.
 * <p>
 * DBC numbers bits as {@code 8 * byte + bit}, bit 0 the least significant bit of its byte.
 * An Intel ({@code @1}) signal starts at its least significant bit and grows upward through
 * the bytes as a little-endian integer. A Motorola ({@code @0}) signal starts at its most
 * significant bit and continues to the lower bits of that byte, then the top of the next byte:
 * in the payload read as one big-endian bit string (bit 0 = the top of byte 0) it is
 * contiguous, starting at {@code 8 * byte + 7 - bit}.
 * <pre>
 *   byte         0                 1
 *   DBC bit   7 6 5 4 3 2 1 0  15 14 13 12 11 10 9 8
 *   Intel 8|12@1:   . . . . . . . .  x  x  x  x  x  x x x   then bits 16-19 of byte 2
 *   Motorola 3|12@0:        x x x x   x  x  x  x  x  x x x   (msb = bit 3 of byte 0)
 * </pre>
 * Static helpers; any thread.
 */
final class CanSignalLayout
{
    /** Bytes after a payload that a load may touch: a 64-bit load from the last byte, plus the ninth byte. */
    static final int LOAD_SLACK_BYTES = 9;

    private CanSignalLayout()
    {
    }

    /**
     * @return the byte holding the signal's start bit: the first byte of its load.
     */
    static int firstByte(final int startBit)
    {
        return startBit >>> 3;
    }

    /**
     * @return Intel: how far the signal's least significant bit lies above bit 0 of the little-endian load;
     * Motorola: how far its most significant bit lies below the top of the big-endian load.
     */
    static int shift(final int startBit, final boolean littleEndian)
    {
        return littleEndian ? startBit & 7 : 7 - (startBit & 7);
    }

    /**
     * @return the last payload byte the signal touches (negative never: callers check the range).
     */
    static int lastByte(final int startBit, final int length, final boolean littleEndian)
    {
        final int first = littleEndian ? startBit : (startBit & ~7) + 7 - (startBit & 7);
        return (first + length - 1) >>> 3;
    }

    /**
     * Reads a signal's raw bits, unsigned.
     *
     * @param payload      the payload, followed by at least {@link #LOAD_SLACK_BYTES} readable bytes.
     * @param firstByte    {@link #firstByte}.
     * @param shift        {@link #shift}.
     * @param length       1 to 64 bits.
     * @param littleEndian Intel when true.
     * @return the raw value in the low {@code length} bits.
     */
    static long extract(final byte[] payload, final int firstByte, final int shift, final int length, final boolean littleEndian)
    {
        if (littleEndian)
        {
            long raw = loadLittleEndian(payload, firstByte) >>> shift;
            if (shift + length > Long.SIZE)
            {
                raw |= (long)(payload[firstByte + 8] & 0xFF) << (Long.SIZE - shift);
            }
            return length == Long.SIZE ? raw : raw & ((1L << length) - 1);
        }
        long raw = (loadBigEndian(payload, firstByte) << shift) >>> (Long.SIZE - length);
        final int spill = shift + length - Long.SIZE;
        if (spill > 0)
        {
            raw |= (payload[firstByte + 8] & 0xFF) >>> (Byte.SIZE - spill);
        }
        return raw;
    }

    private static long loadLittleEndian(final byte[] bytes, final int index)
    {
        return (bytes[index] & 0xFFL) |
            (bytes[index + 1] & 0xFFL) << 8 |
            (bytes[index + 2] & 0xFFL) << 16 |
            (bytes[index + 3] & 0xFFL) << 24 |
            (bytes[index + 4] & 0xFFL) << 32 |
            (bytes[index + 5] & 0xFFL) << 40 |
            (bytes[index + 6] & 0xFFL) << 48 |
            (bytes[index + 7] & 0xFFL) << 56;
    }

    private static long loadBigEndian(final byte[] bytes, final int index)
    {
        return (bytes[index] & 0xFFL) << 56 |
            (bytes[index + 1] & 0xFFL) << 48 |
            (bytes[index + 2] & 0xFFL) << 40 |
            (bytes[index + 3] & 0xFFL) << 32 |
            (bytes[index + 4] & 0xFFL) << 24 |
            (bytes[index + 5] & 0xFFL) << 16 |
            (bytes[index + 6] & 0xFFL) << 8 |
            (bytes[index + 7] & 0xFFL);
    }
}
