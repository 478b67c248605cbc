package dev.sluice.regional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink feed reads back a recording that may be damaged within its durable length: any bytes
 * end, line by line, either offered to the sink as records or skipped and counted, never an
 * exception and never a byte unaccounted for; a line it reads as a record names a stream and a
 * sequence of at least 1.
 */
@Timeout(300)
class SinkFeedFuzzTest
{
    private static final String GOOD_LINE =
        "{\"gateway\":\"gw-a\",\"site\":\"s\",\"origin_region\":\"eu-west\",\"destination\":\"eu-west\",\"worker\":0," +
        "\"sequence\":1,\"policy_version\":1,\"encoded_ts_ns\":5,\"type\":\"event\",\"ts_ns\":7,\"kind\":\"syslog\",\"body\":\"x\"}\n";

    @FuzzTest(maxDuration = "1m")
    void fuzzRecordingLine(final byte[] bytes)
    {
        final RecordingLine line = new RecordingLine();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (line.parse(buffer, 0, bytes.length))
        {
            assertTrue(line.sequence() >= 1);
            assertTrue(line.workerIndex() >= 0 && line.workerIndex() <= 0xFFFF);
            assertTrue(null != line.kind());
        }
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzRecording(final byte[] bytes) throws IOException
    {
        // A damaged stretch between two good lines, as a torn write inside the durable length would leave.
        final byte[] good = GOOD_LINE.getBytes(StandardCharsets.US_ASCII);
        final byte[] file = new byte[good.length + bytes.length + 1 + good.length];
        System.arraycopy(good, 0, file, 0, good.length);
        System.arraycopy(bytes, 0, file, good.length, bytes.length);
        file[good.length + bytes.length] = '\n';
        System.arraycopy(good, 0, file, good.length + bytes.length + 1, good.length);
        final Path path = Files.createTempFile("sluice-feed-fuzz", ".ndjson");
        final List<Throwable> errors = new ArrayList<>();
        final RegionalCounters counters = new RegionalCounters("eu-west");
        final RecordingSink sink = new RecordingSink(true);
        try
        {
            Files.write(path, file);
            try (SinkFeed feed = new SinkFeed(path, 256, sink, new StreamTable(counters), 0, counters, errors::add))
            {
                feed.durableLength(file.length);
                for (int i = 0; i < 1_000_000 && feed.hasUnoffered(); i++)
                {
                    feed.doWork(0);
                }
                assertTrue(!feed.hasUnoffered(), "the feed reads to the durable end");
            }
            long offered = 0;
            for (final String line : sink.lines())
            {
                offered += line.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            assertEquals(file.length, offered + counters.get(RegionalCounter.SINK_FEED_UNREADABLE),
                "every byte offered as a record or counted unreadable");
            assertTrue(sink.lines().size() >= 2, () -> "the good lines around the damage are offered: " + sink.lines() + " " + errors + " input " + java.util.Arrays.toString(bytes));
        }
        finally
        {
            Files.deleteIfExists(path);
        }
    }
}
