package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder.FramesDecoder;
import dev.sluice.protocol.codec.PayloadAction;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes the frames of accepted batches as packets to a pcapng file, so that {@code tshark -r} and
 * Wireshark read what arrived. Each time the core opens the file it appends a new section: a
 * section header block, then one interface description block per link type the first time a
 * frame of that type arrives, then an enhanced packet block per frame. Blocks are little-endian.
 *
 * <pre>
 * Interface description block (32 bytes)      Enhanced packet block (32 + data + options)
 *  0 block type = 1                             0 block type = 6
 *  4 block total length = 32                    4 block total length
 *  8 link type (u16) | reserved (u16)           8 interface id (u32): the link type's IDB, in order
 * 12 snap length = 0 (none)                    12 timestamp high 32 bits  } nanoseconds since
 * 16 if_tsresol: code 9, length 1             16 timestamp low 32 bits   } 1970 (if_tsresol 9)
 * 20 9 (10^-9 s), 3 bytes padding             20 captured length: the frame's bytes
 * 24 opt_endofopt                             24 original length (below)
 * 28 block total length                       28 bytes, padded to 4
 *                                               opt_comment after a payload action, opt_endofopt
 *                                               block total length
 * </pre>
 * Original length: with no payload action it is the frame's wire length (at least its byte count),
 * so a capture cut by a snap length reads as it would from the edge. After {@code truncate payload}
 * or {@code strip payload} the gateway has rewritten the packet, lengths and checksums included,
 * into a valid shorter packet that the bytes hold whole; the original length is then that
 * packet's length, the byte count, and the lengths before the action go into the block's comment
 * ({@code frame.comment} in tshark) as well as into the NDJSON line.
 * <p>
 * A torn block at the end of the file, left by a crash mid-write, is cut off when the file is
 * opened (and reported), so that the earlier sections stay readable and the new one follows them.
 * Nothing is allocated per frame. Buffered like {@link NdjsonBatchWriter} and flushed with it.
 * <p>
 * Agent thread only.
 */
final class PcapngFrameWriter implements AutoCloseable
{
    /**
     * Longest frame accepted, the most bytes per packet that Wireshark's readers take
     * ({@code WTAP_MAX_PACKET_SIZE_STANDARD}); a longer one would make the whole file unreadable.
     */
    static final int MAX_FRAME_LENGTH = 262_144;

    static final int SECTION_HEADER_BLOCK_TYPE = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION_BLOCK_TYPE = 1;
    static final int ENHANCED_PACKET_BLOCK_TYPE = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int INTERFACE_DESCRIPTION_BLOCK_LENGTH = 32;
    static final int ENHANCED_PACKET_BLOCK_FIXED_LENGTH = 32;
    static final int NANOSECOND_RESOLUTION = 9;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK_HEADER_LENGTH = 8;
    private static final int MIN_BLOCK_LENGTH = 12;
    private static final int OPTION_HEADER_LENGTH = 4;
    private static final int OPT_END_OF_OPT = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USER_APPLICATION = 4;
    private static final int IF_TSRESOL = 9;
    private static final int LINK_TYPE_COUNT = 1 << 16;

    private static final byte[] COMMENT_TRUNCATED = ascii("sluice: payload truncated; before it: wire length ");
    private static final byte[] COMMENT_STRIPPED = ascii("sluice: payload stripped; before it: wire length ");
    private static final byte[] COMMENT_CAPTURED = ascii(", captured length ");
    private static final byte[] COMMENT_PAYLOAD = ascii(", payload length ");

    /**
     * Longest comment: the longer prefix and three 10-digit numbers.
     */
    static final int COMMENT_MAX_LENGTH =
        Math.max(COMMENT_TRUNCATED.length, COMMENT_STRIPPED.length) + COMMENT_CAPTURED.length +
        COMMENT_PAYLOAD.length + 3 * 10;

    private static final int COMMENT_OPTIONS_MAX_LENGTH =
        OPTION_HEADER_LENGTH + BitUtil.align(COMMENT_MAX_LENGTH, 4) + OPTION_HEADER_LENGTH;

    private final OutputFile output;

    /**
     * Interface id plus one of each link type seen in this section; 0 when none yet.
     */
    private final int[] interfaceIdPlusOneByLinkType = new int[LINK_TYPE_COUNT];
    private final UnsafeBuffer comment = new UnsafeBuffer(new byte[COMMENT_MAX_LENGTH]);
    private int interfaceCount;

