package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over a PPPoE session-stage header (EtherType 0x8864, RFC 2516) and the PPP
 * protocol field that starts its payload.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  VER  | TYPE  |      CODE     |          SESSION_ID           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            LENGTH             |         PPP protocol          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (LENGTH counts the payload: the PPP protocol field and what follows)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class PppoeHeader
{
    public static final int VERSION_TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int SESSION_ID_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int PPP_PROTOCOL_OFFSET = 6;
    /** The session header and the two-byte PPP protocol field. */
    public static final int LENGTH = 8;
    /** The session header alone. */
    public static final int SESSION_HEADER_LENGTH = 6;

    /** PPP protocol numbers that carry IP. */
    public static final int PPP_IPV4 = 0x0021;
    public static final int PPP_IPV6 = 0x0057;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public PppoeHeader wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Readable bytes from the start of the header. */
    public int length()
    {
        return length;
    }

    /** 1 for RFC 2516. */
    public int version()
    {
        return (segment.get(U8, offset + VERSION_TYPE_OFFSET) & 0xF0) >>> 4;
    }

    /** 1 for RFC 2516. */
    public int type()
    {
        return segment.get(U8, offset + VERSION_TYPE_OFFSET) & 0x0F;
    }

    /** 0 in the session stage. */
    public int code()
    {
        return segment.get(U8, offset + CODE_OFFSET) & 0xFF;
    }

    public int sessionId()
    {
        return segment.get(U16, offset + SESSION_ID_OFFSET) & 0xFFFF;
    }

    /** Bytes of payload after the 6-byte session header, the PPP protocol field included. */
    public int payloadLengthBytes()
    {
        return segment.get(U16, offset + LENGTH_OFFSET) & 0xFFFF;
    }

    public int pppProtocol()
    {
        return segment.get(U16, offset + PPP_PROTOCOL_OFFSET) & 0xFFFF;
    }
}
