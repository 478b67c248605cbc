package dev.sluice.regional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.protocol.codec.DataBatchDecoder;
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

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch handler without Aeron: verdicts for malformed frames, identifiers, schema evolution
 * and a file that cannot be written.
 */
@Timeout(60)
class DataBatchHandlerTest
{
    private static final int BLOCK = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int PACKETS_GROUP = BLOCK + DataBatchDecoder.BLOCK_LENGTH;

    @TempDir
    Path tempDir;

    private final List<Throwable> errors = new ArrayList<>();
    private RegionalCounters counters;
    private NdjsonBatchWriter writer;
    private DataBatchHandler handler;
    private Path file;

    @BeforeEach
    void setUp() throws Exception
    {
        file = tempDir.resolve("eu-west.ndjson");
        open(file, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);
    }

    @AfterEach
    void tearDown()
    {
        writer.close();
    }

    @Test
    void rejectsEachKindOfMalformedFrameByReason()
    {
        assertRejected(RejectReason.TRUNCATED, new UnsafeBuffer(new byte[5]));
        assertRejected(RejectReason.UNKNOWN_SCHEMA, header(9999, 1, 1, DataBatchDecoder.BLOCK_LENGTH));
        assertRejected(RejectReason.UNKNOWN_TEMPLATE, header(7701, 21, 1, DataBatchDecoder.BLOCK_LENGTH));
        assertRejected(RejectReason.UNSUPPORTED_VERSION, header(7701, 1, 0, DataBatchDecoder.BLOCK_LENGTH));
        assertRejected(RejectReason.MALFORMED_BLOCK, header(7701, 1, 1, 100));
        assertRejected(RejectReason.TRUNCATED, header(7701, 1, 1, DataBatchDecoder.BLOCK_LENGTH));

        assertRejected(RejectReason.MALFORMED_BLOCK, patched(oneOfEach(1), (b) -> b.putShort(PACKETS_GROUP, (short)10)));
        assertRejected(RejectReason.TRUNCATED, patched(oneOfEach(1), (b) -> b.putShort(PACKETS_GROUP + 2, (short)2)));
        assertRejected(RejectReason.TRUNCATED, truncate(oneOfEach(1), 1));
        assertRejected(RejectReason.TRUNCATED, patched(oneOfEach(1), (b) -> b.putInt(eventBodyLengthOffset(b), 4)));
        assertRejected(RejectReason.TRUNCATED, patched(oneOfEach(1), (b) -> b.putInt(eventBodyLengthOffset(b), -1)));
        assertRejected(RejectReason.MALFORMED_BLOCK, patched(oneOfEach(1), (b) -> b.putShort(eventsGroupOffset(b), (short)4)));

        assertRejected(RejectReason.BAD_IDENTIFIER, encoded(batch("", "eu-west", 1)));
        assertRejected(RejectReason.BAD_IDENTIFIER, patched(oneOfEach(1), (b) -> b.putByte(BLOCK + 1, (byte)0x01)));
        assertRejected(RejectReason.BAD_IDENTIFIER, patched(oneOfEach(1),
            (b) -> b.putByte(BLOCK + DataBatchDecoder.originSiteEncodingOffset(), (byte)0x80)));
        assertRejected(RejectReason.BAD_SEQUENCE, encoded(batch("gw-1", "eu-west", 0)));
        assertRejected(RejectReason.BAD_SEQUENCE, encoded(batch("gw-1", "eu-west", Long.MIN_VALUE)));

        final TestBatch wrongCount = batch("gw-1", "eu-west", 1).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2));
        wrongCount.recordCountOverride = 5L;
        assertRejected(RejectReason.RECORD_COUNT_MISMATCH, encoded(wrongCount));
        assertRejected(RejectReason.BAD_IP_VERSION, patched(oneOfEach(1),
            (b) -> b.putByte(PACKETS_GROUP + 4 + PacketsDecoder.ipVersionEncodingOffset(), (byte)5)));

        assertEquals(19, counters.get(RegionalCounter.REJECTED_FRAMES));
        assertEquals(0, counters.get(RegionalCounter.BATCHES));
        assertEquals(0, handler.streamCount());

        final UnsafeBuffer valid = oneOfEach(1);
        assertEquals(Action.CONTINUE, handler.onFragment(valid, 0, valid.capacity(), null));
        assertEquals(1, counters.get(RegionalCounter.BATCHES), "a valid frame after bad ones is accepted");
    }

    @Test
    void treatsBytesAfterTheFirstNulAsPaddingAndEscapesIdentifiers()
    {
        final UnsafeBuffer junkPadded = patched(oneOfEach(1), (b) -> b.putStringWithoutLengthAscii(BLOCK + 4, "\0junk"));
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
    void readsANewerSchemaVersionWithLongerBlocksAndTrailingData()
    {
        final UnsafeBuffer v1 = encoded(batch("gw-1", "eu-west", 1).packet(tcp4("192.0.2.9", "192.0.2.10", 7, 8)));
        final int extraBlock = 6;
        final int extraEntry = 5;
        final int trailing = 8;
        final UnsafeBuffer v2 = new UnsafeBuffer(new byte[v1.capacity() + extraBlock + extraEntry + trailing]);
        new MessageHeaderEncoder().wrap(v2, 0)
            .blockLength(DataBatchDecoder.BLOCK_LENGTH + extraBlock).templateId(1).schemaId(7701).version(2);
        int in = BLOCK;
        int out = BLOCK;
        v2.putBytes(out, v1, in, DataBatchDecoder.BLOCK_LENGTH);
        in += DataBatchDecoder.BLOCK_LENGTH;
        out += DataBatchDecoder.BLOCK_LENGTH + extraBlock;
        v2.putShort(out, (short)(PacketsDecoder.sbeBlockLength() + extraEntry), ByteOrder.LITTLE_ENDIAN);
        v2.putShort(out + 2, (short)1, ByteOrder.LITTLE_ENDIAN);
        in += 4;
        out += 4;
        v2.putBytes(out, v1, in, PacketsDecoder.sbeBlockLength());
        in += PacketsDecoder.sbeBlockLength();
        out += PacketsDecoder.sbeBlockLength() + extraEntry;
        v2.putBytes(out, v1, in, v1.capacity() - in);

        assertEquals(Action.CONTINUE, handler.onFragment(v2, 0, v2.capacity(), null));
        writer.flush();

        assertEquals(1, counters.get(RegionalCounter.BATCHES));
        final JsonNode line = NdjsonReader.read(file).getFirst();
        assertEquals("192.0.2.9", line.get(NdjsonFields.SRC).asText());
        assertEquals(8, line.get(NdjsonFields.DST_PORT).asInt());
    }

    @Test
    void terminatesAPartialLastLineLeftByACrash() throws Exception
    {
        writer.close();
        Files.writeString(file, "{\"cut\":");
        open(file, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        handle(oneOfEach(1));
        writer.flush();

        final List<String> lines = Files.readAllLines(file);
        assertEquals("{\"cut\":", lines.getFirst());
        assertEquals(3, lines.size());
        assertEquals(2, NdjsonReader.parse(String.join("\n", lines.subList(1, 3)) + "\n").size());
    }

    @Test
    void leavesFramesUnconsumedWhileTheFileCannotBeWritten() throws Exception
    {
        writer.close();
        final Path full = tempDir.resolve("full.ndjson");
        Files.createSymbolicLink(full, Path.of("/dev/full"));
        open(full, RegionalCoreContext.OUTPUT_BUFFER_LENGTH_MIN);

        final TestBatch big = batch("gw-1", "eu-west", 1);
        for (int i = 0; i < 60; i++)
        {
            big.packet(tcp4("10.0.0.1", "10.0.0.2", i, 80));
        }

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
        Files.delete(full);
    }

    private void open(final Path path, final int bufferLength) throws Exception
    {
        counters = new RegionalCounters("eu-west");
        writer = NdjsonBatchWriter.open(path, bufferLength, counters, errors::add);
        handler = new DataBatchHandler("eu-west", counters, writer);
    }

    private void handle(final UnsafeBuffer frame)
    {
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
    }

    private void assertRejected(final RejectReason reason, final UnsafeBuffer frame)
    {
        final long before = counters.rejected(reason);
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
        assertEquals(before + 1, counters.rejected(reason), reason.label());
    }

    private static UnsafeBuffer oneOfEach(final long sequence)
    {
        return encoded(batch("gw-1", "eu-west", sequence)
            .packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2))
            .event(1, 1, new byte[]{ 1, 2, 3 }));
    }

    private static UnsafeBuffer encoded(final TestBatch batch)
    {
        return batch.encode();
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

    private static int eventsGroupOffset(final UnsafeBuffer frame)
    {
        final int packetBlockLength = frame.getShort(PACKETS_GROUP, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int packets = frame.getShort(PACKETS_GROUP + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return PACKETS_GROUP + 4 + packets * packetBlockLength;
    }

    private static int eventBodyLengthOffset(final UnsafeBuffer frame)
    {
        return eventsGroupOffset(frame) + 4 + DataBatchDecoder.EventsDecoder.sbeBlockLength();
    }
}
