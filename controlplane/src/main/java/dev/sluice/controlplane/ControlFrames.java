package dev.sluice.controlplane;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * Bounds checks for decoding control messages from untrusted frames: the generated SBE decoders trust
 * the lengths they read, so every length is checked here against the end of the frame first. Stateless.
 */
final class ControlFrames
{
    /**
     * Length of the length prefix of {@code varStringEncoding} and {@code varDataEncoding}.
     */
    static final int VAR_DATA_HEADER_LENGTH = 4;

    private static final int NOT_IN_FRAME = -1;

    private ControlFrames()
    {
    }

    /**
     * Where a variable length field that starts at {@code limit} ends, if it fits in the frame.
     *
     * @param buffer holding the frame.
     * @param limit  offset of the field's length prefix.
     * @param end    offset just past the frame.
     * @return offset just past the field's data, or -1 when the prefix or the data run past the frame.
     */
    static int varDataEnd(final DirectBuffer buffer, final int limit, final int end)
    {
        if (limit < 0 || limit > end - VAR_DATA_HEADER_LENGTH)
        {
            return NOT_IN_FRAME;
        }

        final long dataLength = buffer.getInt(limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        final long dataEnd = limit + (long)VAR_DATA_HEADER_LENGTH + dataLength;
        return dataEnd > end ? NOT_IN_FRAME : (int)dataEnd;
    }

    /**
     * Decode a NUL-padded fixed-length ASCII name such as a gateway id.
     *
     * @param buffer holding the field.
     * @param offset of the field.
     * @param length of the field in bytes.
     * @return the name up to the first NUL, or null when it holds a byte that is not printable ASCII.
     */
    static String printableAscii(final DirectBuffer buffer, final int offset, final int length)
    {
        int nameLength = 0;
        while (nameLength < length)
        {
            final byte b = buffer.getByte(offset + nameLength);
            if (0 == b)
            {
                break;
            }
            if (b < 0x20 || b > 0x7E)
            {
                return null;
            }
            nameLength++;
        }
        return buffer.getStringWithoutLengthAscii(offset, nameLength);
    }
}
