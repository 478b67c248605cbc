package dev.sluice.regional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the batch handler: any bytes end in exactly one counted verdict and never an exception;
 * an accepted batch yields one valid JSON object per record, a readable pcapng packet per frame,
 * and a replay of it is a duplicate; a batch built from fuzzed values and left intact is written
 * back with exactly those values.
 */
@Timeout(300)
class DataBatchHandlerFuzzTest
{
    private static final String REGION = "eu-west";
    private static final String PRINTABLE =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    private static final IpVersion[] IP_VERSIONS = { IpVersion.NONE, IpVersion.V4, IpVersion.V6 };
    private static final IpVersion[] INNER_IP_VERSIONS = { IpVersion.V4, IpVersion.V6 };
    private static final TunnelType[] TUNNEL_TYPES = {
        TunnelType.NONE, TunnelType.GRE, TunnelType.ERSPAN, TunnelType.VXLAN, TunnelType.GENEVE, TunnelType.GTPU,
        TunnelType.IPIP, TunnelType.TEREDO };
    private static final FlowEndReason[] END_REASONS = {
        FlowEndReason.IDLE_TIMEOUT, FlowEndReason.ACTIVE_TIMEOUT, FlowEndReason.TCP_FIN, FlowEndReason.TCP_RST,
        FlowEndReason.EVICTED, FlowEndReason.FLUSHED };
    private static final PayloadAction[] PAYLOAD_ACTIONS = { PayloadAction.NONE, PayloadAction.TRUNCATED, PayloadAction.STRIPPED };

    @FuzzTest(maxDuration = "3m")
    void fuzzFrame(final byte[] frame) throws IOException
    {
        handleAndCheck(new UnsafeBuffer(frame), null);
    }

    @FuzzTest(maxDuration = "3m")
    void fuzzMutatedBatch(final FuzzedDataProvider data) throws IOException
    {
        final TestBatch batch = new TestBatch();
        batch.gatewayId = text(data, 32, 1);
        batch.site = text(data, 32, 0);
        batch.originRegion = text(data, 16, 0);
        batch.destination = data.consumeBoolean() ? REGION : text(data, 16, 0);
        batch.sequence = data.consumeLong();
        batch.policyVersion = data.consumeLong();
        batch.encodedTimestampNs = data.consumeLong();

        final int packets = data.consumeInt(0, 20);
        for (int i = 0; i < packets; i++)
        {
            batch.packet(packet(data));
        }
        final int flows = data.consumeInt(0, 10);
        for (int i = 0; i < flows; i++)
        {
            batch.flow(flow(data));
        }
        final int frames = data.consumeInt(0, 5);
        for (int i = 0; i < frames; i++)
        {
            batch.frame(frame(data));
        }
        final int events = data.consumeInt(0, 5);
        for (int i = 0; i < events; i++)
        {
            // Mostly known kinds, json and flow among them, so that bodies get embedded, escaped and base64-encoded.
            final int kind = data.consumeBoolean() ? data.consumeInt(0, 7) : data.consumeInt(0, 0xFFFE);
            batch.event(data.consumeLong(), kind, data.consumeBytes(data.consumeInt(0, 300)));
        }

        final UnsafeBuffer encoded = batch.encode();
        final int mutations = data.consumeInt(0, 4);
        for (int i = 0; i < mutations; i++)
        {
            encoded.putByte(data.consumeInt(0, encoded.capacity() - 1), data.consumeByte());
        }
        final int length = data.consumeBoolean() ? encoded.capacity() : data.consumeInt(0, encoded.capacity());

        handleAndCheck(new UnsafeBuffer(encoded, 0, length), 0 == mutations && length == encoded.capacity() ? batch : null);
    }

