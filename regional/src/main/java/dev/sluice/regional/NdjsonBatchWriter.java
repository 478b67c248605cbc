package dev.sluice.regional;

import dev.sluice.protocol.EventKind;
import dev.sluice.protocol.codec.AnonymizedFieldsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.EventsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FlowsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FramesDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

import static dev.sluice.regional.NdjsonFields.*;

/**
 * Renders accepted batches as NDJSON lines (see {@link NdjsonFields}) into the off-heap buffer of
 * an {@link OutputFile}. Lines are built byte by byte from the SBE flyweights: nothing is allocated
 * per batch or per record. The header fields shared by a batch's records are rendered once per
 * batch and copied in front of each line.
 * <p>
 * The caller reserves room for a whole batch with {@link #ensureCapacity(long)} before writing it,
 * so a batch is never split by a failing flush. A partial last line left by an earlier crash is
 * terminated on open.
 * <p>
 * Agent thread only.
 */
final class NdjsonBatchWriter implements AutoCloseable
{
    /**
     * Upper bound of the rendered batch header: every key, the identifiers at twice their field
     * length (each byte may need a backslash), three 64-bit numbers and the worker index.
     */
    static final int PREFIX_MAX_LENGTH = 512;

    /**
     * Upper bound of a packet line after the header, with every field at its longest.
     */
    static final int PACKET_FIELDS_MAX_LENGTH = 1024;

    /**
     * Upper bound of a flow line after the header, with every field at its longest.
     */
    static final int FLOW_FIELDS_MAX_LENGTH = 1024;

    /**
     * Upper bound of a frame line after the header, excluding the base64 bytes.
     */
    static final int FRAME_FIELDS_MAX_LENGTH = 256;

    /**
     * Upper bound of an event line after the header, excluding the body.
     */
    static final int EVENT_FIELDS_MAX_LENGTH = 128;

    /**
     * Largest buffer the writer grows to for one batch.
     */
    static final int MAX_BUFFER_LENGTH = OutputFile.MAX_BUFFER_LENGTH;

    private static final byte[] OPEN_GATEWAY = ascii("{\"" + GATEWAY + "\":\"");
    private static final byte[] KEY_SITE = ascii("\",\"" + SITE + "\":\"");
    private static final byte[] KEY_ORIGIN_REGION = ascii("\",\"" + ORIGIN_REGION + "\":\"");
    private static final byte[] KEY_DESTINATION = ascii("\",\"" + DESTINATION + "\":\"");
    private static final byte[] KEY_WORKER = ascii("\",\"" + WORKER + "\":");
    private static final byte[] KEY_SEQUENCE = ascii(",\"" + SEQUENCE + "\":");
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
    private static final byte[] KEY_IP_TOS = ascii(",\"" + IP_TOS + "\":");
    private static final byte[] KEY_TUNNEL_TYPE = ascii(",\"" + TUNNEL_TYPE + "\":");
    private static final byte[] KEY_TUNNEL_DEPTH = ascii(",\"" + TUNNEL_DEPTH + "\":");
    private static final byte[] KEY_TUNNEL_ID = ascii(",\"" + TUNNEL_ID + "\":");
    private static final byte[] KEY_INNER_IP_VERSION = ascii(",\"" + INNER_IP_VERSION + "\":");
    private static final byte[] KEY_INNER_IP_PROTO = ascii(",\"" + INNER_IP_PROTO + "\":");
    private static final byte[] KEY_INNER_SRC = ascii(",\"" + INNER_SRC + "\":");
    private static final byte[] KEY_INNER_DST = ascii(",\"" + INNER_DST + "\":");
    private static final byte[] KEY_INNER_SRC_PORT = ascii(",\"" + INNER_SRC_PORT + "\":");
    private static final byte[] KEY_INNER_DST_PORT = ascii(",\"" + INNER_DST_PORT + "\":");
    private static final byte[] KEY_ANONYMIZED = ascii(",\"" + ANONYMIZED + "\":[");
    private static final byte[] NAME_SRC = ascii("\"" + SRC + "\"");
    private static final byte[] NAME_DST = ascii("\"" + DST + "\"");
    private static final byte[] NAME_INNER_SRC = ascii("\"" + INNER_SRC + "\"");
    private static final byte[] NAME_INNER_DST = ascii("\"" + INNER_DST + "\"");
    private static final byte[] CLOSE_LIST = ascii("]}\n");
    private static final byte[] FLOW_FIRST_SEEN_NS = ascii(TYPE_FLOW + "\",\"" + FIRST_SEEN_NS + "\":");
    private static final byte[] KEY_LAST_SEEN_NS = ascii(",\"" + LAST_SEEN_NS + "\":");
    private static final byte[] KEY_PACKETS = ascii(",\"" + PACKETS + "\":");
    private static final byte[] KEY_BYTES = ascii(",\"" + BYTES + "\":");
    private static final byte[] KEY_REVERSE_PACKETS = ascii(",\"" + REVERSE_PACKETS + "\":");
    private static final byte[] KEY_REVERSE_BYTES = ascii(",\"" + REVERSE_BYTES + "\":");
    private static final byte[] KEY_END_REASON = ascii(",\"" + END_REASON + "\":");
    private static final byte[] FRAME_TS_NS = ascii(TYPE_FRAME + "\",\"" + TS_NS + "\":");
    private static final byte[] KEY_LINK_TYPE = ascii(",\"" + LINK_TYPE + "\":");
    private static final byte[] KEY_PAYLOAD_ACTION = ascii(",\"" + PAYLOAD_ACTION + "\":");
    private static final byte[] KEY_ORIG_PAYLOAD_LEN = ascii(",\"" + ORIG_PAYLOAD_LEN + "\":");
    private static final byte[] KEY_BYTES_B64 = ascii("],\"" + BYTES_B64 + "\":\"");
    private static final byte[] EVENT_TS_NS = ascii(TYPE_EVENT + "\",\"" + TS_NS + "\":");
    private static final byte[] KEY_EVENT_KIND = ascii(",\"" + EVENT_KIND + "\":");
    private static final byte[] KEY_EVENT = ascii(",\"" + EVENT + "\":");
    private static final byte[] KEY_BODY = ascii(",\"" + BODY + "\":\"");
    private static final byte[] KEY_BODY_B64 = ascii(",\"" + BODY_B64 + "\":\"");
    private static final byte[] CLOSE_OBJECT = ascii("}\n");
    private static final byte[] CLOSE_STRING = ascii("\"}\n");
    private static final byte[] NULL = ascii("null");

