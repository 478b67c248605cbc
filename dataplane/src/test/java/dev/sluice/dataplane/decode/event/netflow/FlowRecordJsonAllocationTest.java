package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.event.netflow.NetflowAllocationTest.Corpus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rendering flow records as JSON allocates nothing per record: after a warm-up, passes over every
 * record of the shared NetFlow data (parsed off-heap as the ingest holds it), each rendered raw and
 * anonymized into an off-heap buffer, leave the thread's allocated-bytes counter where it was.
 */
class FlowRecordJsonAllocationTest
{
    private static final int WARM_UP_RENDERS = 300_000;
    private static final int MEASURED_RENDERS = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static volatile byte[] sink;
    private static long checksum;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStateRenderingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Corpus corpus = Corpus.load(arena);
            final NetflowParser parser = new NetflowParser();
            final FlowRecordJson json = new FlowRecordJson();
            final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
            Arrays.fill(key, (byte)0x5A);
            final CryptoPan anonymizer = new CryptoPan(key);
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

            long warmedUp = 0;
            while (warmedUp < WARM_UP_RENDERS)
            {
                warmedUp += pass(corpus, parser, json, anonymizer, buffer);
            }

            final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
            final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
            final long probeBefore = threads.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");

            // A per-record allocation shows in every window; a one-off (a C2 deoptimization under load) in one.
            long[] windows = new long[MEASURED_WINDOWS];
            long renders = 0;
            long allocatedBytes = Long.MAX_VALUE;
            int measuredWindows = 0;
            for (int window = 0; window < MEASURED_WINDOWS && allocatedBytes != 0; window++)
            {
                measuredWindows++;
                final long before = threads.getCurrentThreadAllocatedBytes();
                renders = 0;
                while (renders < MEASURED_RENDERS)
                {
                    renders += pass(corpus, parser, json, anonymizer, buffer);
                }
                windows[window] = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);
                allocatedBytes = Math.min(allocatedBytes, windows[window]);
            }
            windows = Arrays.copyOf(windows, measuredWindows);
            System.out.println("flow json allocation: " + Arrays.toString(windows) + " bytes per window of " + renders +
                " renders after " + warmedUp);
            assertEquals(0, allocatedBytes, "bytes allocated by parse + select + render over " + renders +
                " renders, fewest of " + Arrays.toString(windows) + " (checksum " + checksum + ")");
        }
    }

    /** @return records rendered (each twice: raw and anonymized). */
    private static long pass(
        final Corpus corpus,
        final NetflowParser parser,
        final FlowRecordJson json,
        final CryptoPan anonymizer,
        final UnsafeBuffer buffer)
    {
        long renders = 0;
        for (int d = 0; d < corpus.count(); d++)
        {
            parser.exporter(4, 0, corpus.exporter[d], 2055).receivedAt(corpus.receivedNs[d]);
            if (!parser.parse(corpus.segment[d], 0, (int)corpus.segment[d].byteSize()))
            {
                continue;
            }
            final int records = parser.recordCount();
            for (int i = 0; i < records; i++)
            {
                if (parser.selectRecord(i))
                {
                    checksum += json.render(parser, null, buffer, 0, buffer.capacity());
                    checksum += json.render(parser, anonymizer, buffer, 0, buffer.capacity());
                    renders += 2;
                }
            }
        }
        return renders;
    }
}
