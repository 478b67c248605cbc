package dev.sluice.regional;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Base64 encoding (RFC 4648 section 4: standard alphabet, with padding, no line breaks) from one
 * buffer into another without allocating.
 * <p>
 * Stateless; any thread.
 */
public final class Base64Ascii
{
    private static final byte[] ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
    private static final byte PAD = '=';

    private Base64Ascii()
    {
    }

    /**
     * Length of the encoding of some bytes.
     *
     * @param length bytes to encode.
     * @return encoded length in bytes.
     */
    public static long encodedLength(final long length)
    {
        return ((length + 2) / 3) * 4;
    }

    /**
     * Encodes bytes.
     *
     * @param src       the bytes.
     * @param srcOffset first byte.
     * @param length    how many.
     * @param dst       where to write; must have room for {@link #encodedLength(long)} bytes.
     * @param dstIndex  first byte to write.
     * @return bytes written.
     */
    public static int encode(
        final DirectBuffer src, final int srcOffset, final int length, final MutableDirectBuffer dst, final int dstIndex)
    {
        int in = srcOffset;
        int out = dstIndex;
        final int fullEnd = srcOffset + (length - length % 3);
        while (in < fullEnd)
        {
            final int bits = ((src.getByte(in) & 0xFF) << 16) |
                ((src.getByte(in + 1) & 0xFF) << 8) |
                (src.getByte(in + 2) & 0xFF);
            dst.putByte(out, ALPHABET[(bits >>> 18) & 0x3F]);
            dst.putByte(out + 1, ALPHABET[(bits >>> 12) & 0x3F]);
            dst.putByte(out + 2, ALPHABET[(bits >>> 6) & 0x3F]);
            dst.putByte(out + 3, ALPHABET[bits & 0x3F]);
            in += 3;
            out += 4;
        }

        final int remaining = length % 3;
        if (1 == remaining)
        {
            final int bits = (src.getByte(in) & 0xFF) << 16;
            dst.putByte(out, ALPHABET[(bits >>> 18) & 0x3F]);
            dst.putByte(out + 1, ALPHABET[(bits >>> 12) & 0x3F]);
            dst.putByte(out + 2, PAD);
            dst.putByte(out + 3, PAD);
            out += 4;
        }
        else if (2 == remaining)
        {
            final int bits = ((src.getByte(in) & 0xFF) << 16) | ((src.getByte(in + 1) & 0xFF) << 8);
            dst.putByte(out, ALPHABET[(bits >>> 18) & 0x3F]);
            dst.putByte(out + 1, ALPHABET[(bits >>> 12) & 0x3F]);
            dst.putByte(out + 2, ALPHABET[(bits >>> 6) & 0x3F]);
            dst.putByte(out + 3, PAD);
            out += 4;
        }

        return out - dstIndex;
    }
}
