package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The consumer side the worker runs, {@link EventRing#read}, allocates nothing per record once warm:
 * single messages and NDJSON batches alike.
 */
class EventRingAllocationTest
{
    private static final int ROUNDS = 2_000;
    private static final int WARM_UP_ROUNDS = 5_000;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readingAllocatesNothing()
    {
        final byte[] syslog = ascii("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed");
        final byte[] batch = ascii("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
        final byte[] peer = {10, 0, 0, 1};
        final CountingHandler handler = new CountingHandler();
        try (EventRing ring = new EventRing(1024 * 1024))
        {
            threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < WARM_UP_ROUNDS; i++)
            {
                round(ring, handler, syslog, batch, peer);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < ROUNDS; i++)
            {
                round(ring, handler, syslog, batch, peer);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated reading " + ROUNDS * 100 + " records");
            assertEquals((WARM_UP_ROUNDS + ROUNDS) * (50 + 50 * 3), handler.messages);
        }
    }

    private static void round(
        final EventRing ring, final CountingHandler handler, final byte[] syslog, final byte[] batch, final byte[] peer)
    {
        for (int i = 0; i < 50; i++)
        {
            write(ring, EventFormat.SYSLOG.typeId(), syslog, peer);
            write(ring, EventRing.NDJSON_BATCH_TYPE_ID, batch, peer);
        }
        while (ring.read(handler, 64) > 0)
        {
            // Until empty: a read stops where the ring wraps.
        }
    }

    private static void write(final EventRing ring, final int typeId, final byte[] message, final byte[] peer)
    {
        final int at = ring.claim(typeId, message.length);
        final MemorySegment segment = ring.segment();
        IngestRecordHolder.RECORD.wrap(segment, at).receiveTimeNs(1L).peer(peer, 514, 0, 0);
        MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
        ring.commit(at);
    }

    /** One flyweight for the writes, so the test's own producer allocates nothing either. */
    private static final class IngestRecordHolder
    {
        static final IngestRecord RECORD = new IngestRecord();
    }

    private static final class CountingHandler implements EventHandler
    {
        long messages;
        long bytes;

        @Override
        public void onEvent(
            final EventFormat format,
            final IngestRecord header,
            final MemorySegment segment,
            final long offset,
            final int length)
        {
            messages++;
            bytes += length + header.peerPort() + segment.get(ValueLayout.JAVA_BYTE, offset);
        }
    }
}