    private PcapngFrameWriter(final OutputFile output)
    {
        this.output = output;
    }

    /**
     * Opens (creating if needed) the file for exclusive append, cuts off a torn last block and
     * starts a new section, whose header is written with the first flush.
     *
     * @param file         the pcapng file.
     * @param bufferLength initial buffer length in bytes.
     * @param region       this core's region, named in the section header.
     * @param counters     where output bytes and errors are counted.
     * @param errorHandler told about a cut-off block and the first of a run of failed writes.
     * @return the writer.
     * @throws IOException if the file cannot be opened, another writer holds it, or it is not pcapng.
     */
    static PcapngFrameWriter open(
        final Path file,
        final int bufferLength,
        final String region,
        final RegionalCounters counters,
        final ErrorHandler errorHandler) throws IOException
    {
        final OutputFile output = OutputFile.open(
            file, bufferLength, counters, RegionalCounter.PCAPNG_BYTES, errorHandler);
        try
        {
            final FileChannel channel = output.channel();
            final long size = channel.size();
            if (size > 0)
            {
                checkStartsLikePcapng(file, channel, size);
            }
            if (size > 0 && !endsOnBlockBoundary(channel, size))
            {
                final long end = lastCompleteBlockEnd(channel, size);
                channel.truncate(end);
                channel.position(end);
                errorHandler.onError(new IOException("cut off a torn block of " + (size - end) +
                    " bytes at the end of " + file + " (left by an earlier crash)"));
            }

            // Buffered like the records, so a file that cannot be written pauses intake, not startup.
            final ByteBuffer sectionHeader = sectionHeaderBlock("Sluice regional core " + region);
            final int length = sectionHeader.remaining();
            output.buffer().putBytes(0, sectionHeader, 0, length);
            output.limit(length);

            return new PcapngFrameWriter(output);
        }
        catch (final IOException | RuntimeException ex)
        {
            output.close();
            throw ex;
        }
    }

    /**
     * Bytes that one frame may add to the file at most, its interface description included.
     *
     * @param bytesLength length of the frame's bytes.
     * @return bound in bytes.
     */
    static long frameMaxLength(final long bytesLength)
    {
        return INTERFACE_DESCRIPTION_BLOCK_LENGTH + ENHANCED_PACKET_BLOCK_FIXED_LENGTH +
            BitUtil.align(bytesLength, 4) + COMMENT_OPTIONS_MAX_LENGTH;
    }

    /**
     * Forces the written bytes to the device; see {@link OutputFile#force()}.
     *
     * @return true when forced.
     */
    boolean force()
    {
        return output.force();
    }

    /**
     * The file's length up to the last byte written; see {@link OutputFile#writtenLength()}.
     *
     * @return bytes, or -1 when it cannot be read.
     */
    long writtenLength()
    {
        return output.writtenLength();
    }

    /**
     * The length a frame's enhanced packet block gives as the packet's original length.
     *
     * @param payloadAction  raw payload action.
     * @param wireLength     the frame's wire length before the action.
     * @param bytesLength    length of the bytes sent.
     * @return original length, unsigned 32-bit.
     */
    static long originalLength(final short payloadAction, final long wireLength, final int bytesLength)
    {
        return PayloadAction.NONE.value() == payloadAction ? Math.max(wireLength, bytesLength) : bytesLength;
    }

    Path file()
    {
        return output.file();
    }

    boolean ensureCapacity(final long lengthBytes)
    {
        return output.ensureCapacity(lengthBytes);
    }

    boolean hasPending()
    {
        return output.hasPending();
    }

    boolean flush()
    {
        return output.flush();
    }

