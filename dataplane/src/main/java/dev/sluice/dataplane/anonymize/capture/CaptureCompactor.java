package dev.sluice.dataplane.anonymize.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Turns a capture file held in writable memory into the anonymizer's output in place: every
 * packet record is kept or left out, what lies between records is kept (the pcap file header;
 * pcapng section headers, interface descriptions and interface statistics), and the kept bytes
 * are moved down over the gaps the left-out ones leave. Records keep their headers untouched, so
 * the output has the input's format, byte order, timestamp resolution and link types.
 * <p>
 * Records are told apart from the data offsets the {@code CaptureFileSource} hands out: a pcap
 * record header is the 16 bytes before its data; a pcapng enhanced or obsolete packet block starts
 * 28 bytes before it, a simple packet block 12 bytes before; the block type, read in the order that
 * makes it a packet block, gives the section's byte order and so the block's length. Other pcapng
 * blocks are walked from one record to the next; name resolution blocks (which pair addresses with
 * names) and every block not listed above are left out and counted.
 * <p>
 * Owned by one {@link CaptureAnonymizer}; its thread only.
 */
final class CaptureCompactor
{
    static final int PCAP_RECORD_HEADER_LENGTH = 16;
    static final int PCAPNG_SECTION_HEADER = 0x0A0D0D0A;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int PCAPNG_INTERFACE_DESCRIPTION = 1;
    private static final int PCAPNG_OBSOLETE_PACKET = 2;
    private static final int PCAPNG_SIMPLE_PACKET = 3;
    private static final int PCAPNG_INTERFACE_STATISTICS = 5;
    private static final int PCAPNG_ENHANCED_PACKET = 6;
    private static final int PCAPNG_PACKET_DATA_OFFSET = 28;
    private static final int PCAPNG_SIMPLE_DATA_OFFSET = 12;
    private static final int PCAPNG_CAPTURED_LENGTH_OFFSET = 20;
    private static final int PCAPNG_BLOCK_MIN_LENGTH = 12;

    private MemorySegment capture;
    private boolean pcapng;
    private boolean bigEndian;
    private long readPosition;
    private long writePosition;
    private long blocksRemoved;

    void start(final MemorySegment capture)
    {
        this.capture = capture;
        pcapng = capture.byteSize() >= 4 && capture.get(INT_LE, 0) == PCAPNG_SECTION_HEADER;
        bigEndian = false;
        readPosition = 0;
        writePosition = 0;
        blocksRemoved = 0;
    }

    long blocksRemoved()
    {
        return blocksRemoved;
    }

    /** The record whose packet data starts at {@code dataOffset}: kept when {@code keep}, else left out. */
    void record(final long dataOffset, final int capturedLength, final boolean keep)
    {
        final long start;
        final long end;
        if (!pcapng)
        {
            start = dataOffset - PCAP_RECORD_HEADER_LENGTH;
            end = dataOffset + capturedLength;
        }
        else
        {
            start = packetBlockStart(dataOffset, capturedLength);
            end = start + uint32(start + 4, bigEndian);
        }
        gap(start);
        if (keep)
        {
            move(start, end);
        }
        readPosition = end;
    }

    /**
     * Ends the output: keeps what follows the last record when the whole capture was read, leaves
     * it out when reading stopped at damage.
     *
     * @return the output's length, from offset 0 of the capture's memory.
     */
    long finish(final boolean readToEnd)
    {
        if (readToEnd)
        {
            gap(capture.byteSize());
        }
        return writePosition;
    }

    private long packetBlockStart(final long dataOffset, final int capturedLength)
    {
        final long packet = dataOffset - PCAPNG_PACKET_DATA_OFFSET;
        if (packet >= readPosition)
        {
            final int little = capture.get(INT_LE, packet);
            final int big = Integer.reverseBytes(little);
            if ((little == PCAPNG_ENHANCED_PACKET || little == PCAPNG_OBSOLETE_PACKET) &&
                capture.get(INT_LE, packet + PCAPNG_CAPTURED_LENGTH_OFFSET) == capturedLength)
            {
                bigEndian = false;
                return packet;
            }
            if ((big == PCAPNG_ENHANCED_PACKET || big == PCAPNG_OBSOLETE_PACKET) &&
                capture.get(INT_BE, packet + PCAPNG_CAPTURED_LENGTH_OFFSET) == capturedLength)
            {
                bigEndian = true;
                return packet;
            }
        }
        final long simple = dataOffset - PCAPNG_SIMPLE_DATA_OFFSET;
        bigEndian = capture.get(INT_LE, simple) != PCAPNG_SIMPLE_PACKET;
        return simple;
    }

    /** Keeps or leaves out what lies between the last record and {@code until}. */
    private void gap(final long until)
    {
        if (!pcapng)
        {
            move(readPosition, until);
            readPosition = until;
            return;
        }
        long block = readPosition;
        while (block + PCAPNG_BLOCK_MIN_LENGTH <= until)
        {
            final int little = capture.get(INT_LE, block);
            if (little == PCAPNG_SECTION_HEADER)
            {
                bigEndian = capture.get(INT_LE, block + 8) != PCAPNG_BYTE_ORDER_MAGIC;
            }
            final int type = bigEndian ? Integer.reverseBytes(little) : little;
            final long length = uint32(block + 4, bigEndian);
            if (length < PCAPNG_BLOCK_MIN_LENGTH || block + length > until)
            {
                break;
            }
            if (type == PCAPNG_SECTION_HEADER || type == PCAPNG_INTERFACE_DESCRIPTION ||
                type == PCAPNG_INTERFACE_STATISTICS)
            {
                move(block, block + length);
            }
            else
            {
                blocksRemoved++;
            }
            block += length;
        }
        readPosition = until;
    }

    private void move(final long from, final long to)
    {
        final long length = to - from;
        if (length > 0 && from != writePosition)
        {
            MemorySegment.copy(capture, from, capture, writePosition, length);
        }
        writePosition += Math.max(0, length);
    }

    private long uint32(final long at, final boolean big)
    {
        return capture.get(big ? INT_BE : INT_LE, at) & 0xFFFF_FFFFL;
    }
}