    private static TestBatch.Packet packet(final FuzzedDataProvider data)
    {
        final IpVersion ipVersion = data.pickValue(IP_VERSIONS);
        final TunnelType tunnelType = data.pickValue(TUNNEL_TYPES);
        final boolean tunnelled = TunnelType.NONE != tunnelType;
        final IpVersion innerIpVersion = tunnelled && data.consumeBoolean() ? data.pickValue(INNER_IP_VERSIONS) : IpVersion.NONE;
        final boolean isIp = IpVersion.NONE != ipVersion;
        final boolean hasInner = IpVersion.NONE != innerIpVersion;
        return new TestBatch.Packet(
            data.consumeLong(),
            data.consumeLong(0, 0xFFFF_FFFFL),
            data.consumeLong(0, 0xFFFF_FFFFL),
            data.consumeInt(-1, 0xFFFE),
            data.consumeInt(0, 0xFFFF),
            ipVersion,
            (short)data.consumeInt(0, 0xFF),
            address(data, ipVersion),
            address(data, ipVersion),
            data.consumeInt(0, 0xFFFF),
            data.consumeInt(0, 0xFFFF),
            data.consumeInt(0, 0x1FF),
            (short)data.consumeInt(0, 0xFF),
            (short)data.consumeInt(0, 0xFF),
            isIp && data.consumeBoolean(),
            isIp && data.consumeBoolean(),
            (short)data.consumeInt(0, 0xFF),
            tunnelType,
            (short)(tunnelled ? data.consumeInt(1, 0xFF) : 0),
            tunnelled ? data.consumeLong(0, 0xFFFF_FFFFL) : 0,
            innerIpVersion,
            (short)(hasInner ? data.consumeInt(0, 0xFF) : 0),
            address(data, innerIpVersion),
            address(data, innerIpVersion),
            hasInner ? data.consumeInt(0, 0xFFFF) : 0,
            hasInner ? data.consumeInt(0, 0xFFFF) : 0,
            hasInner && data.consumeBoolean(),
            hasInner && data.consumeBoolean());
    }

    private static TestBatch.Flow flow(final FuzzedDataProvider data)
    {
        final IpVersion ipVersion = data.pickValue(IP_VERSIONS);
        final TunnelType tunnelType = data.pickValue(TUNNEL_TYPES);
        final boolean isIp = IpVersion.NONE != ipVersion;
        final long firstSeenNs = data.consumeLong();
        return new TestBatch.Flow(
            firstSeenNs,
            data.consumeLong(firstSeenNs, Long.MAX_VALUE),
            data.consumeLong(),
            data.consumeLong(),
            data.consumeLong(),
            data.consumeLong(),
            data.consumeInt(-1, 0xFFFE),
            ipVersion,
            (short)data.consumeInt(0, 0xFF),
            address(data, ipVersion),
            address(data, ipVersion),
            data.consumeInt(0, 0xFFFF),
            data.consumeInt(0, 0xFFFF),
            data.consumeInt(0, 0xFFFF),
            (short)data.consumeInt(0, 0xFF),
            tunnelType,
            TunnelType.NONE == tunnelType ? 0 : data.consumeLong(0, 0xFFFF_FFFFL),
            data.pickValue(END_REASONS),
            isIp && data.consumeBoolean(),
            isIp && data.consumeBoolean());
    }

    private static TestBatch.Frame frame(final FuzzedDataProvider data)
    {
        final PayloadAction action = data.pickValue(PAYLOAD_ACTIONS);
        final byte[] bytes = data.consumeBytes(data.consumeInt(0, 2000));
        final long capturedLength = PayloadAction.NONE == action ?
            bytes.length : data.consumeLong(bytes.length, 0xFFFF_FFFFL);
        return new TestBatch.Frame(
            data.consumeLong(0, Long.MAX_VALUE),
            data.consumeLong(0, 0xFFFF_FFFFL),
            capturedLength,
            data.consumeInt(0, 0xFFFF),
            action,
            data.consumeLong(0, 0xFFFF_FFFFL),
            data.consumeBoolean(),
            data.consumeBoolean(),
            data.consumeBoolean(),
            data.consumeBoolean(),
            bytes);
    }