    /**
     * JSON value of each tunnel type by its wire value: {@code null} for NONE, else its quoted
     * lower-case name. The validator lets only defined values through.
     */
    private static final byte[][] TUNNEL_TYPE_VALUES = new byte[256][];

    /**
     * Quoted lower-case name of each flow end reason by its wire value.
     */
    private static final byte[][] END_REASON_VALUES = new byte[256][];

    /**
     * Quoted lower-case name of each payload action by its wire value.
     */
    private static final byte[][] PAYLOAD_ACTION_VALUES = new byte[256][];

    /**
     * {@code ,"kind":"<label>"} of each known event kind by its code.
     */
    private static final byte[][] KIND_FIELDS = new byte[EventKind.MAX_CODE + 1][];

    static
    {
        for (final TunnelType type : TunnelType.values())
        {
            if (TunnelType.NULL_VAL != type)
            {
                TUNNEL_TYPE_VALUES[type.value()] = TunnelType.NONE == type ? NULL : quoted(type.name());
            }
        }
        for (final FlowEndReason reason : FlowEndReason.values())
        {
            if (FlowEndReason.NULL_VAL != reason)
            {
                END_REASON_VALUES[reason.value()] = quoted(reason.name());
            }
        }
        for (final EventKind kind : EventKind.values())
        {
            KIND_FIELDS[kind.code()] = ascii(",\"" + KIND + "\":\"" + kind.label() + "\"");
        }
        for (final PayloadAction action : PayloadAction.values())
        {
            if (PayloadAction.NULL_VAL != action)
            {
                PAYLOAD_ACTION_VALUES[action.value()] = quoted(action.name());
            }
        }
    }

    private final OutputFile output;
    private final UnsafeBuffer prefix = new UnsafeBuffer(new byte[PREFIX_MAX_LENGTH]);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final EventBodyJson eventBody = new EventBodyJson();
    private int prefixLength;

