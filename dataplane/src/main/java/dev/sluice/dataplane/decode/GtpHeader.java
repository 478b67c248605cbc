package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over a GTPv1-U header (UDP port 2152, 3GPP TS 29.281). When any of E, S or PN is
 * set, the optional word follows; when E is set, extension headers follow it, each a multiple
 * of 4 bytes whose first byte is its length in 4-byte units and whose last byte is the type of
 * the next one (0: none).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Ver |P|R|E|S|N| Message Type  |            Length             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Tunnel Endpoint Identifier                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Sequence Number (optional)   | N-PDU Number  |Next Ext. Type |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (Ver: 1; P: protocol type, 1 for GTP and 0 for GTP'; Length: bytes after the first 8)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MANDATORY_LENGTH} first, and against {@link #OPTIONAL_LENGTH} before
 * {@link #nextExtensionType()}. Owned by one decoder, called only by its worker thread.
 */
public final class GtpHeader
{
    public static final int FLAGS_OFFSET = 0;
    public static final int MESSAGE_TYPE_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int TEID_OFFSET = 4;
    public static final int NEXT_EXTENSION_TYPE_OFFSET = 11;
    public static final int MANDATORY_LENGTH = 8;
    /** Mandatory part and the optional word. */
    public static final int OPTIONAL_LENGTH = 12;

    /** Message type of a G-PDU: user data, an IP packet follows. */
    public static final int MESSAGE_TYPE_G_PDU = 0xFF;

    private static final int PROTOCOL_TYPE_GTP = 0x10;
    private static final int EXTENSION_HEADER_FLAG = 0x04;
    private static final int OPTIONAL_FIELDS_FLAGS = 0x07;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public GtpHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    public int version()
    {
        return (flags() & 0xE0) >>> 5;
    }

    /** True for GTP, false for GTP' (charging). */
    public boolean isGtp()
    {
        return (flags() & PROTOCOL_TYPE_GTP) != 0;
    }

    /** True when the optional word (sequence number, N-PDU number, next extension type) is present. */
    public boolean optionalFieldsPresent()
    {
        return (flags() & OPTIONAL_FIELDS_FLAGS) != 0;
    }

    public boolean extensionHeaderPresent()
    {
        return (flags() & EXTENSION_HEADER_FLAG) != 0;
    }

    public int messageType()
    {
        return segment.get(U8, offset + MESSAGE_TYPE_OFFSET) & 0xFF;
    }

    /** Bytes after the mandatory 8: optional word, extension headers and payload. */
    public int lengthBytes()
    {
        return segment.get(U16, offset + LENGTH_OFFSET) & 0xFFFF;
    }

    public long teid()
    {
        return teid(segment, offset);
    }

    /** Type of the first extension header; only when {@link #optionalFieldsPresent()}. */
    public int nextExtensionType()
    {
        return segment.get(U8, offset + NEXT_EXTENSION_TYPE_OFFSET) & 0xFF;
    }

    /** The TEID of the header at {@code offset}, for lazy readers that need no flyweight. */
    public static long teid(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset + TEID_OFFSET) & 0xFFFF_FFFFL;
    }

    private int flags()
    {
        return segment.get(U8, offset + FLAGS_OFFSET) & 0xFF;
    }
}
