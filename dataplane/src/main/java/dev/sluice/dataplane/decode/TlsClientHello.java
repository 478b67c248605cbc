package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Finds the server name (SNI, RFC 6066) in a TLS ClientHello that starts a TCP payload:
 * <pre>
 *  record:    content type 22 (1) | version 3.x (2) | length (2)
 *  handshake: type 1 (1) | length (3) | client version (2) | random (32)
 *             | session id (1 + n) | cipher suites (2 + n) | compression methods (1 + n)
 *             | extensions length (2) | extensions: type (2), length (2), data
 *  server_name extension (type 0): list length (2) | name type 0 (1) | name length (2) | name
 * </pre>
 * Every length is checked against the record, the handshake message, the extension and the
 * captured bytes; a ClientHello that continues in the next TCP segment or record, or that is
 * inconsistent, simply has no server name here. Nothing is dropped for it: the payload of any
 * TCP port is inspected, so a payload that only looks like a record start must not cost the
 * packet.
 * <p>
 * Holds the result of the last {@link #find}; owned by one decoder, called only by its worker
 * thread.
 */
public final class TlsClientHello
{
    public static final int RECORD_HEADER_LENGTH = 5;
    public static final int HANDSHAKE_HEADER_LENGTH = 4;
    public static final int CONTENT_TYPE_HANDSHAKE = 22;
    public static final int HANDSHAKE_CLIENT_HELLO = 1;
    public static final int EXTENSION_SERVER_NAME = 0;
    public static final int NAME_TYPE_HOST_NAME = 0;

    private static final int VERSION_MAJOR = 3;
    private static final int CLIENT_VERSION_AND_RANDOM_LENGTH = 34;

    private int nameOffset;
    private int nameLength;

    /**
     * Looks for the server name in the TCP payload at {@code payload} (relative to {@code base}
     * in {@code segment}), of which the bytes before {@code end} are readable.
     *
     * @return true when a host name was found; then {@link #nameOffset()} and {@link #nameLength()} say where.
     */
    public boolean find(final MemorySegment segment, final long base, final int payload, final int end)
    {
        nameOffset = -1;
        nameLength = 0;
        if ((long)payload + RECORD_HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH > end ||
            u8(segment, base, payload) != CONTENT_TYPE_HANDSHAKE ||
            u8(segment, base, payload + 1) != VERSION_MAJOR ||
            u8(segment, base, payload + RECORD_HEADER_LENGTH) != HANDSHAKE_CLIENT_HELLO)
        {
            return false;
        }
        final int recordEnd = Math.min(end, payload + RECORD_HEADER_LENGTH + u16(segment, base, payload + 3));
        final int handshake = payload + RECORD_HEADER_LENGTH;
        final int handshakeLength = (u8(segment, base, handshake + 1) << 16) | u16(segment, base, handshake + 2);
        final int helloEnd = (int)Math.min(recordEnd, (long)handshake + HANDSHAKE_HEADER_LENGTH + handshakeLength);

        int position = handshake + HANDSHAKE_HEADER_LENGTH + CLIENT_VERSION_AND_RANDOM_LENGTH;
        if (position + 1 > helloEnd)
        {
            return false;
        }
        position += 1 + u8(segment, base, position);
        if (position + 2 > helloEnd)
        {
            return false;
        }
        position += 2 + u16(segment, base, position);
        if (position + 1 > helloEnd)
        {
            return false;
        }
        position += 1 + u8(segment, base, position);
        if (position + 2 > helloEnd)
        {
            return false;
        }
        final int extensionsEnd = Math.min(helloEnd, position + 2 + u16(segment, base, position));
        position += 2;
        while (position + 4 <= extensionsEnd)
        {
            final int type = u16(segment, base, position);
            final int length = u16(segment, base, position + 2);
            final int data = position + 4;
            if (data + length > extensionsEnd)
            {
                return false;
            }
            if (type == EXTENSION_SERVER_NAME)
            {
                return findHostName(segment, base, data, data + length);
            }
            position = data + length;
        }
        return false;
    }

    /** Offset of the server name from the packet start after a successful {@link #find}. */
    public int nameOffset()
    {
        return nameOffset;
    }

    public int nameLength()
    {
        return nameLength;
    }

    private boolean findHostName(final MemorySegment segment, final long base, final int data, final int end)
    {
        if (data + 2 > end)
        {
            return false;
        }
        final int listEnd = Math.min(end, data + 2 + u16(segment, base, data));
        int entry = data + 2;
        while (entry + 3 <= listEnd)
        {
            final int length = u16(segment, base, entry + 1);
            if (entry + 3 + length > listEnd)
            {
                return false;
            }
            if (u8(segment, base, entry) == NAME_TYPE_HOST_NAME)
            {
                nameOffset = entry + 3;
                nameLength = length;
                return true;
            }
            entry += 3 + length;
        }
        return false;
    }

    private static int u8(final MemorySegment segment, final long base, final int offset)
    {
        return segment.get(U8, base + offset) & 0xFF;
    }

    private static int u16(final MemorySegment segment, final long base, final int offset)
    {
        return segment.get(U16, base + offset) & 0xFFFF;
    }
}