    private NdjsonBatchWriter(final OutputFile output)
    {
        this.output = output;
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
        final OutputFile output = OutputFile.open(
            file, bufferLength, counters, RegionalCounter.OUTPUT_BYTES, errorHandler);
        try
        {
            final FileChannel channel = output.channel();
            final long size = channel.size();
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

            return new NdjsonBatchWriter(output);
        }
        catch (final IOException | RuntimeException ex)
        {
            output.close();
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
     * Bytes that a flow line may take at most.
     *
     * @return bound in bytes.
     */
    static long flowLineMaxLength()
    {
        return PREFIX_MAX_LENGTH + FLOW_FIELDS_MAX_LENGTH;
    }

    /**
     * Bytes that a frame line may take at most.
     *
     * @param bytesLength length of the frame's bytes.
     * @return bound in bytes.
     */
    static long frameLineMaxLength(final long bytesLength)
    {
        return PREFIX_MAX_LENGTH + FRAME_FIELDS_MAX_LENGTH + Base64Ascii.encodedLength(bytesLength);
    }

    /**
     * Bytes that an event line may take at most.
     *
     * @param bodyLength event body length in bytes.
     * @return bound in bytes.
     */
    static long eventLineMaxLength(final long bodyLength)
    {
        return PREFIX_MAX_LENGTH + EVENT_FIELDS_MAX_LENGTH +
            Math.max(EventBodyJson.STRING_BYTES_PER_BODY_BYTE * bodyLength, Base64Ascii.encodedLength(bodyLength));
    }

    Path file()
    {
        return output.file();
    }

    /**
     * Makes room for a batch, flushing and, for a batch larger than the buffer, growing it.
     *
     * @param lengthBytes upper bound of the batch's lines, at most {@link #MAX_BUFFER_LENGTH}.
     * @return false when the room cannot be made now because the file cannot be written.
     */
    boolean ensureCapacity(final long lengthBytes)
    {
        return output.ensureCapacity(lengthBytes);
    }

    boolean hasPending()
    {
        return output.hasPending();
    }

    /**
     * The buffer lines are rendered into; a line just written lies between the {@link #limit()}
     * before and after its {@code write*} call, for sinks that take the same bytes.
     *
     * @return the output buffer.
     */
    UnsafeBuffer buffer()
    {
        return output.buffer();
    }

    /**
     * Index in {@link #buffer()} after the last line rendered.
     *
     * @return the index.
     */
    int limit()
    {
        return output.limit();
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
     * Writes every buffered byte to the file.
     *
     * @return true when the buffer is now empty, false when the write failed (counted; the first
     * failure of a run is reported) and the bytes stay buffered for the next attempt.
     */
    boolean flush()
    {
        return output.flush();
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
        i += put(prefix, i, KEY_WORKER);
        i += prefix.putIntAscii(i, batch.workerIndex());
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
        final UnsafeBuffer buffer = output.buffer();
        int i = putPrefix(buffer, output.limit());

        i += put(buffer, i, PACKET_TS_NS);
        i += buffer.putLongAscii(i, packet.timestampNs());
        i += put(buffer, i, KEY_WIRE_LEN);
        i += buffer.putLongAscii(i, packet.wireLength());
        i += put(buffer, i, KEY_CAP_LEN);
        i += buffer.putLongAscii(i, packet.capturedLength());
        i += put(buffer, i, KEY_VLAN);
        i += putVlan(buffer, i, packet.vlanId());
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
        i += put(buffer, i, KEY_IP_TOS);
        i += buffer.putNaturalIntAscii(i, packet.ipTos());

        final short tunnelType = packet.tunnelTypeRaw();
        i += put(buffer, i, KEY_TUNNEL_TYPE);
        i += put(buffer, i, TUNNEL_TYPE_VALUES[tunnelType]);
        i += put(buffer, i, KEY_TUNNEL_DEPTH);
        i += buffer.putNaturalIntAscii(i, packet.tunnelDepth());
        i += put(buffer, i, KEY_TUNNEL_ID);
        i += putTunnelId(buffer, i, tunnelType, packet.tunnelId());

        final short innerIpVersion = packet.innerIpVersionRaw();
        if (IpVersion.NONE.value() == innerIpVersion)
        {
            i += put(buffer, i, KEY_INNER_IP_VERSION);
            i += put(buffer, i, NULL);
            i += put(buffer, i, KEY_INNER_IP_PROTO);
            i += put(buffer, i, NULL);
            i += put(buffer, i, KEY_INNER_SRC);
            i += put(buffer, i, NULL);
            i += put(buffer, i, KEY_INNER_DST);
            i += put(buffer, i, NULL);
            i += put(buffer, i, KEY_INNER_SRC_PORT);
            i += put(buffer, i, NULL);
            i += put(buffer, i, KEY_INNER_DST_PORT);
            i += put(buffer, i, NULL);
        }
        else
        {
            i += put(buffer, i, KEY_INNER_IP_VERSION);
            i += buffer.putNaturalIntAscii(i, innerIpVersion);
            i += put(buffer, i, KEY_INNER_IP_PROTO);
            i += buffer.putNaturalIntAscii(i, packet.innerIpProtocol());
            i += put(buffer, i, KEY_INNER_SRC);
            packet.wrapInnerSrcAddress(view);
            i += putAddress(buffer, i, innerIpVersion, view);
            i += put(buffer, i, KEY_INNER_DST);
            packet.wrapInnerDstAddress(view);
            i += putAddress(buffer, i, innerIpVersion, view);
            i += put(buffer, i, KEY_INNER_SRC_PORT);
            i += buffer.putNaturalIntAscii(i, packet.innerSrcPort());
            i += put(buffer, i, KEY_INNER_DST_PORT);
            i += buffer.putNaturalIntAscii(i, packet.innerDstPort());
        }

        i += put(buffer, i, KEY_ANONYMIZED);
        i += putAnonymized(buffer, i, packet.anonymized());
        i += put(buffer, i, CLOSE_LIST);

        output.limit(i);
    }

    /**
     * Appends one flow record line.
     *
     * @param flow decoder positioned on the entry.
     */
    void writeFlow(final FlowsDecoder flow)
    {
        final UnsafeBuffer buffer = output.buffer();
        int i = putPrefix(buffer, output.limit());

        i += put(buffer, i, FLOW_FIRST_SEEN_NS);
        i += buffer.putLongAscii(i, flow.firstSeenNs());
        i += put(buffer, i, KEY_LAST_SEEN_NS);
        i += buffer.putLongAscii(i, flow.lastSeenNs());
        i += put(buffer, i, KEY_PACKETS);
        i += putUnsignedLongAscii(buffer, i, flow.packets());
        i += put(buffer, i, KEY_BYTES);
        i += putUnsignedLongAscii(buffer, i, flow.bytes());
        i += put(buffer, i, KEY_REVERSE_PACKETS);
        i += putUnsignedLongAscii(buffer, i, flow.reversePackets());
        i += put(buffer, i, KEY_REVERSE_BYTES);
        i += putUnsignedLongAscii(buffer, i, flow.reverseBytes());
        i += put(buffer, i, KEY_VLAN);
        i += putVlan(buffer, i, flow.vlanId());
        i += put(buffer, i, KEY_IP_VERSION);
        final short ipVersion = flow.ipVersionRaw();
        i += buffer.putNaturalIntAscii(i, ipVersion);
        i += put(buffer, i, KEY_IP_PROTO);
        i += buffer.putNaturalIntAscii(i, flow.ipProtocol());

        i += put(buffer, i, KEY_SRC);
        flow.wrapSrcAddress(view);
        i += putAddress(buffer, i, ipVersion, view);
        i += put(buffer, i, KEY_DST);
        flow.wrapDstAddress(view);
        i += putAddress(buffer, i, ipVersion, view);

        i += put(buffer, i, KEY_SRC_PORT);
        i += buffer.putNaturalIntAscii(i, flow.srcPort());
        i += put(buffer, i, KEY_DST_PORT);
        i += buffer.putNaturalIntAscii(i, flow.dstPort());
        i += put(buffer, i, KEY_TCP_FLAGS);
        i += buffer.putNaturalIntAscii(i, flow.tcpFlags());
        i += put(buffer, i, KEY_IP_TOS);
        i += buffer.putNaturalIntAscii(i, flow.ipTos());
        final short tunnelType = flow.tunnelTypeRaw();
        i += put(buffer, i, KEY_TUNNEL_TYPE);
        i += put(buffer, i, TUNNEL_TYPE_VALUES[tunnelType]);
        i += put(buffer, i, KEY_TUNNEL_ID);
        i += putTunnelId(buffer, i, tunnelType, flow.tunnelId());
        i += put(buffer, i, KEY_END_REASON);
        i += put(buffer, i, END_REASON_VALUES[flow.endReasonRaw()]);

        i += put(buffer, i, KEY_ANONYMIZED);
        i += putAnonymized(buffer, i, flow.anonymized());
        i += put(buffer, i, CLOSE_LIST);

        output.limit(i);
    }

    /**
     * Appends one frame line.
     *
     * @param frame decoder positioned on the entry.
     * @param bytes the frame's bytes, already wrapped from the entry.
     */
    void writeFrame(final FramesDecoder frame, final DirectBuffer bytes)
    {
        final UnsafeBuffer buffer = output.buffer();
        int i = putPrefix(buffer, output.limit());

        i += put(buffer, i, FRAME_TS_NS);
        i += buffer.putLongAscii(i, frame.timestampNs());
        i += put(buffer, i, KEY_WIRE_LEN);
        i += buffer.putLongAscii(i, frame.wireLength());
        i += put(buffer, i, KEY_CAP_LEN);
        i += buffer.putLongAscii(i, frame.capturedLength());
        i += put(buffer, i, KEY_LINK_TYPE);
        i += buffer.putNaturalIntAscii(i, frame.linkType());
        i += put(buffer, i, KEY_PAYLOAD_ACTION);
        i += put(buffer, i, PAYLOAD_ACTION_VALUES[frame.payloadActionRaw()]);
        i += put(buffer, i, KEY_ORIG_PAYLOAD_LEN);
        i += buffer.putLongAscii(i, frame.originalPayloadLength());
        i += put(buffer, i, KEY_ANONYMIZED);
        i += putAnonymized(buffer, i, frame.anonymized());
        i += put(buffer, i, KEY_BYTES_B64);
        i += Base64Ascii.encode(bytes, 0, bytes.capacity(), buffer, i);
        i += put(buffer, i, CLOSE_STRING);

        output.limit(i);
    }

    /**
     * Appends one event line: its kind by label ({@code "kind":"syslog"}; an unknown code as
     * {@code "event_kind":N}) and its body in the most readable form it qualifies for: a JSON or
     * flow body that is one valid JSON object as {@code "event":{...}}; a valid UTF-8 body as the
     * string {@code "body":"..."}; any other as {@code "body_b64":"..."}. Each form is tried in
     * place; a body that does not qualify is overwritten by the next form.
     *
     * @param event decoder positioned on the entry; its body is consumed.
     */
    void writeEvent(final EventsDecoder event)
    {
        final UnsafeBuffer buffer = output.buffer();
        int i = putPrefix(buffer, output.limit());

        i += put(buffer, i, EVENT_TS_NS);
        i += buffer.putLongAscii(i, event.timestampNs());
        final int kindCode = event.eventKind();
        final EventKind kind = EventKind.get(kindCode);
        if (null != kind)
        {
            i += put(buffer, i, KIND_FIELDS[kindCode]);
        }
        else
        {
            i += put(buffer, i, KEY_EVENT_KIND);
            i += buffer.putNaturalIntAscii(i, kindCode);
        }
        event.wrapBody(view);
        final int bodyLength = view.capacity();

        if (EventKind.JSON == kind || EventKind.FLOW == kind)
        {
            final int start = i + KEY_EVENT.length;
            final int length = eventBody.putObject(view, 0, bodyLength, buffer, start);
            if (length >= 0)
            {
                put(buffer, i, KEY_EVENT);
                i = start + length;
                i += put(buffer, i, CLOSE_OBJECT);
                output.limit(i);
                return;
            }
        }

        final int start = i + KEY_BODY.length;
        final int length = EventBodyJson.putString(view, 0, bodyLength, buffer, start);
        if (length >= 0)
        {
            put(buffer, i, KEY_BODY);
            i = start + length;
        }
        else
        {
            i += put(buffer, i, KEY_BODY_B64);
            i += Base64Ascii.encode(view, 0, bodyLength, buffer, i);
        }
        i += put(buffer, i, CLOSE_STRING);

        output.limit(i);
    }

    /**
     * Flushes what is buffered and releases the file. Idempotent.
     */
    public void close()
    {
        output.close();
    }

    private int putPrefix(final UnsafeBuffer buffer, final int index)
    {
        buffer.putBytes(index, prefix, 0, prefixLength);
        return index + prefixLength;
    }

    private static int putVlan(final MutableDirectBuffer dst, final int index, final int vlanId)
    {
        return PacketsDecoder.vlanIdNullValue() == vlanId ? put(dst, index, NULL) : dst.putNaturalIntAscii(index, vlanId);
    }

    private static int putTunnelId(final MutableDirectBuffer dst, final int index, final short tunnelType, final long id)
    {
        return TunnelType.NONE.value() == tunnelType ? put(dst, index, NULL) : dst.putLongAscii(index, id);
    }

    private static int putAnonymized(final MutableDirectBuffer dst, final int index, final AnonymizedFieldsDecoder fields)
    {
        int i = index;
        if (fields.srcAddress())
        {
            i += put(dst, i, NAME_SRC);
        }
        if (fields.dstAddress())
        {
            i += putSeparated(dst, i, index, NAME_DST);
        }
        if (fields.innerSrcAddress())
        {
            i += putSeparated(dst, i, index, NAME_INNER_SRC);
        }
        if (fields.innerDstAddress())
        {
            i += putSeparated(dst, i, index, NAME_INNER_DST);
        }

        return i - index;
    }

    private static int putSeparated(final MutableDirectBuffer dst, final int index, final int listStart, final byte[] name)
    {
        if (index == listStart)
        {
            return put(dst, index, name);
        }
        dst.putByte(index, (byte)',');
        return 1 + put(dst, index + 1, name);
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

    private static byte[] quoted(final String enumName)
    {
        return ascii("\"" + enumName.toLowerCase(Locale.ROOT) + "\"");
    }
}