    /**
     * Handles the frame with a fresh core state and checks the verdict and the output; when
     * {@code intact} is given, also that every written value equals the one encoded.
     */
    private static void handleAndCheck(final UnsafeBuffer frame, final TestBatch intact) throws IOException
    {
        final Path dir = Files.createTempDirectory("sluice-regional-fuzz");
        final Path file = dir.resolve(REGION + ".ndjson");
        final Path pcapng = dir.resolve(REGION + ".pcapng");
        final List<Throwable> errors = new ArrayList<>();
        final RegionalCounters counters = new RegionalCounters(REGION);
        final NdjsonBatchWriter writer = NdjsonBatchWriter.open(file, 64 * 1024, counters, errors::add);
        final PcapngFrameWriter frameWriter = PcapngFrameWriter.open(pcapng, 64 * 1024, REGION, counters, errors::add);
        try
        {
            final DataBatchHandler handler = new DataBatchHandler(REGION, counters, writer, frameWriter, errors::add);
            assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));

            final long batches = counters.get(RegionalCounter.BATCHES);
            assertEquals(1, batches + counters.get(RegionalCounter.MISROUTED) +
                counters.get(RegionalCounter.REJECTED_FRAMES), "exactly one verdict");
            assertEquals(frame.capacity(), counters.get(RegionalCounter.BYTES_RECEIVED));
            assertEquals(counters.get(RegionalCounter.RECORDS),
                counters.get(RegionalCounter.PACKET_RECORDS) + counters.get(RegionalCounter.FLOW_RECORDS) +
                counters.get(RegionalCounter.FRAME_RECORDS) + counters.get(RegionalCounter.EVENT_RECORDS));

            if (1 == batches)
            {
                assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
                assertEquals(1, counters.get(RegionalCounter.DUPLICATES), "a replay is a duplicate");
            }