    /**
     * Appends one frame as an enhanced packet block, preceded by an interface description block
     * when its link type is new in this section.
     *
     * @param frame decoder positioned on a validated entry.
     * @param bytes the frame's bytes, already wrapped from the entry.
     */
    void writeFrame(final FramesDecoder frame, final DirectBuffer bytes)
    {
        final UnsafeBuffer buffer = output.buffer();
        int i = output.limit();

        final int linkType = frame.linkType();
        int interfaceIdPlusOne = interfaceIdPlusOneByLinkType[linkType];
        if (0 == interfaceIdPlusOne)
        {
            i += putInterfaceDescription(buffer, i, linkType);
            interfaceIdPlusOne = ++interfaceCount;
            interfaceIdPlusOneByLinkType[linkType] = interfaceIdPlusOne;
        }

        final int bytesLength = bytes.capacity();
        final int paddedLength = BitUtil.align(bytesLength, 4);
        final short payloadAction = frame.payloadActionRaw();
        final int commentLength = PayloadAction.NONE.value() == payloadAction ? 0 : putComment(frame, payloadAction);
        final int optionsLength = 0 == commentLength ?
            0 : OPTION_HEADER_LENGTH + BitUtil.align(commentLength, 4) + OPTION_HEADER_LENGTH;
        final int blockLength = ENHANCED_PACKET_BLOCK_FIXED_LENGTH + paddedLength + optionsLength;
        final long timestampNs = frame.timestampNs();

        buffer.putInt(i, ENHANCED_PACKET_BLOCK_TYPE, ORDER);
        buffer.putInt(i + 4, blockLength, ORDER);
        buffer.putInt(i + 8, interfaceIdPlusOne - 1, ORDER);
        buffer.putInt(i + 12, (int)(timestampNs >>> 32), ORDER);
        buffer.putInt(i + 16, (int)timestampNs, ORDER);
        buffer.putInt(i + 20, bytesLength, ORDER);
        buffer.putInt(i + 24, (int)originalLength(payloadAction, frame.wireLength(), bytesLength), ORDER);
        i += 28;
        buffer.putBytes(i, bytes, 0, bytesLength);
        buffer.setMemory(i + bytesLength, paddedLength - bytesLength, (byte)0);
        i += paddedLength;

        if (0 != commentLength)
        {
            buffer.putShort(i, (short)OPT_COMMENT, ORDER);
            buffer.putShort(i + 2, (short)commentLength, ORDER);
            i += OPTION_HEADER_LENGTH;
            buffer.putBytes(i, comment, 0, commentLength);
            final int paddedCommentLength = BitUtil.align(commentLength, 4);
            buffer.setMemory(i + commentLength, paddedCommentLength - commentLength, (byte)0);
            i += paddedCommentLength;
            buffer.putInt(i, OPT_END_OF_OPT, ORDER);
            i += OPTION_HEADER_LENGTH;
        }
        buffer.putInt(i, blockLength, ORDER);
        i += 4;

        output.limit(i);
    }

    /**
     * Flushes what is buffered and releases the file. Idempotent.
     */
    public void close()
    {
        output.close();
    }

    private int putComment(final FramesDecoder frame, final short payloadAction)
    {
        final UnsafeBuffer comment = this.comment;
        int i = put(comment, 0, PayloadAction.TRUNCATED.value() == payloadAction ? COMMENT_TRUNCATED : COMMENT_STRIPPED);
        i += comment.putLongAscii(i, frame.wireLength());
        i += put(comment, i, COMMENT_CAPTURED);
        i += comment.putLongAscii(i, frame.capturedLength());
        i += put(comment, i, COMMENT_PAYLOAD);
        i += comment.putLongAscii(i, frame.originalPayloadLength());

        return i;
    }

    private static int putInterfaceDescription(final MutableDirectBuffer buffer, final int index, final int linkType)
    {
        buffer.putInt(index, INTERFACE_DESCRIPTION_BLOCK_TYPE, ORDER);
        buffer.putInt(index + 4, INTERFACE_DESCRIPTION_BLOCK_LENGTH, ORDER);
        buffer.putShort(index + 8, (short)linkType, ORDER);
        buffer.putShort(index + 10, (short)0, ORDER);
        buffer.putInt(index + 12, 0, ORDER);
        buffer.putShort(index + 16, (short)IF_TSRESOL, ORDER);
        buffer.putShort(index + 18, (short)1, ORDER);
        buffer.putInt(index + 20, NANOSECOND_RESOLUTION, ORDER);
        buffer.putInt(index + 24, OPT_END_OF_OPT, ORDER);
        buffer.putInt(index + 28, INTERFACE_DESCRIPTION_BLOCK_LENGTH, ORDER);

        return INTERFACE_DESCRIPTION_BLOCK_LENGTH;
    }

