package dev.sluice.regional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The length bounds the validator reserves output with hold for records whose every field renders
 * at its longest, and every name of every enum renders as documented.
 */
@Timeout(60)
class NdjsonBatchWriterTest
{
    private static final String LONGEST_IPV6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";

    @TempDir
    Path tempDir;

    @Test
    void linesAtTheirLongestStayWithinTheBoundsReserved() throws Exception
    {
        final byte[] frameBytes = new byte[1000];
        final TestBatch batch = longestHeader();
        batch.packet(new TestBatch.Packet(
            Long.MIN_VALUE, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0xFFFE, 0xFFFF, IpVersion.V6, (short)255,
            TestBatch.address(LONGEST_IPV6), TestBatch.address(LONGEST_IPV6), 65535, 65535, 0x1FF, (short)255, (short)255,
            true, true, (short)255, TunnelType.ERSPAN, (short)255, 0xFFFF_FFFFL, IpVersion.V6, (short)255,
            TestBatch.address(LONGEST_IPV6), TestBatch.address(LONGEST_IPV6), 65535, 65535, true, true));
        batch.flow(new TestBatch.Flow(
            Long.MIN_VALUE, Long.MAX_VALUE, -1L, -1L, -1L, -1L, 0xFFFE, IpVersion.V6, (short)255,
            TestBatch.address(LONGEST_IPV6), TestBatch.address(LONGEST_IPV6), 65535, 65535, 0xFFFF, (short)255,
            TunnelType.GENEVE, 0xFFFF_FFFFL, FlowEndReason.ACTIVE_TIMEOUT, true, true));
        batch.frame(new TestBatch.Frame(Long.MAX_VALUE, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0xFFFF, PayloadAction.TRUNCATED,
            0xFFFF_FFFFL, true, true, true, true, frameBytes));

        final List<String> lines = handle(batch);
        assertEquals(3, lines.size());
        System.out.printf("longest lines: packet %d of %d, flow %d of %d, frame %d of %d bytes%n",
            lines.get(0).length() + 1, NdjsonBatchWriter.packetLineMaxLength(),
            lines.get(1).length() + 1, NdjsonBatchWriter.flowLineMaxLength(),
            lines.get(2).length() + 1, NdjsonBatchWriter.frameLineMaxLength(frameBytes.length));
        assertTrue(lines.get(0).length() + 1 <= NdjsonBatchWriter.packetLineMaxLength(),
            lines.get(0).length() + ": " + lines.get(0));
        assertTrue(lines.get(1).length() + 1 <= NdjsonBatchWriter.flowLineMaxLength(),
            lines.get(1).length() + ": " + lines.get(1));
        assertTrue(lines.get(2).length() + 1 <= NdjsonBatchWriter.frameLineMaxLength(frameBytes.length),
            lines.get(2).length() + ": " + lines.get(2));
        assertTrue(lines.getFirst().indexOf("\"type\"") <= NdjsonBatchWriter.PREFIX_MAX_LENGTH);
    }

    @Test
    void writesEveryTunnelTypeEndReasonAndPayloadActionByItsDocumentedName() throws Exception
    {
        final TestBatch batch = TestBatch.batch("gw-1", "eu-west", 1);
        final List<String> expected = new ArrayList<>();
        for (final TunnelType type : TunnelType.values())
        {
            if (TunnelType.NULL_VAL != type && TunnelType.NONE != type)
            {
                batch.flow(withTunnel(type));
                expected.add(type.name().toLowerCase());
            }
        }
        for (final FlowEndReason reason : FlowEndReason.values())
        {
            if (FlowEndReason.NULL_VAL != reason)
            {
                batch.flow(withEndReason(reason));
            }
        }
        for (final PayloadAction action : PayloadAction.values())
        {
            if (PayloadAction.NULL_VAL != action)
            {
                batch.frame(new TestBatch.Frame(1, 60, 60, 1, action, 0, false, false, false, false, new byte[60]));
            }
        }

        final List<JsonNode> lines = NdjsonReader.parse(String.join("\n", handle(batch)) + "\n");
        final List<String> tunnelTypes = new ArrayList<>();
        final List<String> endReasons = new ArrayList<>();
        final List<String> payloadActions = new ArrayList<>();
        for (final JsonNode line : lines)
        {
            if (NdjsonFields.TYPE_FLOW.equals(line.get(NdjsonFields.TYPE).asText()))
            {
                tunnelTypes.add(line.get(NdjsonFields.TUNNEL_TYPE).asText());
                endReasons.add(line.get(NdjsonFields.END_REASON).asText());
            }
            else
            {
                payloadActions.add(line.get(NdjsonFields.PAYLOAD_ACTION).asText());
            }
        }
        assertEquals(List.of("gre", "erspan", "vxlan", "geneve", "gtpu", "ipip", "teredo"), expected);
        assertEquals(expected, tunnelTypes.subList(0, expected.size()));
        assertEquals(List.of("idle_timeout", "active_timeout", "tcp_fin", "tcp_rst", "evicted", "flushed"),
            endReasons.subList(expected.size(), endReasons.size()));
        assertEquals(List.of("none", "truncated", "stripped"), payloadActions);
    }

