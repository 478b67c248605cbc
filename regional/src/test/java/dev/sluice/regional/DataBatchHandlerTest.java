package dev.sluice.regional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FlowsDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.FramesDecoder;
import dev.sluice.protocol.codec.DataBatchDecoder.PacketsDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch handler without Aeron: verdicts for malformed frames and records, identifiers, schema
 * versions, both output files, and files that cannot be written.
 */
@Timeout(60)
class DataBatchHandlerTest
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int PACKETS_GROUP = BLOCK + DataBatchDecoder.BLOCK_LENGTH;
    private static final int FIRST_PACKET = PACKETS_GROUP + 4;

    @TempDir
    Path tempDir;

    private final List<Throwable> errors = new ArrayList<>();
    private RegionalCounters counters;
    private NdjsonBatchWriter writer;
    private PcapngFrameWriter frameWriter;
    private DataBatchHandler handler;
    private Path file;
    private Path pcapng;

    @BeforeEach
    void setUp() throws Exception
    {
        file = tempDir.resolve("eu-west.ndjson");
        pcapng = tempDir.resolve("eu-west.pcapng");
        open(file, pcapng, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);
    }

    @AfterEach
    void tearDown()
    {
        writer.close();
        frameWriter.close();
    }

    @Test
    void rejectsEachKindOfMalformedFrameByReason()
    {
        final int version = DataBatchDecoder.SCHEMA_VERSION;
        assertRejected(RejectReason.TRUNCATED, new UnsafeBuffer(new byte[5]));
        assertRejected(RejectReason.UNKNOWN_SCHEMA, header(9999, 1, version, DataBatchDecoder.BLOCK_LENGTH));
        assertRejected(RejectReason.UNKNOWN_TEMPLATE, header(7701, 21, version, DataBatchDecoder.BLOCK_LENGTH));
        assertRejected(RejectReason.MALFORMED_BLOCK, header(7701, 1, version, 100));
        assertRejected(RejectReason.MALFORMED_BLOCK, header(7701, 1, version, DataBatchDecoder.BLOCK_LENGTH + 1));
        assertRejected(RejectReason.TRUNCATED, header(7701, 1, version, DataBatchDecoder.BLOCK_LENGTH));

        assertRejected(RejectReason.MALFORMED_BLOCK, patched(allKinds(1), (b) -> b.putShort(PACKETS_GROUP, (short)10)));
        assertRejected(RejectReason.MALFORMED_BLOCK, patched(allKinds(1),
            (b) -> b.putShort(PACKETS_GROUP, (short)(PacketsDecoder.sbeBlockLength() + 1), LE)));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putShort(PACKETS_GROUP + 2, (short)200, LE)));
        assertRejected(RejectReason.MALFORMED_BLOCK, patched(allKinds(1),
            (b) -> b.putShort(flowsGroup(b), (short)(FlowsDecoder.sbeBlockLength() - 1), LE)));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putShort(flowsGroup(b) + 2, (short)900, LE)));
        assertRejected(RejectReason.MALFORMED_BLOCK, patched(allKinds(1),
            (b) -> b.putShort(framesGroup(b), (short)(FramesDecoder.sbeBlockLength() + 8), LE)));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putInt(frameBytesLengthOffset(b), 100_000, LE)));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putInt(frameBytesLengthOffset(b), -1, LE)));
        assertRejected(RejectReason.TRUNCATED, truncate(allKinds(1), 1));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putInt(eventBodyLengthOffset(b), 4, LE)));
        assertRejected(RejectReason.TRUNCATED, patched(allKinds(1), (b) -> b.putInt(eventBodyLengthOffset(b), -1, LE)));
        assertRejected(RejectReason.MALFORMED_BLOCK, patched(allKinds(1), (b) -> b.putShort(eventsGroup(b), (short)4, LE)));
        assertRejected(RejectReason.TRAILING_BYTES, extend(allKinds(1), 1));
        assertRejected(RejectReason.TRAILING_BYTES, patched(allKinds(1), (b) -> b.putInt(eventBodyLengthOffset(b), 2, LE)));

        assertRejected(RejectReason.BAD_IDENTIFIER, encoded(batch("", "eu-west", 1)));
        assertRejected(RejectReason.BAD_IDENTIFIER, patched(allKinds(1), (b) -> b.putByte(BLOCK + 1, (byte)0x01)));
        assertRejected(RejectReason.BAD_IDENTIFIER, patched(allKinds(1),
            (b) -> b.putByte(BLOCK + DataBatchDecoder.originSiteEncodingOffset(), (byte)0x80)));
        assertRejected(RejectReason.BAD_SEQUENCE, encoded(batch("gw-1", "eu-west", 0)));
        assertRejected(RejectReason.BAD_SEQUENCE, encoded(batch("gw-1", "eu-west", Long.MIN_VALUE)));

        final TestBatch wrongCount = allKindsBatch(1);
        wrongCount.recordCountOverride = (long)wrongCount.recordCount() - 1;
        assertRejected(RejectReason.RECORD_COUNT_MISMATCH, encoded(wrongCount));
        wrongCount.recordCountOverride = 0xFFFF_FFFFL;
        assertRejected(RejectReason.RECORD_COUNT_MISMATCH, encoded(wrongCount));

        assertEquals(27, counters.get(RegionalCounter.REJECTED_FRAMES));
        assertEquals(0, counters.get(RegionalCounter.BATCHES));
        assertEquals(0, handler.streamCount());

        final UnsafeBuffer valid = allKinds(1);
        assertEquals(Action.CONTINUE, handler.onFragment(valid, 0, valid.capacity(), null));
        assertEquals(1, counters.get(RegionalCounter.BATCHES), "a valid frame after bad ones is accepted");
        assertEquals(List.of(), errors);
    }

    @Test
    void rejectsRecordsWhoseFieldsTheSchemaDoesNotAllowOrThatContradictThemselves()
    {
        // Packets: the first entry is plain TCP over IPv4, the second GTP-U with an inner IPv6 packet.
        final int gtpu = FIRST_PACKET + PacketsDecoder.sbeBlockLength();
        assertPacketRejected(RejectReason.BAD_IP_VERSION, FIRST_PACKET + PacketsDecoder.ipVersionEncodingOffset(), 5);
        assertPacketRejected(RejectReason.BAD_IP_VERSION, gtpu + PacketsDecoder.innerIpVersionEncodingOffset(), 255);
        assertPacketRejected(RejectReason.BAD_ENUM_VALUE, gtpu + PacketsDecoder.tunnelTypeEncodingOffset(), 8);
        assertPacketRejected(RejectReason.BAD_ENUM_VALUE, gtpu + PacketsDecoder.tunnelTypeEncodingOffset(), 255);
        assertPacketRejected(RejectReason.BAD_TUNNEL, FIRST_PACKET + PacketsDecoder.tunnelDepthEncodingOffset(), 1);
        assertPacketRejected(RejectReason.BAD_TUNNEL, FIRST_PACKET + PacketsDecoder.tunnelIdEncodingOffset() + 3, 1);
        assertPacketRejected(RejectReason.BAD_TUNNEL, FIRST_PACKET + PacketsDecoder.innerIpVersionEncodingOffset(), 4);
        assertPacketRejected(RejectReason.BAD_TUNNEL, gtpu + PacketsDecoder.tunnelDepthEncodingOffset(), 0);
        assertPacketRejected(RejectReason.BAD_ANONYMIZED, FIRST_PACKET + PacketsDecoder.anonymizedEncodingOffset(), 0x10);
        assertPacketRejected(RejectReason.BAD_ANONYMIZED, FIRST_PACKET + PacketsDecoder.anonymizedEncodingOffset(), 0x04);
        final UnsafeBuffer arp = encoded(batch("gw-1", "eu-west", 1).packet(TestBatch.arp()));
        assertRejected(RejectReason.BAD_ANONYMIZED, patched(arp,
            (b) -> b.putByte(FIRST_PACKET + PacketsDecoder.anonymizedEncodingOffset(), (byte)0x01)));

        // Flows: the first entry is a TCP flow without tunnel, the second a GTP-U flow.
        assertFlowRejected(RejectReason.BAD_IP_VERSION, 0, FlowsDecoder.ipVersionEncodingOffset(), (byte)7);
        assertFlowRejected(RejectReason.BAD_ENUM_VALUE, 1, FlowsDecoder.tunnelTypeEncodingOffset(), (byte)8);
        assertFlowRejected(RejectReason.BAD_ENUM_VALUE, 0, FlowsDecoder.endReasonEncodingOffset(), (byte)6);
        assertFlowRejected(RejectReason.BAD_TUNNEL, 0, FlowsDecoder.tunnelIdEncodingOffset(), (byte)1);
        assertFlowRejected(RejectReason.BAD_ANONYMIZED, 1, FlowsDecoder.anonymizedEncodingOffset(), (byte)0x07);
        assertFlowRejected(RejectReason.BAD_ANONYMIZED, 0, FlowsDecoder.anonymizedEncodingOffset(), (byte)0x80);
        assertRejected(RejectReason.BAD_FLOW_TIMES, patched(allKinds(1), (b) -> b.putLong(
            flowsGroup(b) + 4 + FlowsDecoder.lastSeenNsEncodingOffset(), TestBatch.BASE_TS_NS + 9, LE)));

        // Frames: the first entry is a whole Ethernet frame, the second a truncated one.
        assertFrameRejected(RejectReason.BAD_ENUM_VALUE,
            (b, frame) -> b.putByte(frame + FramesDecoder.payloadActionEncodingOffset(), (byte)3));
        assertFrameRejected(RejectReason.BAD_ANONYMIZED,
            (b, frame) -> b.putByte(frame + FramesDecoder.anonymizedEncodingOffset(), (byte)0x20));
        assertFrameRejected(RejectReason.BAD_FRAME,
            (b, frame) -> b.putLong(frame + FramesDecoder.timestampNsEncodingOffset(), -1, LE));
        assertFrameRejected(RejectReason.BAD_FRAME,
            (b, frame) -> b.putInt(frame + FramesDecoder.capturedLengthEncodingOffset(), 10, LE));
        assertFrameRejected(RejectReason.BAD_FRAME,
            (b, frame) -> b.putInt(frame + FramesDecoder.capturedLengthEncodingOffset(), 1000, LE));
        final byte[] huge = new byte[PcapngFrameWriter.MAX_FRAME_LENGTH + 1];
        assertRejected(RejectReason.BAD_FRAME, encoded(batch("gw-1", "eu-west", 1)
            .frame(TestBatch.frame(TestBatch.LINKTYPE_ETHERNET, huge))));
        assertRejected(RejectReason.BAD_FRAME, encoded(batch("gw-1", "eu-west", 1)
            .frame(TestBatch.truncatedFrame(TestBatch.LINKTYPE_ETHERNET, 60, 0, new byte[61]))));

        assertEquals(0, counters.get(RegionalCounter.BATCHES));
        final UnsafeBuffer largest = encoded(batch("gw-1", "eu-west", 1)
            .frame(TestBatch.frame(TestBatch.LINKTYPE_ETHERNET, new byte[PcapngFrameWriter.MAX_FRAME_LENGTH])));
        handle(largest);
        assertEquals(1, counters.get(RegionalCounter.BATCHES), "a frame of the largest length is accepted");
    }

    @Test
    void holdsBatchesAfterAGapForTheReplayThenAcceptsAGapNoReplayFills()
    {
        handler.gapTimeoutNs(1_000);
        handler.nowNs(0);
        handle(allKinds(1));
        handle(allKinds(3));
        assertEquals(1, counters.get(RegionalCounter.HELD_FOR_GAP), "3 waits for 2");
        handle(allKinds(2));
        handle(allKinds(3));
        assertEquals(3, counters.get(RegionalCounter.BATCHES), "the replay filled the gap, in order");
        assertEquals(0, counters.get(RegionalCounter.GAPS));

        handle(allKinds(6));
        handler.nowNs(999);
        handle(allKinds(6));
        assertEquals(3, counters.get(RegionalCounter.HELD_FOR_GAP));
        handler.nowNs(1_000);
        handle(allKinds(6));
        assertEquals(4, counters.get(RegionalCounter.BATCHES), "no replay came: accepted after the timeout");
        assertEquals(2, counters.get(RegionalCounter.GAPS));
        handle(allKinds(5));
        assertEquals(1, counters.get(RegionalCounter.DUPLICATES));
    }

    @Test
    void readsDataBatchesOfSchemaVersionThree()
    {
        handle(withVersion(allKinds(1), 3));
        assertEquals(1, counters.get(RegionalCounter.BATCHES), "DataBatch is unchanged since version 3");
    }

    @Test
    void rejectsOtherSchemaVersionsAndReportsEachChangeOfVersionOnce()
    {
        final int version = DataBatchDecoder.SCHEMA_VERSION;
        assertEquals(5, version);
        assertRejected(RejectReason.UNSUPPORTED_VERSION, withVersion(allKinds(1), 2));
        assertRejected(RejectReason.UNSUPPORTED_VERSION, withVersion(allKinds(1), 2));
        assertRejected(RejectReason.UNSUPPORTED_VERSION, withVersion(allKinds(1), 6));
        assertRejected(RejectReason.UNSUPPORTED_VERSION, withVersion(allKinds(1), 0));
        assertRejected(RejectReason.UNSUPPORTED_VERSION, withVersion(allKinds(1), 0));
        assertEquals(3, errors.size(), "one report per change of version: " + errors);
        assertInstanceOf(UnsupportedSchemaVersionException.class, errors.getFirst());
        assertEquals(
            "regional core eu-west rejects DataBatch frames of schema version 2; it reads versions 3 to 5 only: " +
            "run gateways and cores built from the same schema",
            errors.getFirst().getMessage());
        assertTrue(errors.get(1).getMessage().contains("schema version 6;"), errors.get(1).getMessage());
        assertEquals(0, errors.getFirst().getStackTrace().length);

        handle(allKinds(1));
        assertEquals(1, counters.get(RegionalCounter.BATCHES));
        assertEquals(5, counters.rejected(RejectReason.UNSUPPORTED_VERSION));
    }

    @Test
    void keysStreamsByWorkerSoEachWorkersSequenceIsCheckedApart()
    {
        // Two workers of one gateway number their batches independently: the same sequences
        // arrive twice, interleaved, and every batch is in order on its own stream.
        for (long sequence = 1; sequence <= 3; sequence++)
        {
            for (int worker = 0; worker < 2; worker++)
            {
                final TestBatch batch = batch("gw-1", "eu-west", sequence).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2));
                batch.workerIndex = worker;
                handle(encoded(batch));
            }
        }
        final TestBatch replayed = batch("gw-1", "eu-west", 2).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2));
        replayed.workerIndex = 1;
        handle(encoded(replayed));
        final TestBatch skipped = batch("gw-1", "eu-west", 6).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2));
        skipped.workerIndex = 0;
        handle(encoded(skipped));
        writer.flush();

        final RegionalCountersSnapshot snapshot = counters.snapshot();
        assertEquals(7, snapshot.batches());
        assertEquals(1, snapshot.duplicates(), "only the replayed batch of worker 1");
        assertEquals(2, snapshot.gaps(), "sequences 4 and 5 of worker 0");
        assertEquals(List.of(
                new RegionalCountersSnapshot.Stream("gw-1", "eu-west", 0, 4, 4, 2, 0, 6),
                new RegionalCountersSnapshot.Stream("gw-1", "eu-west", 1, 3, 3, 0, 1, 3)),
            snapshot.streams());
        assertEquals(3, snapshot.stream("gw-1", "eu-west", 1).orElseThrow().lastSequence());

        final List<JsonNode> lines = NdjsonReader.read(file);
        assertEquals(List.of(0, 1, 0, 1, 0, 1, 0),
            lines.stream().map((line) -> line.get(NdjsonFields.WORKER).asInt()).toList());
        assertEquals(List.of(1L, 1L, 2L, 2L, 3L, 3L, 6L),
            lines.stream().map((line) -> line.get(NdjsonFields.SEQUENCE).asLong()).toList());
    }

    @Test
    void writesEveryKindOfRecordToNdjsonAndFramesToPcapng()
    {
        final TestBatch batch = allKindsBatch(1);
        handle(encoded(batch));
        writer.flush();
        frameWriter.flush();

        final RegionalCountersSnapshot snapshot = counters.snapshot();
        assertEquals(batch.recordCount(), snapshot.records());
        assertEquals(2, snapshot.packetRecords());
        assertEquals(2, snapshot.flowRecords());
        assertEquals(2, snapshot.frameRecords());
        assertEquals(1, snapshot.eventRecords());

        final List<JsonNode> lines = NdjsonReader.read(file);
        assertEquals(List.of("packet", "packet", "flow", "flow", "frame", "frame", "event"),
            lines.stream().map((line) -> line.get(NdjsonFields.TYPE).asText()).toList());
        assertEquals(snapshot.outputBytes(), fileSize(file));

        final PcapngReader.Capture capture = PcapngReader.read(pcapng);
        assertEquals(snapshot.pcapngBytes(), fileSize(pcapng));
        assertEquals(List.of("Sluice regional core eu-west"), capture.applications());
        assertEquals(List.of(List.of(TestBatch.LINKTYPE_ETHERNET)), capture.linkTypes());
        assertEquals(2, capture.packets().size());
        final TestBatch.Frame whole = batch.frames.get(0);
        final PcapngReader.Packet first = capture.packets().get(0);
        assertArrayEquals(whole.bytes(), first.bytes());
        assertEquals(whole.timestampNs(), first.timestampNs());
        assertEquals(whole.wireLength(), first.originalLength());
        assertEquals(null, first.comment());
        final TestBatch.Frame cut = batch.frames.get(1);
        final PcapngReader.Packet second = capture.packets().get(1);
        assertArrayEquals(cut.bytes(), second.bytes());
        assertEquals(cut.bytes().length, second.originalLength(), "a rewritten packet is whole");
        assertEquals("sluice: payload truncated; before it: wire length 1514, captured length 1514, payload length 1460",
            second.comment());
    }

    @Test
    void treatsBytesAfterTheFirstNulAsPaddingAndEscapesIdentifiers()
    {
        final UnsafeBuffer junkPadded = patched(allKinds(1), (b) -> b.putStringWithoutLengthAscii(BLOCK + 4, "\0junk"));
        handle(junkPadded);
        handle(encoded(batch("gw-1", "eu-west", 2).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2))));
        final TestBatch quoted = batch("a\"b\\c", "eu-west", 1).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2));
        quoted.site = "site \"x\"";
        handle(encoded(quoted));
        final UnsafeBuffer otherRegionPrefix = encoded(batch("gw-1", "eu-west-2", 3).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)));
        handle(otherRegionPrefix);
        writer.flush();

        final RegionalCountersSnapshot snapshot = counters.snapshot();
        assertEquals(3, snapshot.batches());
        assertEquals(1, snapshot.misrouted(), "eu-west-2 is not eu-west");
        assertEquals(2, snapshot.streams().size());
        assertEquals(2, snapshot.stream("gw-1", "eu-west").orElseThrow().lastSequence());

        final List<JsonNode> lines = NdjsonReader.read(file);
        assertEquals("gw-1", lines.get(0).get(NdjsonFields.GATEWAY).asText());
        assertEquals("a\"b\\c", lines.getLast().get(NdjsonFields.GATEWAY).asText());
        assertEquals("site \"x\"", lines.getLast().get(NdjsonFields.SITE).asText());
    }

    @Test
    void terminatesAPartialLastLineLeftByACrash() throws Exception
    {
        tearDown();
        Files.writeString(file, "{\"cut\":");
        open(file, pcapng, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        handle(encoded(batch("gw-1", "eu-west", 1)
            .packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2))
            .event(1, 1, new byte[]{ 1, 2, 3 })));
        writer.flush();

        final List<String> lines = Files.readAllLines(file);
        assertEquals("{\"cut\":", lines.getFirst());
        assertEquals(3, lines.size());
        assertEquals(2, NdjsonReader.parse(String.join("\n", lines.subList(1, 3)) + "\n").size());
    }

    @Test
    void cutsOffATornPcapngBlockLeftByACrashAndAppendsANewSection() throws Exception
    {
        handle(allKinds(1));
        tearDown();
        final long complete = Files.size(pcapng);
        final byte[] whole = Files.readAllBytes(pcapng);
        // A crash in the middle of the last enhanced packet block.
        Files.write(pcapng, Arrays.copyOf(whole, whole.length - 7));
        open(file, pcapng, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().getMessage().contains("cut off a torn block"), errors.getFirst().getMessage());
        handle(allKinds(2));
        frameWriter.flush();

        final PcapngReader.Capture capture = PcapngReader.read(pcapng);
        assertEquals(2, capture.applications().size(), "a section per run");
        assertEquals(3, capture.packets().size(), "the torn packet is gone, the others remain");
        assertTrue(Files.size(pcapng) > complete);

        // A file that ends on a block boundary is appended to as it is.
        tearDown();
        final long before = Files.size(pcapng);
        open(file, pcapng, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);
        frameWriter.flush();
        assertEquals(1, errors.size());
        assertEquals(3, PcapngReader.read(pcapng).packets().size());
        assertEquals(3, PcapngReader.read(pcapng).applications().size());
        assertTrue(Files.size(pcapng) > before);
    }

    @Test
    void refusesToAppendFramesToAFileThatIsNotPcapng() throws Exception
    {
        final Path foreign = tempDir.resolve("foreign.pcapng");
        Files.writeString(foreign, "not a capture\n");
        final IOException error = assertThrows(IOException.class,
            () -> PcapngFrameWriter.open(foreign, 65536, "eu-west", counters, errors::add));
        assertTrue(error.getMessage().contains("is not a pcapng file"), error.getMessage());
        assertEquals("not a capture\n", Files.readString(foreign), "left untouched");

        final Path tiny = tempDir.resolve("tiny.pcapng");
        Files.write(tiny, new byte[]{ 0x0A, 0x0D });
        final PcapngFrameWriter cut = PcapngFrameWriter.open(tiny, 65536, "eu-west", counters, errors::add);
        cut.close();
        assertEquals(1, PcapngReader.read(tiny).applications().size(), "a torn first section header is cut off");
    }

    @Test
    void leavesFramesUnconsumedWhileTheFileCannotBeWritten() throws Exception
    {
        tearDown();
        final Path full = tempDir.resolve("full.ndjson");
        Files.createSymbolicLink(full, Path.of("/dev/full"));
        open(full, pcapng, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        final TestBatch big = batch("gw-1", "eu-west", 1);
        for (int i = 0; i < 60; i++)
        {
            big.packet(tcp4("10.0.0.1", "10.0.0.2", i, 80));
        }
        assertAbortsOnceFull(big);
        Files.delete(full);
    }

    @Test
    void leavesFramesUnconsumedWhileThePcapngFileCannotBeWritten() throws Exception
    {
        tearDown();
        final Path full = tempDir.resolve("full.pcapng");
        Files.createSymbolicLink(full, Path.of("/dev/full"));
        open(file, full, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        final TestBatch big = batch("gw-1", "eu-west", 1);
        for (int i = 0; i < 8; i++)
        {
            big.frame(TestBatch.frame(TestBatch.LINKTYPE_ETHERNET, TestPackets.ethernetTcp4("10.0.0.1", "10.0.0.2", i, 80, 1400)));
        }
        assertAbortsOnceFull(big);
        Files.delete(full);
    }

    private void assertAbortsOnceFull(final TestBatch big)
    {
        long sequence = 1;
        Action action;
        do
        {
            big.sequence = sequence;
            final UnsafeBuffer frame = encoded(big);
            action = handler.onFragment(frame, 0, frame.capacity(), null);
            if (Action.CONTINUE == action)
            {
                sequence++;
            }
        }
        while (Action.CONTINUE == action && sequence < 100);

        assertEquals(Action.ABORT, action, "intake stops when the buffer is full and cannot be written");
        final RegionalCountersSnapshot snapshot = counters.snapshot();
        assertEquals(sequence - 1, snapshot.batches());
        assertEquals(sequence - 1, snapshot.stream("gw-1", "eu-west").orElseThrow().lastSequence(),
            "the aborted batch left its stream unchanged");
        assertEquals(1, snapshot.outputErrors());
        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().getMessage().contains("cannot write"), errors.getFirst().getMessage());

        big.sequence = sequence;
        final UnsafeBuffer again = encoded(big);
        assertEquals(Action.ABORT, handler.onFragment(again, 0, again.capacity(), null));
        assertEquals(2, counters.get(RegionalCounter.OUTPUT_ERRORS));
        assertEquals(1, errors.size(), "a run of failures is reported once");
    }

    private void open(final Path ndjson, final Path frames, final int bufferLength) throws Exception
    {
        counters = new RegionalCounters("eu-west");
        writer = NdjsonBatchWriter.open(ndjson, bufferLength, counters, errors::add);
        frameWriter = PcapngFrameWriter.open(frames, bufferLength, "eu-west", counters, errors::add);
        handler = new DataBatchHandler("eu-west", counters, writer, frameWriter, errors::add);
    }

    private void handle(final UnsafeBuffer frame)
    {
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
    }

    private void assertRejected(final RejectReason reason, final UnsafeBuffer frame)
    {
        final long before = counters.rejected(reason);
        final long beforeBatches = counters.get(RegionalCounter.BATCHES);
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
        assertEquals(before + 1, counters.rejected(reason), reason.label());
        assertEquals(beforeBatches, counters.get(RegionalCounter.BATCHES), reason.label());
    }

    private void assertPacketRejected(final RejectReason reason, final int offset, final int value)
    {
        assertRejected(reason, patched(allKinds(1), (b) -> b.putByte(offset, (byte)value)));
    }

    private void assertFlowRejected(final RejectReason reason, final int entry, final int fieldOffset, final byte value)
    {
        assertRejected(reason, patched(allKinds(1),
            (b) -> b.putByte(flowsGroup(b) + 4 + entry * FlowsDecoder.sbeBlockLength() + fieldOffset, value)));
    }

    private interface FramePatch
    {
        void apply(UnsafeBuffer buffer, int frameOffset);
    }

    private void assertFrameRejected(final RejectReason reason, final FramePatch patch)
    {
        assertRejected(reason, patched(allKinds(1), (b) -> patch.apply(b, framesGroup(b) + 4)));
    }

    /**
     * Two records of each kind but events: plain and tunnelled packets and flows, a whole and a
     * truncated Ethernet frame, and an event.
     */
    static TestBatch allKindsBatch(final long sequence)
    {
        final byte[] whole = TestPackets.ethernetTcp4("192.0.2.1", "192.0.2.2", 51000, 80, 10);
        final byte[] cut = TestPackets.ethernetTcp4("198.51.100.1", "198.51.100.2", 443, 51001, 64);
        return batch("gw-1", "eu-west", sequence)
            .packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2))
            .packet(TestBatch.gtpu(0x12345678L, "2001:db8::1", "2001:db8::2"))
            .flow(TestBatch.tcpFlow4("10.0.0.1", "10.0.0.2", 51000, 443))
            .flow(TestBatch.gtpuFlow6(7))
            .frame(TestBatch.frame(TestBatch.LINKTYPE_ETHERNET, whole))
            .frame(TestBatch.truncatedFrame(TestBatch.LINKTYPE_ETHERNET, 1514, 1460, cut))
            .event(1, 1, new byte[]{ 1, 2, 3 });
    }

    private static UnsafeBuffer allKinds(final long sequence)
    {
        return encoded(allKindsBatch(sequence));
    }

    private static UnsafeBuffer encoded(final TestBatch batch)
    {
        return batch.encode();
    }

    private static UnsafeBuffer withVersion(final UnsafeBuffer frame, final int version)
    {
        new MessageHeaderEncoder().wrap(frame, 0).version(version);
        return frame;
    }

    private static UnsafeBuffer header(final int schemaId, final int templateId, final int version, final int blockLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + 16]);
        new MessageHeaderEncoder().wrap(buffer, 0)
            .blockLength(blockLength).templateId(templateId).schemaId(schemaId).version(version);
        return buffer;
    }

    private static UnsafeBuffer patched(final UnsafeBuffer frame, final Consumer<UnsafeBuffer> patch)
    {
        patch.accept(frame);
        return frame;
    }

    private static UnsafeBuffer truncate(final UnsafeBuffer frame, final int bytes)
    {
        return new UnsafeBuffer(frame, 0, frame.capacity() - bytes);
    }

    private static UnsafeBuffer extend(final UnsafeBuffer frame, final int bytes)
    {
        final UnsafeBuffer longer = new UnsafeBuffer(new byte[frame.capacity() + bytes]);
        longer.putBytes(0, frame, 0, frame.capacity());
        return longer;
    }

    private static long fileSize(final Path path)
    {
        try
        {
            return Files.size(path);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static int flowsGroup(final UnsafeBuffer frame)
    {
        final int packets = frame.getShort(PACKETS_GROUP + 2, LE) & 0xFFFF;
        return FIRST_PACKET + packets * PacketsDecoder.sbeBlockLength();
    }

    private static int framesGroup(final UnsafeBuffer frame)
    {
        final int flowsGroup = flowsGroup(frame);
        final int flows = frame.getShort(flowsGroup + 2, LE) & 0xFFFF;
        return flowsGroup + 4 + flows * FlowsDecoder.sbeBlockLength();
    }

    private static int frameBytesLengthOffset(final UnsafeBuffer frame)
    {
        return framesGroup(frame) + 4 + FramesDecoder.sbeBlockLength();
    }

    private static int eventsGroup(final UnsafeBuffer frame)
    {
        final int framesGroup = framesGroup(frame);
        final int frames = frame.getShort(framesGroup + 2, LE) & 0xFFFF;
        int position = framesGroup + 4;
        for (int i = 0; i < frames; i++)
        {
            position += FramesDecoder.sbeBlockLength();
            position += 4 + frame.getInt(position, LE);
        }
        return position;
    }

    private static int eventBodyLengthOffset(final UnsafeBuffer frame)
    {
        return eventsGroup(frame) + 4 + DataBatchDecoder.EventsDecoder.sbeBlockLength();
    }
}
