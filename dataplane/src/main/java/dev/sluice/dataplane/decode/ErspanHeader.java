package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over an ERSPAN header inside GRE (draft-foschiano-erspan): type II (GRE protocol
 * 0x88BE with a sequence number, 8 bytes) and type III (0x22EB, 12 bytes, plus an 8-byte
 * platform-specific subheader when O is set). Type I (0x88BE without a sequence number) has
 * no header: the mirrored frame follows GRE directly.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Ver  |          VLAN         | COS |En/BSO|T|   Session ID   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | type II: Reserved, Index      | type III: Timestamp           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | type III only:     SGT        |P|    FT   |   Hw ID   |D|Gra|O|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (Ver: 1 for type II, 2 for type III; session id 10 bits)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #TYPE_II_LENGTH} or {@link #TYPE_III_LENGTH} first. Owned by one decoder, called only
 * by its worker thread.
 */
public final class ErspanHeader
{
    public static final int VERSION_VLAN_OFFSET = 0;
    public static final int SESSION_OFFSET = 2;
    public static final int TYPE_III_FLAGS_OFFSET = 11;
    public static final int TYPE_II_LENGTH = 8;
    public static final int TYPE_III_LENGTH = 12;
    public static final int PLATFORM_SUBHEADER_LENGTH = 8;

    private static final int SESSION_ID_MASK = 0x03FF;
    private static final int PLATFORM_SUBHEADER_PRESENT = 0x01;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public ErspanHeader wrap(final MemorySegment segment, final long offset, final int length)
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
        return (segment.get(U8, offset + VERSION_VLAN_OFFSET) & 0xF0) >>> 4;
    }

    /** VLAN of the mirrored frame's source port. */
    public int vlan()
    {
        return segment.get(U16, offset + VERSION_VLAN_OFFSET) & 0x0FFF;
    }

    public int sessionId()
    {
        return segment.get(U16, offset + SESSION_OFFSET) & SESSION_ID_MASK;
    }

    /** Type III only: the 8-byte platform-specific subheader follows. */
    public boolean platformSubheaderPresent()
    {
        return (segment.get(U8, offset + TYPE_III_FLAGS_OFFSET) & PLATFORM_SUBHEADER_PRESENT) != 0;
    }
}
