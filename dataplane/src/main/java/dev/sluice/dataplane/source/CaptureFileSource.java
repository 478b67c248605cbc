package dev.sluice.dataplane.source;

import dev.sluice.dataplane.pipeline.PacketBurst;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Replays a pcap or pcapng capture file: the whole file is mapped once as one
 * {@link MemorySegment} and every descriptor handed out points into that mapping, so packet
 * bytes are never copied.
 * <p>
 * Formats read:
 * <ul>
 *   <li>pcap with microsecond ({@code a1b2c3d4}) or nanosecond ({@code a1b23c4d}) timestamps,
 *       in either byte order;</li>
 *   <li>pcapng: any number of sections, each in its own byte order; interface description
 *       blocks (link type, {@code if_tsresol} in powers of 10 or 2, default microseconds,
 *       {@code if_tsoffset}); enhanced, simple and obsolete packet blocks. Every other block
 *       type is skipped. A simple packet block carries no timestamp, so it gets the timestamp of
 *       the packet before it in the file (0 when it is the first), which keeps time monotonic
 *       for windows downstream; its captured length is its wire length cut to the first
 *       interface's snapshot length, as the format defines.</li>
 * </ul>
 * Timestamps become epoch nanoseconds (saturating at {@link Long#MAX_VALUE} for resolutions
 * that overflow). The pcap header's {@code thiszone} is ignored (every writer in use sets it
 * to 0) and FCS bits of its link type field are masked off.
 * <p>
 * A file that is not a capture fails at {@link #open(Path)} with an {@link IOException}
 * naming the file and what it found. A capture that is corrupt or cut short later never
 * throws from {@link #poll(PacketBurst)}: the source hands out every record before the damage,
 * then reports itself exhausted, with {@link #problem()}, {@link #problemOffsetBytes()} and
 * {@link #packetsRead()} saying what happened and where.
 * <p>
 * Called only by the worker thread that owns it; {@link #open(Path)} may run on another
 * thread before the source is handed over.
 */
public final class CaptureFileSource implements PacketSource
{
    /** Largest captured length accepted in one record: libpcap's {@code MAXIMUM_SNAPLEN}. */
    public static final int MAX_CAPTURED_LENGTH = 262_144;

    static final int PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
    static final int PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
    static final int PCAP_FILE_HEADER_LENGTH = 24;
    static final int PCAP_LINK_TYPE_OFFSET = 20;
    static final int PCAP_RECORD_HEADER_LENGTH = 16;

    static final int PCAPNG_SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    static final int PCAPNG_INTERFACE_DESCRIPTION_BLOCK = 1;
    static final int PCAPNG_OBSOLETE_PACKET_BLOCK = 2;
    static final int PCAPNG_SIMPLE_PACKET_BLOCK = 3;
    static final int PCAPNG_ENHANCED_PACKET_BLOCK = 6;
    static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int PCAPNG_BLOCK_MIN_LENGTH = 12;
    static final int PCAPNG_SECTION_HEADER_MIN_LENGTH = 28;
    static final int PCAPNG_INTERFACE_DESCRIPTION_MIN_LENGTH = 20;
    static final int PCAPNG_PACKET_BLOCK_MIN_LENGTH = 32;
    static final int PCAPNG_SIMPLE_PACKET_BLOCK_MIN_LENGTH = 16;
    static final int PCAPNG_OPTION_END = 0;
    static final int PCAPNG_OPTION_IF_TSRESOL = 9;
    static final int PCAPNG_OPTION_IF_TSOFFSET = 14;
    static final int PCAPNG_DEFAULT_TSRESOL = 6;

    private static final int GZIP_MAGIC_LE = 0x8b1f;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int INITIAL_INTERFACES = 4;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** How a pcapng interface's timestamp ticks become nanoseconds. */
    private static final byte TICKS_MULTIPLY = 0;
    private static final byte TICKS_DIVIDE = 1;
    private static final byte TICKS_BINARY_SHIFT = 2;
    private static final byte TICKS_BELOW_NANOSECOND = 3;

    private final String name;
    private final Arena arena;
    private final MemorySegment capture;
    private final long sizeBytes;
    private final boolean pcapng;
    private final boolean initialBigEndian;
    private final long firstRecordOffset;

    // pcap: fixed for the whole file
    private final int pcapLinkType;
    private final long pcapFractionToNanos;

    // pcapng: per section
    private boolean bigEndian;
    private int interfaceCount;
    private int[] interfaceLinkType = new int[INITIAL_INTERFACES];
    private long[] interfaceSnapLength = new long[INITIAL_INTERFACES];
    private byte[] interfaceTicksMode = new byte[INITIAL_INTERFACES];
    private long[] interfaceTicksFactor = new long[INITIAL_INTERFACES];
    private long[] interfaceOffsetNs = new long[INITIAL_INTERFACES];

    private long positionBytes;
    private long lastTimestampNs;
    private long packetsRead;
    private boolean exhausted;
    private boolean closed;
    private String problem;
    private long problemOffsetBytes = -1;

    private CaptureFileSource(final String name, final String origin, final Arena arena, final MemorySegment capture)
        throws IOException
    {
        this.name = name;
        this.arena = arena;
        this.capture = capture;
        this.sizeBytes = capture.byteSize();

        if (sizeBytes < 4)
        {
            throw new IOException(origin + " is not a pcap or pcapng capture: it is only " + sizeBytes + " bytes long");
        }
        final int magic = capture.get(INT_LE, 0);
        if (magic == PCAPNG_SECTION_HEADER_BLOCK)
        {
            if (sizeBytes < PCAPNG_BLOCK_MIN_LENGTH)
            {
                throw new IOException(origin + ": pcapng section header cut short: " + sizeBytes + " of " +
                    PCAPNG_BLOCK_MIN_LENGTH + " bytes");
            }
            final int byteOrderMagic = capture.get(INT_LE, 8);
            if (byteOrderMagic != PCAPNG_BYTE_ORDER_MAGIC && byteOrderMagic != Integer.reverseBytes(PCAPNG_BYTE_ORDER_MAGIC))
            {
                throw new IOException(origin + " is not a pcapng capture: byte-order magic is " + hex(byteOrderMagic) +
                    ", expected 1a2b3c4d in either byte order");
            }
            pcapng = true;
            initialBigEndian = byteOrderMagic != PCAPNG_BYTE_ORDER_MAGIC;
            firstRecordOffset = 0;
            pcapLinkType = 0;
            pcapFractionToNanos = 0;
        }
        else
        {
            final boolean nanoseconds;
            if (magic == PCAP_MAGIC_MICROSECONDS || magic == PCAP_MAGIC_NANOSECONDS)
            {
                initialBigEndian = false;
                nanoseconds = magic == PCAP_MAGIC_NANOSECONDS;
            }
            else if (magic == Integer.reverseBytes(PCAP_MAGIC_MICROSECONDS) ||
                magic == Integer.reverseBytes(PCAP_MAGIC_NANOSECONDS))
            {
                initialBigEndian = true;
                nanoseconds = magic == Integer.reverseBytes(PCAP_MAGIC_NANOSECONDS);
            }
            else
            {
                throw new IOException(origin + " is not a pcap or pcapng capture: it starts with " + hex(magic) +
                    " (little-endian), expected a pcap magic a1b2c3d4 or a1b23c4d in either byte order, or pcapng 0a0d0d0a" +
                    ((magic & 0xffff) == GZIP_MAGIC_LE ? "; it looks gzip-compressed, decompress it first" : ""));
            }
            if (sizeBytes < PCAP_FILE_HEADER_LENGTH)
            {
                throw new IOException(origin + ": pcap file header cut short: " + sizeBytes + " of " +
                    PCAP_FILE_HEADER_LENGTH + " bytes");
            }
            pcapng = false;
            firstRecordOffset = PCAP_FILE_HEADER_LENGTH;
            // The upper bits of the link type field carry FCS information; the link type is the low 16.
            pcapLinkType = (initialBigEndian ? capture.get(INT_BE, PCAP_LINK_TYPE_OFFSET) :
                capture.get(INT_LE, PCAP_LINK_TYPE_OFFSET)) & 0xFFFF;
            pcapFractionToNanos = nanoseconds ? 1 : 1000;
        }
        rewind();
    }

    /**
     * Maps a capture file read-only into a shared arena that this source owns and closes.
     *
     * @throws IOException when the file cannot be read, or is not a pcap or pcapng capture.
     */
    public static CaptureFileSource open(final Path file) throws IOException
    {
        final Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final String name = "pcap:" + file.getFileName();
            if (size == 0)
            {
                throw new IOException(file + " is not a pcap or pcapng capture: the file is empty");
            }
            final MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new CaptureFileSource(name, file.toString(), arena, mapped);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            arena.close();
            throw ex;
        }
    }

    /**
     * Reads a capture that is already in memory; the caller owns the segment and keeps it alive
     * until this source is closed.
     *
     * @throws IOException when the bytes are not a pcap or pcapng capture.
     */
    public static CaptureFileSource wrap(final String name, final MemorySegment capture) throws IOException
    {
        return new CaptureFileSource(name, name, null, capture);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int poll(final PacketBurst burst)
    {
        return poll(burst, burst.capacity());
    }

    /** As {@link #poll(PacketBurst)}, handing out at most {@code limit} packets (a paced replay). */
    public int poll(final PacketBurst burst, final int limit)
    {
        final int capacity = Math.min(burst.capacity(), limit);
        int filled = 0;
        while (filled < capacity && !exhausted)
        {
            if (pcapng ? readPcapngBlock(burst, filled) : readPcapRecord(burst, filled))
            {
                filled++;
            }
        }
        burst.count(filled);
        return filled;
    }

    @Override
    public boolean isExhausted()
    {
        return exhausted;
    }

    /** Starts again at the first record, forgetting any problem found; allocation-free. */
    public void rewind()
    {
        positionBytes = firstRecordOffset;
        bigEndian = initialBigEndian;
        interfaceCount = 0;
        lastTimestampNs = 0;
        packetsRead = 0;
        problem = null;
        problemOffsetBytes = -1;
        exhausted = closed;
    }

    /** Packets handed out since open or the last {@link #rewind()}. */
    public long packetsRead()
    {
        return packetsRead;
    }

    /** What stopped the source before the end of the file, or null when nothing did (yet). */
    public String problem()
    {
        return problem;
    }

    /** File offset of the record or block that {@link #problem()} describes, or -1. */
    public long problemOffsetBytes()
    {
        return problemOffsetBytes;
    }

    /** File offset of the next record or block to read. */
    public long positionBytes()
    {
        return positionBytes;
    }

    public long sizeBytes()
    {
        return sizeBytes;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            exhausted = true;
            if (null != arena)
            {
                arena.close();
            }
        }
    }

    private boolean readPcapRecord(final PacketBurst burst, final int slot)
    {
        final long recordOffset = positionBytes;
        final long remaining = sizeBytes - recordOffset;
        if (remaining == 0)
        {
            exhausted = true;
            return false;
        }
        if (remaining < PCAP_RECORD_HEADER_LENGTH)
        {
            return fail(recordOffset, "record header cut short: " + remaining + " of " + PCAP_RECORD_HEADER_LENGTH + " bytes");
        }
        final long seconds = uint32(recordOffset);
        final long fraction = uint32(recordOffset + 4);
        final long capturedLength = uint32(recordOffset + 8);
        final long wireLength = uint32(recordOffset + 12);
        if (capturedLength > MAX_CAPTURED_LENGTH)
        {
            return fail(recordOffset, "record claims " + capturedLength + " captured bytes, more than the " +
                MAX_CAPTURED_LENGTH + " any capture holds");
        }
        if (capturedLength > remaining - PCAP_RECORD_HEADER_LENGTH)
        {
            return fail(recordOffset, "record data cut short: " + (remaining - PCAP_RECORD_HEADER_LENGTH) + " of " +
                capturedLength + " captured bytes present");
        }
        final long timestampNs = seconds * NANOS_PER_SECOND + fraction * pcapFractionToNanos;
        fill(burst, slot, recordOffset + PCAP_RECORD_HEADER_LENGTH, capturedLength, wireLength, timestampNs, pcapLinkType);
        positionBytes = recordOffset + PCAP_RECORD_HEADER_LENGTH + capturedLength;
        return true;
    }

    private boolean readPcapngBlock(final PacketBurst burst, final int slot)
    {
        final long blockOffset = positionBytes;
        final long remaining = sizeBytes - blockOffset;
        if (remaining == 0)
        {
            exhausted = true;
            return false;
        }
        if (remaining < PCAPNG_BLOCK_MIN_LENGTH)
        {
            return fail(blockOffset, "block header cut short: " + remaining + " of " + PCAPNG_BLOCK_MIN_LENGTH + " bytes");
        }

        // The section header block's type reads the same in both byte orders; its byte-order magic says which one follows.
        final boolean sectionHeader = capture.get(INT_LE, blockOffset) == PCAPNG_SECTION_HEADER_BLOCK;
        if (sectionHeader)
        {
            final int byteOrderMagic = capture.get(INT_LE, blockOffset + 8);
            if (byteOrderMagic == PCAPNG_BYTE_ORDER_MAGIC)
            {
                bigEndian = false;
            }
            else if (byteOrderMagic == Integer.reverseBytes(PCAPNG_BYTE_ORDER_MAGIC))
            {
                bigEndian = true;
            }
            else
            {
                return fail(blockOffset, "section header byte-order magic is " + hex(byteOrderMagic));
            }
        }
        final int blockType = int32(blockOffset);
        final long blockLength = uint32(blockOffset + 4);
        if (blockLength < PCAPNG_BLOCK_MIN_LENGTH || (blockLength & 3) != 0)
        {
            return fail(blockOffset, "block type " + hex(blockType) + " has invalid length " + blockLength);
        }
        if (blockLength > remaining)
        {
            return fail(blockOffset, "block type " + hex(blockType) + " cut short: " + remaining + " of " + blockLength +
                " bytes present");
        }
        final long trailingLength = uint32(blockOffset + blockLength - 4);
        if (trailingLength != blockLength)
        {
            return fail(blockOffset, "block type " + hex(blockType) + " trailing length " + trailingLength +
                " does not match its leading length " + blockLength);
        }

        boolean filled = false;
        if (sectionHeader)
        {
            if (!onSectionHeader(blockOffset, blockLength))
            {
                return false;
            }
        }
        else if (blockType == PCAPNG_INTERFACE_DESCRIPTION_BLOCK)
        {
            if (!onInterfaceDescription(blockOffset, blockLength))
            {
                return false;
            }
        }
        else if (blockType == PCAPNG_ENHANCED_PACKET_BLOCK || blockType == PCAPNG_OBSOLETE_PACKET_BLOCK)
        {
            if (blockLength < PCAPNG_PACKET_BLOCK_MIN_LENGTH)
            {
                return fail(blockOffset, "packet block of " + blockLength + " bytes is shorter than its fixed fields");
            }
            final long interfaceId = blockType == PCAPNG_ENHANCED_PACKET_BLOCK ?
                uint32(blockOffset + 8) : uint16(blockOffset + 8);
            if (interfaceId >= interfaceCount)
            {
                return fail(blockOffset, "packet block names interface " + interfaceId + " but the section describes " +
                    interfaceCount);
            }
            final int iface = (int)interfaceId;
            final long ticks = (uint32(blockOffset + 12) << 32) | uint32(blockOffset + 16);
            final long capturedLength = uint32(blockOffset + 20);
            final long wireLength = uint32(blockOffset + 24);
            if (capturedLength > blockLength - PCAPNG_PACKET_BLOCK_MIN_LENGTH)
            {
                return fail(blockOffset, "packet block claims " + capturedLength + " captured bytes but holds at most " +
                    (blockLength - PCAPNG_PACKET_BLOCK_MIN_LENGTH));
            }
            if (capturedLength > MAX_CAPTURED_LENGTH)
            {
                return fail(blockOffset, "packet block claims " + capturedLength + " captured bytes, more than the " +
                    MAX_CAPTURED_LENGTH + " any capture holds");
            }
            final long timestampNs = saturatingAdd(
                ticksToNanos(ticks, interfaceTicksMode[iface], interfaceTicksFactor[iface]), interfaceOffsetNs[iface]);
            fill(burst, slot, blockOffset + 28, capturedLength, wireLength, timestampNs, interfaceLinkType[iface]);
            filled = true;
        }
        else if (blockType == PCAPNG_SIMPLE_PACKET_BLOCK)
        {
            if (blockLength < PCAPNG_SIMPLE_PACKET_BLOCK_MIN_LENGTH)
            {
                return fail(blockOffset, "simple packet block of " + blockLength + " bytes is shorter than its fixed fields");
            }
            if (interfaceCount == 0)
            {
                return fail(blockOffset, "simple packet block before any interface description");
            }
            final long wireLength = uint32(blockOffset + 8);
            final long capturedLength = interfaceSnapLength[0] != 0 ?
                Math.min(wireLength, interfaceSnapLength[0]) : wireLength;
            if (capturedLength > blockLength - PCAPNG_SIMPLE_PACKET_BLOCK_MIN_LENGTH)
            {
                return fail(blockOffset, "simple packet block of " + blockLength + " bytes cannot hold its " +
                    capturedLength + " captured bytes");
            }
            if (capturedLength > MAX_CAPTURED_LENGTH)
            {
                return fail(blockOffset, "simple packet block holds " + capturedLength + " bytes, more than the " +
                    MAX_CAPTURED_LENGTH + " any capture holds");
            }
            fill(burst, slot, blockOffset + 12, capturedLength, wireLength, lastTimestampNs, interfaceLinkType[0]);
            filled = true;
        }

        positionBytes = blockOffset + blockLength;
        return filled;
    }

    private boolean onSectionHeader(final long blockOffset, final long blockLength)
    {
        if (blockLength < PCAPNG_SECTION_HEADER_MIN_LENGTH)
        {
            return fail(blockOffset, "section header block of " + blockLength + " bytes is shorter than its fixed fields");
        }
        final int majorVersion = uint16(blockOffset + 12);
        if (majorVersion != 1)
        {
            return fail(blockOffset, "pcapng section version " + majorVersion + "." + uint16(blockOffset + 14) +
                " is not supported (only 1.x is)");
        }
        interfaceCount = 0;
        return true;
    }

    private boolean onInterfaceDescription(final long blockOffset, final long blockLength)
    {
        if (blockLength < PCAPNG_INTERFACE_DESCRIPTION_MIN_LENGTH)
        {
            return fail(blockOffset, "interface description block of " + blockLength +
                " bytes is shorter than its fixed fields");
        }
        int resolution = PCAPNG_DEFAULT_TSRESOL;
        long offsetSeconds = 0;
        // Options are read leniently: a malformed option ends the list rather than the file.
        final long optionsEnd = blockOffset + blockLength - 4;
        long option = blockOffset + 16;
        while (option + 4 <= optionsEnd)
        {
            final int code = uint16(option);
            final int length = uint16(option + 2);
            final long value = option + 4;
            if (code == PCAPNG_OPTION_END || value + length > optionsEnd)
            {
                break;
            }
            if (code == PCAPNG_OPTION_IF_TSRESOL && length >= 1)
            {
                resolution = capture.get(ValueLayout.JAVA_BYTE, value) & 0xFF;
            }
            else if (code == PCAPNG_OPTION_IF_TSOFFSET && length >= 8)
            {
                offsetSeconds = capture.get(bigEndian ? LONG_BE : LONG_LE, value);
            }
            option = value + ((length + 3) & ~3);
        }

        final int iface = interfaceCount;
        if (iface == interfaceLinkType.length)
        {
            final int newLength = iface * 2;
            interfaceLinkType = Arrays.copyOf(interfaceLinkType, newLength);
            interfaceSnapLength = Arrays.copyOf(interfaceSnapLength, newLength);
            interfaceTicksMode = Arrays.copyOf(interfaceTicksMode, newLength);
            interfaceTicksFactor = Arrays.copyOf(interfaceTicksFactor, newLength);
            interfaceOffsetNs = Arrays.copyOf(interfaceOffsetNs, newLength);
        }
        interfaceLinkType[iface] = uint16(blockOffset + 8);
        interfaceSnapLength[iface] = uint32(blockOffset + 12);
        setTicksConversion(iface, resolution);
        interfaceOffsetNs[iface] = saturatingMultiply(offsetSeconds, NANOS_PER_SECOND);
        interfaceCount = iface + 1;
        return true;
    }

    private void setTicksConversion(final int iface, final int resolution)
    {
        final int exponent = resolution & 0x7F;
        if ((resolution & 0x80) != 0)
        {
            interfaceTicksMode[iface] = TICKS_BINARY_SHIFT;
            interfaceTicksFactor[iface] = exponent;
        }
        else if (exponent <= 9)
        {
            interfaceTicksMode[iface] = TICKS_MULTIPLY;
            interfaceTicksFactor[iface] = pow10(9 - exponent);
        }
        else if (exponent - 9 <= 18)
        {
            interfaceTicksMode[iface] = TICKS_DIVIDE;
            interfaceTicksFactor[iface] = pow10(exponent - 9);
        }
        else
        {
            interfaceTicksMode[iface] = TICKS_BELOW_NANOSECOND;
            interfaceTicksFactor[iface] = 0;
        }
    }

    /** Converts unsigned timestamp ticks to nanoseconds, saturating at {@link Long#MAX_VALUE}. */
    static long ticksToNanos(final long ticks, final byte mode, final long factor)
    {
        switch (mode)
        {
            case TICKS_MULTIPLY:
                return Long.compareUnsigned(ticks, Long.MAX_VALUE / factor) > 0 ? Long.MAX_VALUE : ticks * factor;

            case TICKS_DIVIDE:
                return Long.divideUnsigned(ticks, factor);

            case TICKS_BINARY_SHIFT:
            {
                // ticks * 10^9 / 2^shift in 128-bit arithmetic: a binary resolution may be finer or coarser than 1 ns.
                final int shift = (int)factor;
                final long low = ticks * NANOS_PER_SECOND;
                final long high = Math.unsignedMultiplyHigh(ticks, NANOS_PER_SECOND);
                if (shift == 0)
                {
                    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
                }
                if (shift < 64)
                {
                    if ((high >>> shift) != 0)
                    {
                        return Long.MAX_VALUE;
                    }
                    final long result = (high << (64 - shift)) | (low >>> shift);
                    return result < 0 ? Long.MAX_VALUE : result;
                }
                return high >>> (shift - 64);
            }

            default:
                return 0;
        }
    }

    private void fill(
        final PacketBurst burst,
        final int slot,
        final long dataOffset,
        final long capturedLength,
        final long wireLength,
        final long timestampNs,
        final int linkType)
    {
        burst.data[slot] = capture;
        burst.offset[slot] = dataOffset;
        burst.capturedLength[slot] = (int)capturedLength;
        burst.wireLength[slot] = (int)Math.min(wireLength, Integer.MAX_VALUE);
        burst.timestampNs[slot] = timestampNs;
        burst.linkType[slot] = linkType;
        lastTimestampNs = timestampNs;
        packetsRead++;
    }

    private boolean fail(final long offset, final String what)
    {
        problem = name + ": byte offset " + offset + " after " + packetsRead + " packets: " + what;
        problemOffsetBytes = offset;
        exhausted = true;
        return false;
    }

    private int int32(final long offset)
    {
        return capture.get(bigEndian ? INT_BE : INT_LE, offset);
    }

    private long uint32(final long offset)
    {
        return int32(offset) & 0xFFFF_FFFFL;
    }

    private int uint16(final long offset)
    {
        return capture.get(bigEndian ? SHORT_BE : SHORT_LE, offset) & 0xFFFF;
    }

    private static long pow10(final int exponent)
    {
        long value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }
        return value;
    }

    private static long saturatingAdd(final long a, final long b)
    {
        final long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    private static long saturatingMultiply(final long a, final long b)
    {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            return low;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    private static String hex(final int value)
    {
        return String.format("%08x", value);
    }
}
