package dev.sluice.regional;

import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import dev.sluice.regional.sink.DataKind;
import dev.sluice.regional.sink.DeliveryHandler;
import dev.sluice.regional.sink.Sink;
import dev.sluice.regional.sink.SinkCounter;
import dev.sluice.regional.sink.SinkCounters;
import dev.sluice.regional.sink.SinkStream;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink feed reads the core's durable recording back into batches: each record as the very
 * line of the file (without its newline), with its stream, sequence, kind and origin (its offset
 * in the file); nothing past the durable length; a refused batch offered again; the cursor only
 * behind what the sink delivered, and a feed started from a cursor offering only what follows.
 */
@Timeout(60)
class SinkFeedTest
{
    private static final long PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(2);

    @TempDir
    Path tempDir;

    private final List<Throwable> errors = new ArrayList<>();
    private final RegionalCounters counters = new RegionalCounters("eu-west");
    private Path file;
    private DataBatchHandler handler;
    private long written;

    @BeforeEach
    void record() throws IOException
    {
        file = tempDir.resolve("eu-west.ndjson");
        try (NdjsonBatchWriter writer = NdjsonBatchWriter.open(file, 64 * 1024, counters, errors::add);
            PcapngFrameWriter frameWriter = PcapngFrameWriter.open(
                tempDir.resolve("eu-west.pcapng"), 64 * 1024, "eu-west", counters, errors::add))
        {
            handler = new DataBatchHandler("eu-west", counters, writer, frameWriter, errors::add);
            handle(batch("gw-a", "eu-west", 1)
                .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 51000))
                .flow(new TestBatch.Flow(1, 2, 3, 4, 5, 6, 100, IpVersion.V4, (short)6,
                    TestBatch.address("10.0.0.1"), TestBatch.address("10.0.0.2"), 1, 2, 0, (short)0,
                    TunnelType.NONE, 0, FlowEndReason.TCP_FIN,
                    false, false))
                .frame(new TestBatch.Frame(1, 60, 60, 1, PayloadAction.NONE, 0, false, false, false, false, new byte[60]))
                .event(TestBatch.BASE_TS_NS, 1, "<13>hello".getBytes(StandardCharsets.US_ASCII))
                .event(TestBatch.BASE_TS_NS, 4, "{\"a\":1}".getBytes(StandardCharsets.US_ASCII))
                .event(TestBatch.BASE_TS_NS, 999, "?".getBytes(StandardCharsets.US_ASCII)));
            handle(batch("gw-b\"x", "eu-west", 7).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)));
            handle(batch("gw-a", "eu-west", 2));
            handle(batch("gw-a", "eu-west", 3)
                .packet(tcp4("10.0.0.3", "10.0.0.4", 1, 2))
                .packet(tcp4("10.0.0.5", "10.0.0.6", 1, 2)));
            writer.flush();
            written = writer.writtenLength();
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void offersEachDurableBatchWithItsLinesKindsStreamAndOrigins() throws IOException
    {
        final RecordingSink sink = new RecordingSink(true);
        try (SinkFeed feed = feed(sink, 0))
        {
            feed.doWork(0);
            assertEquals(List.of(), sink.lines(), "nothing before the core says it is durable");

            feed.durableLength(written);
            feed.doWork(0);
            feed.doWork(0);
            assertEquals(written, feed.cursor(), "every batch delivered");
        }

        final List<String> fileLines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(fileLines, sink.lines());
        assertEquals(List.of(
            "PACKETS gw-a/eu-west/0#0@1", "FLOWS gw-a/eu-west/0#0@1", "FRAMES gw-a/eu-west/0#0@1",
            "EVENTS_SYSLOG gw-a/eu-west/0#0@1", "EVENTS_JSON gw-a/eu-west/0#0@1", "EVENTS_OTHER gw-a/eu-west/0#0@1",
            "PACKETS gw-b\"x/eu-west/0#1@7", "PACKETS gw-a/eu-west/0#0@3", "PACKETS gw-a/eu-west/0#0@3"), sink.records());
        // The empty batch 2 wrote no line: the feed never sees it.
        assertEquals(List.of("gw-a/eu-west/0#0@1:6", "gw-b\"x/eu-west/0#1@7:1", "gw-a/eu-west/0#0@3:2"), sink.batches());
        long origin = 0;
        for (int i = 0; i < fileLines.size(); i++)
        {
            assertEquals(origin, sink.origins().get(i), "origin of line " + i);
            origin += fileLines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void aRefusedBatchIsOfferedAgainAndTheCursorWaitsForIt() throws IOException
    {
        final RecordingSink sink = new RecordingSink(false);
        try (SinkFeed feed = feed(sink, 0))
        {
            feed.durableLength(written);
            feed.doWork(0);
            feed.doWork(PAUSE_NS);
            assertEquals(2, sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE));
            assertEquals(0, feed.cursor());

            sink.takes(true);
            feed.doWork(PAUSE_NS / 2);
            assertEquals(List.of(), sink.lines(), "a refused feed pauses before offering again");
            feed.doWork(2 * PAUSE_NS);
            feed.doWork(2 * PAUSE_NS);
            assertEquals(written, feed.cursor());
        }
        assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8), sink.lines());
    }

    @Test
    void aFeedStartedFromItsCursorOffersOnlyWhatFollowsIt() throws IOException
    {
        final List<String> fileLines = Files.readAllLines(file, StandardCharsets.UTF_8);
        long firstBatchEnd = 0;
        for (int i = 0; i < 6; i++)
        {
            firstBatchEnd += fileLines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }

        final RecordingSink sink = new RecordingSink(true);
        try (SinkFeed feed = feed(sink, firstBatchEnd))
        {
            feed.durableLength(written);
            feed.doWork(0);
            feed.doWork(0);
        }
        assertEquals(fileLines.subList(6, fileLines.size()), sink.lines());
        assertEquals(firstBatchEnd, sink.origins().getFirst());
    }

    @Test
    void batchesLargerThanTheBufferAndLinesAcrossReadsArriveWhole() throws IOException
    {
        final RecordingSink sink = new RecordingSink(true);
        try (SinkFeed feed = new SinkFeed(file, 128, sink, handler.streams(), 0, counters, errors::add))
        {
            feed.durableLength(written);
            for (int i = 0; i < 100 && feed.hasUnoffered(); i++)
            {
                feed.doWork(0);
            }
            feed.doWork(0);
            assertEquals(written, feed.cursor());
        }
        assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8), sink.lines());
        assertEquals(List.of(), errors);
    }

    @Test
    void bytesThatAreNoRecordAreSkippedCountedAndReportedOnce() throws IOException
    {
        final List<String> fileLines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final String garbage = "not a record\n{\"gateway\":\"gw-a\",\"site\":1}\n";
        final Path damaged = tempDir.resolve("damaged.ndjson");
        Files.writeString(damaged, fileLines.getFirst() + "\n" + garbage);
        Files.writeString(damaged, String.join("\n", fileLines.subList(6, fileLines.size())) + "\n",
            StandardOpenOption.APPEND);

        final RecordingSink sink = new RecordingSink(true);
        try (SinkFeed feed = new SinkFeed(damaged, 4096, sink, handler.streams(), 0, counters, errors::add))
        {
            feed.durableLength(Files.size(damaged));
            for (int i = 0; i < 10; i++)
            {
                feed.doWork(0);
            }
            assertEquals(Files.size(damaged), feed.cursor());
        }
        final List<String> expected = new ArrayList<>();
        expected.add(fileLines.getFirst());
        expected.addAll(fileLines.subList(6, fileLines.size()));
        assertEquals(expected, sink.lines());
        assertEquals(garbage.length(), counters.get(RegionalCounter.SINK_FEED_UNREADABLE));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().getMessage().contains("no record of the core's writer"), errors.toString());
    }

    @Test
    void feedingAllocatesNothingPerBatchOnceWarm() throws IOException
    {
        final Path big = tempDir.resolve("big.ndjson");
        final RegionalCounters bigCounters = new RegionalCounters("eu-west");
        final DataBatchHandler bigHandler;
        final long length;
        try (NdjsonBatchWriter writer = NdjsonBatchWriter.open(big, 64 * 1024, bigCounters, errors::add);
            PcapngFrameWriter frameWriter = PcapngFrameWriter.open(
                tempDir.resolve("big.pcapng"), 64 * 1024, "eu-west", bigCounters, errors::add))
        {
            bigHandler = new DataBatchHandler("eu-west", bigCounters, writer, frameWriter, errors::add);
            for (int sequence = 1; sequence <= 4_000; sequence++)
            {
                final UnsafeBuffer frame = batch("gw-" + (sequence & 3), "eu-west", sequence)
                    .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 50000))
                    .event(TestBatch.BASE_TS_NS, 1, "<13>hello".getBytes(StandardCharsets.US_ASCII))
                    .encode();
                assertEquals(Action.CONTINUE, bigHandler.onFragment(frame, 0, frame.capacity(), null));
                writer.flush();
            }
            length = writer.writtenLength();
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final CountingSink sink = new CountingSink();
        try (SinkFeed warm = new SinkFeed(big, 64 * 1024, sink, bigHandler.streams(), 0, bigCounters, errors::add);
            SinkFeed feed = new SinkFeed(big, 64 * 1024, sink, bigHandler.streams(), 0, bigCounters, errors::add))
        {
            warm.durableLength(length);
            while (warm.hasUnoffered())
            {
                warm.doWork(0);
            }
            sink.reset();
            feed.durableLength(length);
            feed.doWork(0);
            final long before = threads.getCurrentThreadAllocatedBytes();
            while (feed.hasUnoffered())
            {
                feed.doWork(0);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated feeding " + sink.records + " records");
        }
        assertTrue(sink.records > 7_000, "records fed: " + sink.records);
    }

    /** Takes everything and delivers it at once, allocating nothing. */
    private static final class CountingSink implements Sink
    {
        private final SinkCounters counters = new SinkCounters("counting");
        private final long[] delivered = new long[16];
        private int stream;
        private long sequence;
        private long records;

        void reset()
        {
            Arrays.fill(delivered, 0);
            records = 0;
        }

        public String name()
        {
            return "counting";
        }

        public boolean offerBatch(
            final SinkStream stream, final long sequence, final int recordCount, final long bound)
        {
            this.stream = stream.id();
            this.sequence = sequence;
            return true;
        }

        public void appendRecord(
            final DataKind kind,
            final long origin,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            records++;
        }

        public void commitBatch()
        {
            delivered[stream] = sequence;
        }

        public long deliveredSequence(final SinkStream stream)
        {
            return delivered[stream.id()];
        }

        public int pollDelivered(final DeliveryHandler handler)
        {
            return 0;
        }

        public SinkCounters counters()
        {
            return counters;
        }

        public void close()
        {
        }
    }

    private SinkFeed feed(final RecordingSink sink, final long cursor)
    {
        return new SinkFeed(file, 64 * 1024, sink, handler.streams(), cursor, counters, errors::add);
    }

    private void handle(final TestBatch batch)
    {
        final UnsafeBuffer frame = batch.encode();
        assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
    }
}
