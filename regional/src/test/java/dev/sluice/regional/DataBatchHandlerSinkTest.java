package dev.sluice.regional;

import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import dev.sluice.regional.sink.Sink;
import dev.sluice.regional.sink.SinkCounter;
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

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sinks fed by the batch handler get each accepted record as the very line the NDJSON file gets
 * (without its newline), with its stream, sequence and data kind; a sink that refuses a batch
 * holds back neither the file nor another sink.
 */
@Timeout(60)
class DataBatchHandlerSinkTest
{
    @TempDir
    Path tempDir;

    @Test
    void eachSinkGetsTheFilesLinesWithTheirKindStreamAndSequenceUnlessItRefuses() throws Exception
    {
        final RecordingSink taking = new RecordingSink(true);
        final RecordingSink refusing = new RecordingSink(false);
        final Path file = tempDir.resolve("eu-west.ndjson");
        final List<Throwable> errors = new ArrayList<>();
        final RegionalCounters counters = new RegionalCounters("eu-west");

        try (NdjsonBatchWriter writer = NdjsonBatchWriter.open(file, 64 * 1024, counters, errors::add);
            PcapngFrameWriter frameWriter = PcapngFrameWriter.open(
                tempDir.resolve("eu-west.pcapng"), 64 * 1024, "eu-west", counters, errors::add))
        {
            final DataBatchHandler handler = new DataBatchHandler(
                "eu-west", counters, writer, frameWriter, errors::add, new Sink[]{ refusing, taking });
            handle(handler, batch("gw-a", "eu-west", 1)
                .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 51000))
                .flow(new TestBatch.Flow(1, 2, 3, 4, 5, 6, 100, IpVersion.V4, (short)6,
                    TestBatch.address("10.0.0.1"), TestBatch.address("10.0.0.2"), 1, 2, 0, (short)0,
                    TunnelType.NONE, 0, FlowEndReason.TCP_FIN,
                    false, false))
                .frame(new TestBatch.Frame(1, 60, 60, 1, PayloadAction.NONE, 0, false, false, false, false, new byte[60]))
                .event(TestBatch.BASE_TS_NS, 1, "<13>hello".getBytes(StandardCharsets.US_ASCII))
                .event(TestBatch.BASE_TS_NS, 4, "{\"a\":1}".getBytes(StandardCharsets.US_ASCII))
                .event(TestBatch.BASE_TS_NS, 999, "?".getBytes(StandardCharsets.US_ASCII)));
            handle(handler, batch("gw-b", "eu-west", 7).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)));
            handle(handler, batch("gw-a", "eu-west", 2));
            writer.flush();
        }
        assertEquals(List.of(), errors);

        assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8), taking.lines());
        assertEquals(List.of(
            "PACKETS gw-a/eu-west/0#0@1", "FLOWS gw-a/eu-west/0#0@1", "FRAMES gw-a/eu-west/0#0@1",
            "EVENTS_SYSLOG gw-a/eu-west/0#0@1", "EVENTS_JSON gw-a/eu-west/0#0@1", "EVENTS_OTHER gw-a/eu-west/0#0@1",
            "PACKETS gw-b/eu-west/0#1@7"), taking.records());
        assertEquals(List.of("gw-a/eu-west/0#0@1:6", "gw-b/eu-west/0#1@7:1", "gw-a/eu-west/0#0@2:0"), taking.batches());
        assertEquals(List.of(), refusing.lines());
        assertEquals(3, refusing.counters().get(SinkCounter.REFUSED_BACKPRESSURE));
        assertEquals(3, counters.get(RegionalCounter.BATCHES));
    }

    private static void handle(final DataBatchHandler handler, final TestBatch batch)
    {
        final UnsafeBuffer frame = batch.encode();
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
    }
}
