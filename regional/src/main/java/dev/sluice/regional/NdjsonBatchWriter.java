package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.EventsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.IpVersion;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.sluice.regional.NdjsonFields.*;

/**
 * Renders accepted batches as NDJSON lines (see {@link NdjsonFields}) into an off-heap buffer and
 * appends the buffer to one file through a {@link FileChannel}. Lines are built byte by byte from
 * the SBE flyweights: nothing is allocated per batch or per record. The header fields shared by a
 * batch's records are rendered once per batch and copied in front of each line.
 * <p>
 * The caller reserves room for a whole batch with {@link #ensureCapacity(long)} before writing it,
 * so a batch is never split by a failing flush. {@link #flush()} hands bytes to the operating
 * system (the page cache) without {@code fsync}: a killed process loses only what was not yet
 * flushed; durability across a host crash comes with acknowledgements.
 * <p>
 * The file is opened for exclusive append under a {@link FileLock}, so two cores cannot interleave
 * lines in one file. A partial last line left by an earlier crash is terminated on open.
 * <p>
 * Agent thread only.
 */
final class NdjsonBatchWriter implements AutoCloseable
{
    /**
     * Upper bound of the rendered batch header: every key, the identifiers at twice their field
     * length (each byte may need a backslash), and three 64-bit numbers.
     */
    static final int PREFIX_MAX_LENGTH = 512;

    /**
     * Upper bound of a packet line after the header, with every field at its longest.
     */
    static final int PACKET_FIELDS_MAX_LENGTH = 512;

    /**
     * Upper bound of an event line after the header, excluding the base64 body.
     */
    static final int EVENT_FIELDS_MAX_LENGTH = 128;

    /**
     * Largest buffer the writer grows to for one batch.
     */
    static final int MAX_BUFFER_LENGTH = 1 << 30;

    private static final byte[] OPEN_GATEWAY = ascii("{\"" + GATEWAY + "\":\"");
    private static final byte[] KEY_SITE = ascii("\",\"" + SITE + "\":\"");
    private static final byte[] KEY_ORIGIN_REGION = ascii("\",\"" + ORIGIN_REGION + "\":\"");
    private static final byte[] KEY_DESTINATION = ascii("\",\"" + DESTINATION + "\":\"");
    private static final byte[] KEY_SEQUENCE = ascii("\",\"" + SEQUENCE + "\":");
    private static final byte[] KEY_POLICY_VERSION = ascii(",\"" + POLICY_VERSION + "\":");
    private static final byte[] KEY_ENCODED_TS_NS = ascii(",\"" + ENCODED_TS_NS + "\":");
    private static final byte[] KEY_TYPE = ascii(",\"" + TYPE + "\":\"");
    private static final byte[] PACKET_TS_NS = ascii(TYPE_PACKET + "\",\"" + TS_NS + "\":");
    private static final byte[] KEY_WIRE_LEN = ascii(",\"" + WIRE_LEN + "\":");
    private static final byte[] KEY_CAP_LEN = ascii(",\"" + CAP_LEN + "\":");
    private static final byte[] KEY_VLAN = ascii(",\"" + VLAN + "\":");
    private static final byte[] KEY_ETH_TYPE = ascii(",\"" + ETH_TYPE + "\":");
    private static final byte[] KEY_IP_VERSION = ascii(",\"" + IP_VERSION + "\":");
    private static final byte[] KEY_IP_PROTO = ascii(",\"" + IP_PROTO + "\":");
    private static final byte[] KEY_SRC = ascii(",\"" + SRC + "\":");
    private static final byte[] KEY_DST = ascii(",\"" + DST + "\":");
    private static final byte[] KEY_SRC_PORT = ascii(",\"" + SRC_PORT + "\":");
    private static final byte[] KEY_DST_PORT = ascii(",\"" + DST_PORT + "\":");
    private static final byte[] KEY_TCP_FLAGS = ascii(",\"" + TCP_FLAGS + "\":");
    private static final byte[] KEY_ICMP_TYPE = ascii(",\"" + ICMP_TYPE + "\":");
    private static final byte[] KEY_ICMP_CODE = ascii(",\"" + ICMP_CODE + "\":");
    private static final byte[] KEY_ANONYMIZED = ascii(",\"" + ANONYMIZED + "\":[");
    private static final byte[] NAME_SRC = ascii("\"" + SRC + "\"");
    private static final byte[] NAME_DST = ascii("\"" + DST + "\"");
    private static final byte[] CLOSE_PACKET = ascii("]}\n");
    private static final byte[] EVENT_TS_NS = ascii(TYPE_EVENT + "\",\"" + TS_NS + "\":");
    private static final byte[] KEY_EVENT_KIND = ascii(",\"" + EVENT_KIND + "\":");
    private static final byte[] KEY_BODY_B64 = ascii(",\"" + BODY_B64 + "\":\"");
    private static final byte[] CLOSE_EVENT = ascii("\"}\n");
    private static final byte[] NULL = ascii("null");

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final RegionalCounters counters;
    private final ErrorHandler errorHandler;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer prefix = new UnsafeBuffer(new byte[PREFIX_MAX_LENGTH]);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ByteBuffer byteBuffer;
    private int prefixLength;
    private int limit;
    private int writtenPosition;
    private boolean failing;
    private boolean closed;