    @Test
    void eventLinesAtTheirLongestStayWithinTheBoundsReserved() throws Exception
    {
        final byte[] controls = new byte[1000];
        java.util.Arrays.fill(controls, (byte)1);
        final byte[] notUtf8 = new byte[1000];
        java.util.Arrays.fill(notUtf8, (byte)0xFF);
        final byte[] object = ("{\"a\":\"" + "\\u0001".repeat(160) + "\"}").getBytes(StandardCharsets.US_ASCII);
        final TestBatch batch = longestHeader();
        batch.event(Long.MIN_VALUE, 0xFFFE, controls);
        batch.event(Long.MIN_VALUE, 0xFFFE, notUtf8);
        batch.event(Long.MIN_VALUE, 4, object);
        batch.event(Long.MIN_VALUE, 1, controls);

        final List<String> lines = handle(batch);
        assertEquals(4, lines.size());
        final byte[][] bodies = { controls, notUtf8, object, controls };
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineLength = lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            assertTrue(lineLength <= NdjsonBatchWriter.eventLineMaxLength(bodies[i].length),
                lineLength + " > " + NdjsonBatchWriter.eventLineMaxLength(bodies[i].length) + ": " + lines.get(i));
        }
        System.out.printf("longest event line: %d of %d bytes%n",
            lines.getFirst().length() + 1, NdjsonBatchWriter.eventLineMaxLength(controls.length));
    }

    @Test
    void writesEventsByKindLabelWithReadableBodies() throws Exception
    {
        final String syslog = "<13>su: \"root\" \\ tab\t nl\n cr\r bell\u0007 nul\u0000 del\u007f été 日本 😀";
        final String[][] cases = {
            // kind, body, the line's event fields after "ts_ns":N
            { "1", syslog, "\"kind\":\"syslog\",\"body\":\"<13>su: \\\"root\\\" \\\\ tab\\t nl\\n cr\\r bell\\u0007 nul\\u0000 " +
                "del\u007f été 日本 😀\"}" },
            { "1", "", "\"kind\":\"syslog\",\"body\":\"\"}" },
            { "2", "CEF:0|V|P|1|100|n|5|src=10.0.0.1 msg=a\\=b", "\"kind\":\"cef\",\"body\":\"CEF:0|V|P|1|100|n|5|src=10.0.0.1 msg=a\\\\=b\"}" },
            { "3", "LEEF:2.0|V|P|1|e|src=1\tdst=2", "\"kind\":\"leef\",\"body\":\"LEEF:2.0|V|P|1|e|src=1\\tdst=2\"}" },
            { "4", "{\n  \"vehicle\": { \"speed\": 88.5, \"vin\": \"WVW\\u00e9\" },\n  \"tags\": [ \"a\", 1, true, null ]\n}\n",
                "\"kind\":\"json\",\"event\":{\"vehicle\":{\"speed\":88.5,\"vin\":\"WVW\\u00e9\"},\"tags\":[\"a\",1,true,null]}}" },
            { "5", "{\"netflow.version\":9,\"flow.src\":\"192.0.2.1\",\"flow.bytes\":1234}",
                "\"kind\":\"flow\",\"event\":{\"netflow.version\":9,\"flow.src\":\"192.0.2.1\",\"flow.bytes\":1234}}" },
            { "4", "{\"a\":1,}", "\"kind\":\"json\",\"body\":\"{\\\"a\\\":1,}\"}" },
            { "4", "[1,2]", "\"kind\":\"json\",\"body\":\"[1,2]\"}" },
            { "4", "{\"a\":1} {\"b\":2}", "\"kind\":\"json\",\"body\":\"{\\\"a\\\":1} {\\\"b\\\":2}\"}" },
            { "1", "{\"a\":1}", "\"kind\":\"syslog\",\"body\":\"{\\\"a\\\":1}\"}" },
            { "6", "(1600000000.000000) can0 123#DEADBEEF", "\"kind\":\"can\",\"body\":\"(1600000000.000000) can0 123#DEADBEEF\"}" },
            { "42", "future", "\"event_kind\":42,\"body\":\"future\"}" },
            { "0", "zero", "\"event_kind\":0,\"body\":\"zero\"}" },
        };
        final TestBatch batch = TestBatch.batch("gw-1", "eu-west", 1);
        for (final String[] c : cases)
        {
            batch.event(7, Integer.parseInt(c[0]), c[1].getBytes(StandardCharsets.UTF_8));
        }
        final byte[] latin1 = "<13>caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        batch.event(7, 1, latin1);
        final byte[] badJson = { '{', '"', 'a', '"', ':', '"', (byte)0xC3, '"', '}' };
        batch.event(7, 4, badJson);

        final List<String> lines = handle(batch);
        assertEquals(cases.length + 2, lines.size());
        for (int i = 0; i < cases.length; i++)
        {
            assertEquals(cases[i][2], eventFields(lines.get(i)), cases[i][1]);
        }
        assertEquals("\"kind\":\"syslog\",\"body_b64\":\"" + Base64.getEncoder().encodeToString(latin1) + "\"}",
            eventFields(lines.get(cases.length)));
        assertEquals("\"kind\":\"json\",\"body_b64\":\"" + Base64.getEncoder().encodeToString(badJson) + "\"}",
            eventFields(lines.get(cases.length + 1)));

        final List<JsonNode> parsed = NdjsonReader.parse(String.join("\n", lines) + "\n");
        for (int i = 0; i < cases.length; i++)
        {
            EventLines.assertEvent(Integer.parseInt(cases[i][0]), cases[i][1].getBytes(StandardCharsets.UTF_8), parsed.get(i));
        }
        EventLines.assertEvent(1, latin1, parsed.get(cases.length));
        EventLines.assertEvent(4, badJson, parsed.get(cases.length + 1));
        assertEquals(syslog, parsed.getFirst().get(NdjsonFields.BODY).asText());
    }

    private static String eventFields(final String line)
    {
        final String tsPrefix = "\"type\":\"event\",\"ts_ns\":7,";
        final int at = line.indexOf(tsPrefix);
        assertTrue(at > 0, line);
        return line.substring(at + tsPrefix.length());
    }

    private List<String> handle(final TestBatch batch) throws Exception
    {
        final Path file = tempDir.resolve("eu-west.ndjson");
        final List<Throwable> errors = new ArrayList<>();
        final RegionalCounters counters = new RegionalCounters("eu-west");
        try (NdjsonBatchWriter writer = NdjsonBatchWriter.open(file, 64 * 1024, counters, errors::add);
            PcapngFrameWriter frameWriter = PcapngFrameWriter.open(
                tempDir.resolve("eu-west.pcapng"), 64 * 1024, "eu-west", counters, errors::add))
        {
            final DataBatchHandler handler = new DataBatchHandler("eu-west", counters, writer, frameWriter, errors::add);
            final UnsafeBuffer frame = batch.encode();
            assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
            assertEquals(1, counters.get(RegionalCounter.BATCHES), counters.snapshot().toString());
        }
        assertEquals(List.of(), errors);
        NdjsonReader.read(file);

        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static TestBatch longestHeader()
    {
        final TestBatch batch = TestBatch.batch("\"".repeat(32), "eu-west", Long.MAX_VALUE);
        batch.site = "\\".repeat(32);
        batch.originRegion = "\"".repeat(16);
        batch.policyVersion = -1L;
        batch.encodedTimestampNs = Long.MIN_VALUE;
        return batch;
    }

    private static TestBatch.Flow withTunnel(final TunnelType type)
    {
        return new TestBatch.Flow(0, 0, 1, 60, 0, 0, -1, IpVersion.V4, (short)17, TestBatch.address("10.0.0.1"),
            TestBatch.address("10.0.0.2"), 1, 2, 0, (short)0, type, 1, FlowEndReason.FLUSHED, false, false);
    }

    private static TestBatch.Flow withEndReason(final FlowEndReason reason)
    {
        return new TestBatch.Flow(0, 0, 1, 60, 0, 0, -1, IpVersion.V4, (short)17, TestBatch.address("10.0.0.1"),
            TestBatch.address("10.0.0.2"), 1, 2, 0, (short)0, TunnelType.NONE, 0, reason, false, false);
    }
}
