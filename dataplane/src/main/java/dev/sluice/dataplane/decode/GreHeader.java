package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;

/**
 * Flyweight over a GRE header: version 0 (RFC 2784 with the key and sequence number of
 * RFC 2890) and version 1, the enhanced GRE of PPTP (RFC 2637).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Checksum (if C or R)     |       Offset (if C or R)      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Key (if K; version 1: payload length, call id)       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Sequence Number (if S)                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Acknowledgment Number (version 1, if A)              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (R, routing present, belongs to the obsolete RFC 1701: source route entries follow)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MIN_LENGTH} first, and against {@link #headerLengthBytes()} before {@link #key()}.
 * Owned by one decoder, called only by its worker thread.
 */
public final class GreHeader
{
    public static final int FLAGS_VERSION_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 2;
    public static final int OPTIONAL_FIELDS_OFFSET = 4;
    public static final int MIN_LENGTH = 4;

    public static final int PROTOCOL_IPV4 = 0x0800;
    public static final int PROTOCOL_IPV6 = 0x86DD;
    /** Transparent Ethernet bridging: an Ethernet frame follows. */
    public static final int PROTOCOL_ETHERNET = 0x6558;
    /** ERSPAN type I (no ERSPAN header) or II. */
    public static final int PROTOCOL_ERSPAN_II = 0x88BE;
    public static final int PROTOCOL_ERSPAN_III = 0x22EB;
    /** PPP, as PPTP carries it. */
    public static final int PROTOCOL_PPP = 0x880B;

    private static final int CHECKSUM_PRESENT = 0x8000;
    private static final int ROUTING_PRESENT = 0x4000;
    private static final int KEY_PRESENT = 0x2000;
    private static final int SEQUENCE_PRESENT = 0x1000;
    private static final int ACKNOWLEDGMENT_PRESENT = 0x0080;
    private static final int VERSION_MASK = 0x0007;
    private static final int FIELD_LENGTH = 4;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public GreHeader wrap(final MemorySegment segment, final long offset, final int length)
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
        return flagsAndVersion() & VERSION_MASK;
    }

    public boolean checksumPresent()
    {
        return (flagsAndVersion() & CHECKSUM_PRESENT) != 0;
    }

    public boolean routingPresent()
    {
        return (flagsAndVersion() & ROUTING_PRESENT) != 0;
    }

    public boolean keyPresent()
    {
        return (flagsAndVersion() & KEY_PRESENT) != 0;
    }

    public boolean sequencePresent()
    {
        return (flagsAndVersion() & SEQUENCE_PRESENT) != 0;
    }

    /** Version 1 only: an acknowledgment number follows the sequence number. */
    public boolean acknowledgmentPresent()
    {
        return version() == 1 && (flagsAndVersion() & ACKNOWLEDGMENT_PRESENT) != 0;
    }

    /** The EtherType of the payload. */
    public int protocol()
    {
        return protocol(segment, offset);
    }

    /** The fixed word and the optional fields the flags announce (routing entries excluded). */
    public int headerLengthBytes()
    {
        int bytes = MIN_LENGTH;
        if (checksumPresent() || routingPresent())
        {
            bytes += FIELD_LENGTH;
        }
        if (keyPresent())
        {
            bytes += FIELD_LENGTH;
        }
        if (sequencePresent())
        {
            bytes += FIELD_LENGTH;
        }
        if (acknowledgmentPresent())
        {
            bytes += FIELD_LENGTH;
        }
        return bytes;
    }

    /** The key field (version 1: payload length in the high half, call id in the low); only when {@link #keyPresent()}. */
    public long key()
    {
        final int at = OPTIONAL_FIELDS_OFFSET + (checksumPresent() || routingPresent() ? FIELD_LENGTH : 0);
        return segment.get(U32, offset + at) & 0xFFFF_FFFFL;
    }

    /** The protocol type of the header at {@code offset}, for lazy readers that need no flyweight. */
    public static int protocol(final MemorySegment segment, final long offset)
    {
        return segment.get(U16, offset + PROTOCOL_OFFSET) & 0xFFFF;
    }

    private int flagsAndVersion()
    {
        return segment.get(U16, offset + FLAGS_VERSION_OFFSET) & 0xFFFF;
    }
}
