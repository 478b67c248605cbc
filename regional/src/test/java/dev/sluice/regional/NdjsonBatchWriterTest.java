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

        return Files.readAllLines(file, StandardCharsets.US_ASCII);
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