    /**
     * A section header block (version 1.0, section length unknown) naming the application.
     */
    static ByteBuffer sectionHeaderBlock(final String application)
    {
        final byte[] name = application.getBytes(StandardCharsets.UTF_8);
        final int length = 28 + OPTION_HEADER_LENGTH + BitUtil.align(name.length, 4) + OPTION_HEADER_LENGTH;
        final ByteBuffer block = ByteBuffer.allocate(length).order(ORDER);
        block.putInt(SECTION_HEADER_BLOCK_TYPE).putInt(length).putInt(BYTE_ORDER_MAGIC)
            .putShort((short)1).putShort((short)0).putLong(-1L)
            .putShort((short)SHB_USER_APPLICATION).putShort((short)name.length).put(name);
        block.position(block.position() + BitUtil.align(name.length, 4) - name.length);
        block.putInt(OPT_END_OF_OPT).putInt(length);

        return block.flip();
    }

    /**
     * Whether the last block's trailing length points back at a block header carrying the same
     * length: true for a file that ends where a block ends.
     */
    private static boolean endsOnBlockBoundary(final FileChannel channel, final long size) throws IOException
    {
        if (size < MIN_BLOCK_LENGTH)
        {
            return false;
        }

        final ByteBuffer last = read(channel, size - 4, 4);
        if (null == last)
        {
            return false;
        }
        for (final ByteOrder order : new ByteOrder[]{ ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN })
        {
            final long length = last.order(order).getInt(0) & 0xFFFF_FFFFL;
            if (length >= MIN_BLOCK_LENGTH && 0 == (length & 3) && length <= size)
            {
                final ByteBuffer header = read(channel, size - length, BLOCK_HEADER_LENGTH);
                if (null != header && (header.order(order).getInt(4) & 0xFFFF_FFFFL) == length)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /**
     * Refuses a file that does not start like pcapng (a section header block's type and, when
     * present, its byte-order magic), so that frames are never appended to, or cut from, a
     * foreign file.
     */
    private static void checkStartsLikePcapng(final Path file, final FileChannel channel, final long size)
        throws IOException
    {
        final ByteBuffer start = read(channel, 0, (int)Math.min(size, 12));
        boolean isPcapng = null != start;
        for (int i = 0; isPcapng && i < Math.min(start.remaining(), 4); i++)
        {
            // The block type reads the same in both byte orders.
            isPcapng = start.get(i) == (byte)(SECTION_HEADER_BLOCK_TYPE >>> (i << 3));
        }
        if (isPcapng && 12 == start.remaining())
        {
            isPcapng = isByteOrderMagic(start);
        }
        if (!isPcapng)
        {
            throw new IOException(file + " is not a pcapng file; refusing to append frames to it");
        }
    }

    /**
     * Walks the blocks from the start of the file, following each section's byte order, and
     * returns where the last complete block ends.
     */
    private static long lastCompleteBlockEnd(final FileChannel channel, final long size) throws IOException
    {
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        long position = 0;
        while (position + MIN_BLOCK_LENGTH <= size)
        {
            final ByteBuffer header = read(channel, position, 12);
            if (SECTION_HEADER_BLOCK_TYPE == header.order(ByteOrder.LITTLE_ENDIAN).getInt(0))
            {
                if (!isByteOrderMagic(header))
                {
                    break;
                }
                order = BYTE_ORDER_MAGIC == header.order(ByteOrder.LITTLE_ENDIAN).getInt(8) ?
                    ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            }
            final long length = header.order(order).getInt(4) & 0xFFFF_FFFFL;
            if (length < MIN_BLOCK_LENGTH || 0 != (length & 3) || length > size - position)
            {
                break;
            }
            final ByteBuffer trailer = read(channel, position + length - 4, 4);
            if ((trailer.order(order).getInt(0) & 0xFFFF_FFFFL) != length)
            {
                break;
            }
            position += length;
        }

        return position;
    }

    private static boolean isByteOrderMagic(final ByteBuffer header)
    {
        final int magic = header.order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        return BYTE_ORDER_MAGIC == magic || Integer.reverseBytes(BYTE_ORDER_MAGIC) == magic;
    }

    /**
     * Reads exactly {@code length} bytes at a position, or returns null at the end of the file.
     */
    private static ByteBuffer read(final FileChannel channel, final long position, final int length)
        throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining())
        {
            if (channel.read(bytes, position + bytes.position()) < 0)
            {
                return null;
            }
        }

        return bytes.flip();
    }

    private static int put(final MutableDirectBuffer dst, final int index, final byte[] bytes)
    {
        dst.putBytes(index, bytes);
        return bytes.length;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
