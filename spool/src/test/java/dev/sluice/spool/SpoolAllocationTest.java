package dev.sluice.spool;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady state allocates nothing per record: append, read back through a cursor, and
 * acknowledge (which writes the acknowledgement file), record after record, across segment
 * rolls and trims. Measured with the thread's allocated-bytes counter as the dataplane's
 * {@code AllocationProbe} does: after a warm-up, several windows, keeping the fewest bytes (a
 * per-record allocation shows in every window; a segment roll, a one-off C2 deoptimization, in
 * one).
 */
@Timeout(300)
class SpoolAllocationTest
{
    private static final int RECORD_LENGTH = 1024;
    private static final int SEGMENT_LENGTH = 16 * 1024 * 1024;
    private static final int WARM_UP_RECORDS = 60_000;
    private static final int RECORDS_PER_WINDOW = 10_000;
    private static final int WINDOWS = 8;

    private static volatile byte[] probe;

    @TempDir
    Path directory;

    /**
     * Reads each record's first long: a handler that captures nothing, as a sink's would be.
     */
    static final class Checksumming implements RecordHandler
    {
        long sum;
        long records;

        @Override
        public void onRecord(final long sequence, final DirectBuffer buffer, final int offset, final int length)
        {
            sum += buffer.getLong(offset) + sequence + length;
            records++;
        }
    }

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.class, names = { "NEVER", "EVERY_N_RECORDS", "INTERVAL" })
    void appendReadAndAcknowledgeAllocateNothing(final FsyncPolicy policy)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));
        payload.setMemory(0, RECORD_LENGTH, (byte)0x5A);
        final Checksumming handler = new Checksumming();
        try (Spool spool = Spool.open(new SpoolConfig()
            .directory(directory)
            .segmentLength(SEGMENT_LENGTH)
            .maxBytes(8L * SEGMENT_LENGTH)
            .fsyncPolicy(policy)
            .fsyncEveryRecords(1024)
            .errorHandler((ex) -> { throw new AssertionError(ex); })))
        {
            final SpoolCursor cursor = spool.newCursor(1);
            final Runnable pass = () ->
            {
                payload.putLong(0, spool.lastSequence());
                final long sequence = spool.append(payload, 0, RECORD_LENGTH);
                if (sequence < 0 || 1 != cursor.poll(handler, 1))
                {
                    throw new AssertionError("append " + sequence + ", cursor at " + cursor.position());
                }
                spool.acknowledge(sequence);
                spool.doWork();
            };
            final long fewest = fewestBytes(policy + ": append + poll + acknowledge", pass);
            assertEquals(0, fewest, policy + ": bytes allocated per window of " + RECORDS_PER_WINDOW + " records");
            assertEquals(spool.lastSequence(), handler.records);
            assertTrue(spool.counters().get(SpoolCounter.TRIMMED_SEGMENTS) > 0, "rolled and trimmed while measured");
        }
    }

    private static long fewestBytes(final String what, final Runnable pass)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARM_UP_RECORDS; i++)
        {
            pass.run();
        }
        final long probeBefore = threads.getCurrentThreadAllocatedBytes();
        probe = new byte[4096];
        assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation counter works");

        final long[] bytes = new long[WINDOWS];
        long fewest = Long.MAX_VALUE;
        int measured = 0;
        while (measured < WINDOWS && fewest != 0)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < RECORDS_PER_WINDOW; i++)
            {
                pass.run();
            }
            bytes[measured] = threads.getCurrentThreadAllocatedBytes() - before;
            fewest = Math.min(fewest, bytes[measured++]);
        }
        System.out.println(what + ": " + Arrays.toString(Arrays.copyOf(bytes, measured)) + " bytes per window of " +
            RECORDS_PER_WINDOW + " records");
        return fewest;
    }
}
