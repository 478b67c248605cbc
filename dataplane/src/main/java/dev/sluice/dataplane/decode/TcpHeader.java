package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;
import static dev.sluice.dataplane.decode.NetworkByteOrder.U8;

/**
 * Flyweight over a TCP header (RFC 9293, NS bit from RFC 3540). Options are not interpreted;
 * {@link #dataOffsetBytes()} steps over them.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsv |S|W|C|R|C|S|S|Y|I|            Window             |
 *  |       |     | |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (data offset > 5)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against
 * {@link #MIN_LENGTH} first. Owned by one decoder, called only by its worker thread.
 */
public final class TcpHeader
{
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_FLAGS_OFFSET = 12;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int MIN_LENGTH = 20;

    public static final int FIN = 0x001;
    public static final int SYN = 0x002;
    public static final int RST = 0x004;
    public static final int PSH = 0x008;
    public static final int ACK = 0x010;
    public static final int URG = 0x020;
    public static final int ECE = 0x040;
    public static final int CWR = 0x080;
    public static final int NS = 0x100;
    /** The nine flag bits, NS to FIN. */
    public static final int FLAGS_MASK = 0x1FF;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a header starting at {@code offset} with {@code length} readable bytes. */
    public TcpHeader wrap(final MemorySegment segment, final long offset, final int length)
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

    public int sourcePort()
    {
        return segment.get(U16, offset + SOURCE_PORT_OFFSET) & 0xFFFF;
    }

    public int destinationPort()
    {
        return segment.get(U16, offset + DESTINATION_PORT_OFFSET) & 0xFFFF;
    }

    public long sequenceNumber()
    {
        return segment.get(U32, offset + SEQUENCE_OFFSET) & 0xFFFF_FFFFL;
    }

    public long acknowledgmentNumber()
    {
        return segment.get(U32, offset + ACKNOWLEDGMENT_OFFSET) & 0xFFFF_FFFFL;
    }

    /** Header length in bytes, options included; at least 20 in a valid header. */
    public int dataOffsetBytes()
    {
        return ((segment.get(U8, offset + DATA_OFFSET_FLAGS_OFFSET) & 0xF0) >>> 4) * 4;
    }

    /** NS CWR ECE URG ACK PSH RST SYN FIN in the low 9 bits. */
    public int flags()
    {
        return segment.get(U16, offset + DATA_OFFSET_FLAGS_OFFSET) & FLAGS_MASK;
    }

    public int window()
    {
        return segment.get(U16, offset + WINDOW_OFFSET) & 0xFFFF;
    }

    public int checksum()
    {
        return segment.get(U16, offset + CHECKSUM_OFFSET) & 0xFFFF;
    }

    public int urgentPointer()
    {
        return segment.get(U16, offset + URGENT_POINTER_OFFSET) & 0xFFFF;
    }

    /**
     * Whether the options from {@code firstOption} to {@code headerEnd} (offsets from {@code base})
     * are well formed, walked like IPv4 options but only up to {@code limit} (where the IP payload
     * or the captured bytes end): an option whose length runs past the header, or a length below 2,
     * is malformed; one cut by {@code limit} is not judged. Kind 0 ends the list, kind 1 is one byte.
     */
    public static boolean optionsWellFormed(
        final MemorySegment segment, final long base, final int firstOption, final int headerEnd, final int limit)
    {
        final int readable = Math.min(headerEnd, limit);
        int option = firstOption;
        while (option < readable)
        {
            final int kind = segment.get(U8, base + option) & 0xFF;
            if (kind == OPTION_END)
            {
                return true;
            }
            if (kind == OPTION_NOP)
            {
                option++;
                continue;
            }
            if (option + 2 > headerEnd)
            {
                return false;
            }
            if (option + 2 > readable)
            {
                return true;
            }
            final int length = segment.get(U8, base + option + 1) & 0xFF;
            if (length < 2 || option + length > headerEnd)
            {
                return false;
            }
            option += length;
        }
        return true;
    }
}