    private NdjsonBatchWriter(
        final Path file,
        final FileChannel channel,
        final FileLock lock,
        final int bufferLength,
        final RegionalCounters counters,
        final ErrorHandler errorHandler)
    {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.counters = counters;
        this.errorHandler = errorHandler;
        byteBuffer = ByteBuffer.allocateDirect(bufferLength);
        buffer.wrap(byteBuffer);
    }

    /**
     * Opens (creating if needed) the file for exclusive append.
     *
     * @param file         the NDJSON file.
     * @param bufferLength initial buffer length in bytes.
     * @param counters     where output bytes and errors are counted.
     * @param errorHandler told about the first of a run of failed writes.
     * @return the writer.
     * @throws IOException if the file cannot be opened or another writer holds it.
     */
    static NdjsonBatchWriter open(
        final Path file, final int bufferLength, final RegionalCounters counters, final ErrorHandler errorHandler)
        throws IOException
    {
        final FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                throw new IOException("another regional core in this process is writing " + file, ex);
            }
            if (null == lock)
            {
                throw new IOException("another process is writing " + file);
            }

            final long size = channel.size();
            channel.position(size);
            if (size > 0)
            {
                final ByteBuffer last = ByteBuffer.allocate(1);
                channel.read(last, size - 1);
                if ('\n' != last.get(0))
                {
                    // Terminate the partial line a crash left so that our first line parses.
                    channel.write(ByteBuffer.wrap(new byte[]{ '\n' }));
                }
            }