            writer.flush();
            frameWriter.flush();
            final List<JsonNode> lines = NdjsonReader.read(file);
            assertEquals(counters.get(RegionalCounter.RECORDS), lines.size());
            // Whatever the writer wrote, the sink feed reads back as records: a sink gets the file's lines.
            final RecordingSink sink = new RecordingSink(true);
            try (SinkFeed feed = new SinkFeed(file, 4096, sink, handler.streams(), 0, counters, errors::add))
            {
                feed.durableLength(writer.writtenLength());
                for (int i = 0; i < 100_000 && feed.hasUnoffered(); i++)
                {
                    feed.doWork(0);
                }
            }
            assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8), sink.lines(), "a sink gets the file's lines");
            assertEquals(0, counters.get(RegionalCounter.SINK_FEED_UNREADABLE));
            for (final JsonNode line : lines)
            {
                assertEquals(REGION, line.get(NdjsonFields.DESTINATION).asText());
                assertTrue(line.get(NdjsonFields.SEQUENCE).asLong() > 0);
            }
            final PcapngReader.Capture capture = PcapngReader.read(pcapng);
            assertEquals(1, capture.applications().size());
            assertEquals(counters.get(RegionalCounter.FRAME_RECORDS), capture.packets().size());
            assertEquals(Files.size(pcapng), counters.get(RegionalCounter.PCAPNG_BYTES));

            if (null != intact && REGION.equals(intact.destination) && intact.sequence > 0 &&
                isPrintable(intact.gatewayId) && !intact.gatewayId.isEmpty())
            {
                assertEquals(1, batches, "an intact batch for this region is accepted");
                assertWritten(intact, lines, capture);
            }
            assertEquals(List.of(), errors.stream().filter((e) -> !(e instanceof UnsupportedSchemaVersionException)).toList());
        }
        finally
        {
            writer.close();
            frameWriter.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(pcapng);
            Files.delete(dir);
        }
    }

    private static void assertWritten(final TestBatch batch, final List<JsonNode> lines, final PcapngReader.Capture capture)
    {
        assertEquals(batch.recordCount(), lines.size());
        int index = 0;
        for (final TestBatch.Packet p : batch.packets)
        {
            final JsonNode line = lines.get(index++);
            assertHeader(batch, line);
            assertEquals(NdjsonFields.TYPE_PACKET, line.get(NdjsonFields.TYPE).asText());
            assertEquals(p.timestampNs(), line.get(NdjsonFields.TS_NS).asLong());
            assertEquals(p.wireLength(), line.get(NdjsonFields.WIRE_LEN).asLong());
            assertEquals(p.capturedLength(), line.get(NdjsonFields.CAP_LEN).asLong());
            assertVlan(p.vlanId(), line);
            assertEquals(p.etherType(), line.get(NdjsonFields.ETH_TYPE).asInt());
            assertEquals(p.ipVersion().value(), line.get(NdjsonFields.IP_VERSION).asInt());
            assertEquals(p.ipProtocol(), line.get(NdjsonFields.IP_PROTO).asInt());
            assertAddress(p.ipVersion(), p.src(), line.get(NdjsonFields.SRC));
            assertAddress(p.ipVersion(), p.dst(), line.get(NdjsonFields.DST));
            assertEquals(p.srcPort(), line.get(NdjsonFields.SRC_PORT).asInt());
            assertEquals(p.dstPort(), line.get(NdjsonFields.DST_PORT).asInt());
            assertEquals(p.tcpFlags(), line.get(NdjsonFields.TCP_FLAGS).asInt());
            assertEquals(p.icmpType(), line.get(NdjsonFields.ICMP_TYPE).asInt());
            assertEquals(p.icmpCode(), line.get(NdjsonFields.ICMP_CODE).asInt());
            assertEquals(p.ipTos(), line.get(NdjsonFields.IP_TOS).asInt());
            assertTunnel(p.tunnelType(), p.tunnelId(), line);
            assertEquals(p.tunnelDepth(), line.get(NdjsonFields.TUNNEL_DEPTH).asInt());
            if (IpVersion.NONE == p.innerIpVersion())
            {
                for (final String field : List.of(NdjsonFields.INNER_IP_VERSION, NdjsonFields.INNER_IP_PROTO,
                    NdjsonFields.INNER_SRC, NdjsonFields.INNER_DST, NdjsonFields.INNER_SRC_PORT, NdjsonFields.INNER_DST_PORT))
                {
                    assertTrue(line.get(field).isNull(), field);
                }
            }
            else
            {
                assertEquals(p.innerIpVersion().value(), line.get(NdjsonFields.INNER_IP_VERSION).asInt());
                assertEquals(p.innerIpProtocol(), line.get(NdjsonFields.INNER_IP_PROTO).asInt());
                assertAddress(p.innerIpVersion(), p.innerSrc(), line.get(NdjsonFields.INNER_SRC));
                assertAddress(p.innerIpVersion(), p.innerDst(), line.get(NdjsonFields.INNER_DST));
                assertEquals(p.innerSrcPort(), line.get(NdjsonFields.INNER_SRC_PORT).asInt());
                assertEquals(p.innerDstPort(), line.get(NdjsonFields.INNER_DST_PORT).asInt());
            }
            assertAnonymized(line, p.srcAnonymized(), p.dstAnonymized(), p.innerSrcAnonymized(), p.innerDstAnonymized());
            // The 8 header fields (worker among them since DataBatch v3), then the record's own with its type.
            assertEquals(8 + 26, line.size(), "every field present: " + line);
        }

        for (final TestBatch.Flow f : batch.flows)
        {
            final JsonNode line = lines.get(index++);
            assertHeader(batch, line);
            assertEquals(NdjsonFields.TYPE_FLOW, line.get(NdjsonFields.TYPE).asText());
            assertEquals(f.firstSeenNs(), line.get(NdjsonFields.FIRST_SEEN_NS).asLong());
            assertEquals(f.lastSeenNs(), line.get(NdjsonFields.LAST_SEEN_NS).asLong());
            assertUnsigned(f.packets(), line.get(NdjsonFields.PACKETS));
            assertUnsigned(f.bytes(), line.get(NdjsonFields.BYTES));
            assertUnsigned(f.reversePackets(), line.get(NdjsonFields.REVERSE_PACKETS));
            assertUnsigned(f.reverseBytes(), line.get(NdjsonFields.REVERSE_BYTES));
            assertVlan(f.vlanId(), line);
            assertEquals(f.ipVersion().value(), line.get(NdjsonFields.IP_VERSION).asInt());
            assertEquals(f.ipProtocol(), line.get(NdjsonFields.IP_PROTO).asInt());
            assertAddress(f.ipVersion(), f.src(), line.get(NdjsonFields.SRC));
            assertAddress(f.ipVersion(), f.dst(), line.get(NdjsonFields.DST));
            assertEquals(f.srcPort(), line.get(NdjsonFields.SRC_PORT).asInt());
            assertEquals(f.dstPort(), line.get(NdjsonFields.DST_PORT).asInt());
            assertEquals(f.tcpFlags(), line.get(NdjsonFields.TCP_FLAGS).asInt());
            assertEquals(f.ipTos(), line.get(NdjsonFields.IP_TOS).asInt());
            assertTunnel(f.tunnelType(), f.tunnelId(), line);
            assertEquals(f.endReason().name().toLowerCase(Locale.ROOT), line.get(NdjsonFields.END_REASON).asText());
            assertAnonymized(line, f.srcAnonymized(), f.dstAnonymized(), false, false);
            assertEquals(8 + 20, line.size(), "every field present: " + line);
        }

        int frameIndex = 0;
        for (final TestBatch.Frame f : batch.frames)
        {
            final JsonNode line = lines.get(index++);
            assertHeader(batch, line);
            assertEquals(NdjsonFields.TYPE_FRAME, line.get(NdjsonFields.TYPE).asText());
            assertEquals(f.timestampNs(), line.get(NdjsonFields.TS_NS).asLong());
            assertEquals(f.wireLength(), line.get(NdjsonFields.WIRE_LEN).asLong());
            assertEquals(f.capturedLength(), line.get(NdjsonFields.CAP_LEN).asLong());
            assertEquals(f.linkType(), line.get(NdjsonFields.LINK_TYPE).asInt());
            assertEquals(f.payloadAction().name().toLowerCase(Locale.ROOT), line.get(NdjsonFields.PAYLOAD_ACTION).asText());
            assertEquals(f.originalPayloadLength(), line.get(NdjsonFields.ORIG_PAYLOAD_LEN).asLong());
            assertAnonymized(line, f.srcAnonymized(), f.dstAnonymized(), f.innerSrcAnonymized(), f.innerDstAnonymized());
            assertArrayEquals(f.bytes(), Base64.getDecoder().decode(line.get(NdjsonFields.BYTES_B64).asText()));
            assertEquals(8 + 9, line.size(), "every field present: " + line);

            final PcapngReader.Packet packet = capture.packets().get(frameIndex++);
            assertArrayEquals(f.bytes(), packet.bytes());
            assertEquals(f.linkType(), packet.linkType());
            assertEquals(f.timestampNs(), packet.timestampNs());
            assertEquals(PcapngFrameWriter.originalLength(f.payloadAction().value(), f.wireLength(), f.bytes().length),
                packet.originalLength());
            assertEquals(PayloadAction.NONE == f.payloadAction(), null == packet.comment());
        }
        assertEquals(batch.frames.stream().map(TestBatch.Frame::linkType).distinct().toList(), capture.linkTypes().getFirst());

        for (final TestBatch.Event e : batch.events)
        {
            final JsonNode line = lines.get(index++);
            assertHeader(batch, line);
            assertEquals(NdjsonFields.TYPE_EVENT, line.get(NdjsonFields.TYPE).asText());
            assertEquals(e.timestampNs(), line.get(NdjsonFields.TS_NS).asLong());
            assertEquals(8 + 1 + EventLines.assertEvent(e.eventKind(), e.body(), line), line.size(), "every field present");
        }
    }

    private static void assertHeader(final TestBatch batch, final JsonNode line)
    {
        assertEquals(batch.gatewayId, line.get(NdjsonFields.GATEWAY).asText());
        assertEquals(batch.site, line.get(NdjsonFields.SITE).asText());
        assertEquals(batch.originRegion, line.get(NdjsonFields.ORIGIN_REGION).asText());
        assertEquals(batch.sequence, line.get(NdjsonFields.SEQUENCE).asLong());
        assertEquals(Long.toUnsignedString(batch.policyVersion), line.get(NdjsonFields.POLICY_VERSION).asText());
        assertEquals(batch.encodedTimestampNs, line.get(NdjsonFields.ENCODED_TS_NS).asLong());
    }

    private static void assertVlan(final int vlanId, final JsonNode line)
    {
        assertEquals(vlanId < 0, line.get(NdjsonFields.VLAN).isNull());
        if (vlanId >= 0)
        {
            assertEquals(vlanId, line.get(NdjsonFields.VLAN).asInt());
        }
    }

    private static void assertTunnel(final TunnelType tunnelType, final long tunnelId, final JsonNode line)
    {
        if (TunnelType.NONE == tunnelType)
        {
            assertTrue(line.get(NdjsonFields.TUNNEL_TYPE).isNull());
            assertTrue(line.get(NdjsonFields.TUNNEL_ID).isNull());
        }
        else
        {
            assertEquals(tunnelType.name().toLowerCase(Locale.ROOT), line.get(NdjsonFields.TUNNEL_TYPE).asText());
            assertEquals(tunnelId, line.get(NdjsonFields.TUNNEL_ID).asLong());
        }
    }

    private static void assertUnsigned(final long value, final JsonNode number)
    {
        assertTrue(number.isIntegralNumber(), number.toString());
        assertEquals(Long.toUnsignedString(value), number.asText());
    }

    private static void assertAnonymized(
        final JsonNode line, final boolean src, final boolean dst, final boolean innerSrc, final boolean innerDst)
    {
        final List<String> anonymized = new ArrayList<>();
        line.get(NdjsonFields.ANONYMIZED).forEach((name) -> anonymized.add(name.asText()));
        final List<String> expected = new ArrayList<>();
        if (src)
        {
            expected.add(NdjsonFields.SRC);
        }
        if (dst)
        {
            expected.add(NdjsonFields.DST);
        }
        if (innerSrc)
        {
            expected.add(NdjsonFields.INNER_SRC);
        }
        if (innerDst)
        {
            expected.add(NdjsonFields.INNER_DST);
        }
        assertEquals(expected, anonymized);
    }

    private static void assertAddress(final IpVersion ipVersion, final byte[] address, final JsonNode text)
    {
        if (IpVersion.NONE == ipVersion)
        {
            assertTrue(text.isNull());
            return;
        }

        final byte[] parsed = InetAddress.ofLiteral(text.asText()).getAddress();
        if (IpVersion.V6 == ipVersion)
        {
            IpAddressTextTest.assertRfc5952(address, text.asText());
        }
        else
        {
            assertArrayEquals(address, parsed, text.asText());
        }
    }

    private static String text(final FuzzedDataProvider data, final int maxLength, final int minLength)
    {
        final int length = data.consumeInt(minLength, maxLength);
        final StringBuilder builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.append(PRINTABLE.charAt(data.consumeInt(0, PRINTABLE.length() - 1)));
        }
        return builder.toString();
    }

    /**
     * An address of the version's length, zeros when not IP.
     */
    private static byte[] address(final FuzzedDataProvider data, final IpVersion ipVersion)
    {
        if (IpVersion.NONE == ipVersion)
        {
            return new byte[16];
        }
        final byte[] bytes = new byte[IpVersion.V4 == ipVersion ? 4 : 16];
        final byte[] consumed = data.consumeBytes(bytes.length);
        System.arraycopy(consumed, 0, bytes, 0, consumed.length);
        return bytes;
    }

    private static boolean isPrintable(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (PRINTABLE.indexOf(text.charAt(i)) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