            return new NdjsonBatchWriter(file, channel, lock, bufferLength, counters, errorHandler);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
    }

    /**
     * Bytes that a packet line may take at most.
     *
     * @return bound in bytes.
     */
    static long packetLineMaxLength()
    {
        return PREFIX_MAX_LENGTH + PACKET_FIELDS_MAX_LENGTH;
    }

    /**
     * Bytes that an event line may take at most.
     *
     * @param bodyLength event body length in bytes.
     * @return bound in bytes.
     */
    static long eventLineMaxLength(final long bodyLength)
    {
        return PREFIX_MAX_LENGTH + EVENT_FIELDS_MAX_LENGTH + Base64Ascii.encodedLength(bodyLength);
    }

    Path file()
    {
        return file;
    }

    /**
     * Makes room for a batch, flushing and, for a batch larger than the buffer, growing it.
     *
     * @param lengthBytes upper bound of the batch's lines, at most {@link #MAX_BUFFER_LENGTH}.
     * @return false when the room cannot be made now because the file cannot be written.
     */
    boolean ensureCapacity(final long lengthBytes)
    {
        if (buffer.capacity() - limit >= lengthBytes)
        {
            return true;
        }

        if (!flush())
        {
            return false;
        }

        if (buffer.capacity() < lengthBytes)
        {
            // Rare: one batch larger than the whole buffer. Grow once; the old buffer is empty.
            byteBuffer = ByteBuffer.allocateDirect(BitUtil.findNextPositivePowerOfTwo((int)lengthBytes));
            buffer.wrap(byteBuffer);
        }

        return true;
    }

    boolean hasPending()
    {
        return limit > writtenPosition;
    }

    /**
     * Writes every buffered byte to the file.
     *
     * @return true when the buffer is now empty, false when the write failed (counted; the first
     * failure of a run is reported) and the bytes stay buffered for the next attempt.
     */
    boolean flush()
    {
        if (limit == writtenPosition)
        {
            limit = 0;
            writtenPosition = 0;
            return true;
        }

        final ByteBuffer byteBuffer = this.byteBuffer;
        byteBuffer.limit(limit).position(writtenPosition);
        try
        {
            while (byteBuffer.hasRemaining())
            {
                channel.write(byteBuffer);
            }
            counters.onOutputWritten(limit - writtenPosition);
            limit = 0;
            writtenPosition = 0;
            failing = false;

            return true;
        }
        catch (final IOException ex)
        {
            final int position = byteBuffer.position();
            counters.onOutputWritten(position - writtenPosition);
            counters.onOutputError();
            writtenPosition = position;
            if (!failing)
            {
                failing = true;
                errorHandler.onError(new IOException("cannot write " + file, ex));
            }

            return false;
        }
    }

    /**
     * Renders the header fields shared by every line of a batch.
     *
     * @param batch decoder wrapped on a validated batch.
     */
    void beginBatch(final DataBatchDecoder batch)
    {
        final UnsafeBuffer prefix = this.prefix;
        final DirectBuffer src = batch.buffer();
        final int offset = batch.offset();
        int i = 0;

        i += put(prefix, i, OPEN_GATEWAY);
        i += putIdentifier(
            prefix, i, src, offset + DataBatchDecoder.gatewayIdEncodingOffset(), DataBatchDecoder.gatewayIdLength());
        i += put(prefix, i, KEY_SITE);
        i += putIdentifier(
            prefix, i, src, offset + DataBatchDecoder.originSiteEncodingOffset(), DataBatchDecoder.originSiteLength());
        i += put(prefix, i, KEY_ORIGIN_REGION);
        i += putIdentifier(
            prefix,
            i,
            src,
            offset + DataBatchDecoder.originRegionEncodingOffset(),
            DataBatchDecoder.originRegionLength());
        i += put(prefix, i, KEY_DESTINATION);
        i += putIdentifier(
            prefix,
            i,
            src,
            offset + DataBatchDecoder.destinationRegionEncodingOffset(),
            DataBatchDecoder.destinationRegionLength());
        i += put(prefix, i, KEY_SEQUENCE);
        i += prefix.putLongAscii(i, batch.streamSequence());
        i += put(prefix, i, KEY_POLICY_VERSION);
        i += putUnsignedLongAscii(prefix, i, batch.policyVersion());
        i += put(prefix, i, KEY_ENCODED_TS_NS);
        i += prefix.putLongAscii(i, batch.encodedTimestampNs());
        i += put(prefix, i, KEY_TYPE);

        prefixLength = i;
    }

    /**
     * Appends one packet summary line.
     *
     * @param packet decoder positioned on the entry.
     */
    void writePacket(final PacketsDecoder packet)
    {
        final UnsafeBuffer buffer = this.buffer;
        int i = limit;

        buffer.putBytes(i, prefix, 0, prefixLength);
        i += prefixLength;
        i += put(buffer, i, PACKET_TS_NS);
        i += buffer.putLongAscii(i, packet.timestampNs());
        i += put(buffer, i, KEY_WIRE_LEN);
        i += buffer.putLongAscii(i, packet.wireLength());
        i += put(buffer, i, KEY_CAP_LEN);
        i += buffer.putLongAscii(i, packet.capturedLength());
        i += put(buffer, i, KEY_VLAN);
        final int vlanId = packet.vlanId();
        i += PacketsDecoder.vlanIdNullValue() == vlanId ? put(buffer, i, NULL) : buffer.putNaturalIntAscii(i, vlanId);
        i += put(buffer, i, KEY_ETH_TYPE);
        i += buffer.putNaturalIntAscii(i, packet.etherType());
        i += put(buffer, i, KEY_IP_VERSION);
        final short ipVersion = packet.ipVersionRaw();
        i += buffer.putNaturalIntAscii(i, ipVersion);
        i += put(buffer, i, KEY_IP_PROTO);
        i += buffer.putNaturalIntAscii(i, packet.ipProtocol());

        i += put(buffer, i, KEY_SRC);
        packet.wrapSrcAddress(view);
        i += putAddress(buffer, i, ipVersion, view);
        i += put(buffer, i, KEY_DST);
        packet.wrapDstAddress(view);
        i += putAddress(buffer, i, ipVersion, view);

        i += put(buffer, i, KEY_SRC_PORT);
        i += buffer.putNaturalIntAscii(i, packet.srcPort());
        i += put(buffer, i, KEY_DST_PORT);
        i += buffer.putNaturalIntAscii(i, packet.dstPort());
        i += put(buffer, i, KEY_TCP_FLAGS);
        i += buffer.putNaturalIntAscii(i, packet.tcpFlags());
        i += put(buffer, i, KEY_ICMP_TYPE);
        i += buffer.putNaturalIntAscii(i, packet.icmpType());
        i += put(buffer, i, KEY_ICMP_CODE);
        i += buffer.putNaturalIntAscii(i, packet.icmpCode());

        i += put(buffer, i, KEY_ANONYMIZED);
        final boolean srcAnonymized = packet.anonymized().srcAddress();
        final boolean dstAnonymized = packet.anonymized().dstAddress();
        if (srcAnonymized)
        {
            i += put(buffer, i, NAME_SRC);
        }
        if (dstAnonymized)
        {
            if (srcAnonymized)
            {
                buffer.putByte(i++, (byte)',');
            }
            i += put(buffer, i, NAME_DST);
        }
        i += put(buffer, i, CLOSE_PACKET);

        limit = i;
    }

    /**
     * Appends one event line.
     *
     * @param event decoder positioned on the entry; its body is consumed.
     */
    void writeEvent(final EventsDecoder event)
    {
        final UnsafeBuffer buffer = this.buffer;
        int i = limit;

        buffer.putBytes(i, prefix, 0, prefixLength);
        i += prefixLength;
        i += put(buffer, i, EVENT_TS_NS);
        i += buffer.putLongAscii(i, event.timestampNs());
        i += put(buffer, i, KEY_EVENT_KIND);
        i += buffer.putNaturalIntAscii(i, event.eventKind());
        i += put(buffer, i, KEY_BODY_B64);
        event.wrapBody(view);
        i += Base64Ascii.encode(view, 0, view.capacity(), buffer, i);
        i += put(buffer, i, CLOSE_EVENT);

        limit = i;
    }

    /**
     * Flushes what is buffered and releases the file. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                flush();
            }
            finally
            {
                CloseHelper.closeAll(errorHandler, lock, channel);
            }
        }
    }

    private static int putAddress(
        final MutableDirectBuffer dst, final int index, final short ipVersion, final DirectBuffer address)
    {
        if (IpVersion.V4.value() == ipVersion)
        {
            dst.putByte(index, (byte)'"');
            final int length = IpAddressText.putIpv4(dst, index + 1, address, 0);
            dst.putByte(index + 1 + length, (byte)'"');
            return length + 2;
        }
        else if (IpVersion.V6.value() == ipVersion)
        {
            dst.putByte(index, (byte)'"');
            final int length = IpAddressText.putIpv6(dst, index + 1, address, 0);
            dst.putByte(index + 1 + length, (byte)'"');
            return length + 2;
        }

        return put(dst, index, NULL);
    }

    /**
     * Copies a NUL-padded identifier, escaping the two printable characters JSON reserves. The
     * validator has already refused bytes outside printable ASCII.
     */
    private static int putIdentifier(
        final MutableDirectBuffer dst, final int index, final DirectBuffer src, final int offset, final int length)
    {
        int i = index;
        for (int j = 0; j < length; j++)
        {
            final byte b = src.getByte(offset + j);
            if (0 == b)
            {
                break;
            }
            if ('"' == b || '\\' == b)
            {
                dst.putByte(i++, (byte)'\\');
            }
            dst.putByte(i++, b);
        }

        return i - index;
    }

    /**
     * Writes a uint64 held in a long in decimal.
     */
    static int putUnsignedLongAscii(final MutableDirectBuffer dst, final int index, final long value)
    {
        if (value >= 0)
        {
            return dst.putNaturalLongAscii(index, value);
        }

        // Above Long.MAX_VALUE: divide by ten without the sign bit, then append the last digit.
        final long quotient = (value >>> 1) / 5;
        final long lastDigit = value - quotient * 10;
        final int length = dst.putNaturalLongAscii(index, quotient);
        dst.putByte(index + length, (byte)('0' + lastDigit));

        return length + 1;
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
