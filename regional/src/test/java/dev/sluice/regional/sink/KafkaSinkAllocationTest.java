package dev.sluice.regional.sink;

import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offering to the Kafka sink allocates nothing on the caller's thread once warm: not when a batch
 * is taken (its records are copied into the off-heap ring), not when it is refused, not when
 * progress is polled. The sink's own thread and Kafka's client allocate per record; that is their
 * thread, not the caller's (a producer that acknowledges at once stands in for Kafka here).
 * Keeps the fewest bytes of several windows, so that a one-off (a late JIT deoptimization) does not
 * count, while a per-record allocation shows in every window.
 */
@Timeout(120)
class KafkaSinkAllocationTest
{
    private static final int BATCHES_PER_WINDOW = 20_000;
    private static final int WARM_UP_WINDOWS = 15;
    private static final int MEASURED_WINDOWS = 8;
    private static final DataKind[] KINDS = { DataKind.PACKETS, DataKind.FLOWS, DataKind.EVENTS_SYSLOG, DataKind.FRAMES };

    @Test
    void offeringAllocatesNothingOnTheCallersThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
        final KafkaSinkConfig config = new KafkaSinkConfig()
            .bootstrapServers("127.0.0.1:9")
            .bufferLength(1024 * 1024);
        final SinkStream[] streams = { new SinkStream(0, "gw-1", "eu-west", 0), new SinkStream(1, "gw-2", "eu-west", 1) };
        final UnsafeBuffer line = new UnsafeBuffer(new byte[512]);
        final int length = line.putStringWithoutLengthAscii(0, "{\"gateway\":\"gw-1\",\"type\":\"packet\"," +
            "\"src\":\"10.1.2.3\",\"dst\":\"192.0.2.7\",\"src_port\":443,\"dst_port\":51234}\n");
        final long[] sequences = new long[streams.length];
        final long[] delivered = new long[1];
        final DeliveryHandler onDelivered = (stream, sequence) -> delivered[0] = sequence;

        try (KafkaSink sink = new KafkaSink(config, errors::add, (properties) ->
        {
            final MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            producers.add(producer);
            return producer;
        }, (properties) -> SinkRecords.emptyKafka(), OriginCheck.TRUST, SystemNanoClock.INSTANCE, true))
        {
            final Runnable window = () ->
            {
                int taken = 0;
                while (taken < BATCHES_PER_WINDOW)
                {
                    final int s = taken & 1;
                    if (sink.offerBatch(streams[s], sequences[s] + 1, KINDS.length, (long)KINDS.length * length))
                    {
                        for (final DataKind kind : KINDS)
                        {
                            sink.appendRecord(kind, SinkRecords.nextOrigin(), line, 0, length);
                        }
                        sink.commitBatch();
                        sequences[s]++;
                        taken++;
                    }
                    sink.pollDelivered(onDelivered);
                }
            };

            for (int i = 0; i < WARM_UP_WINDOWS; i++)
            {
                window.run();
                producers.getLast().clear();
            }
            long fewest = Long.MAX_VALUE;
            final List<Long> windows = new ArrayList<>();
            for (int i = 0; i < MEASURED_WINDOWS && 0 != fewest; i++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                window.run();
                final long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                windows.add(bytes);
                fewest = Math.min(fewest, bytes);
                producers.getLast().clear();
            }
            System.out.println("caller-thread bytes per window of " + BATCHES_PER_WINDOW + " batches: " + windows +
                ", refused " + sink.counters().get(SinkCounter.REFUSED_BACKPRESSURE));
            assertEquals(0, fewest, "bytes allocated by the caller's thread in the quietest window: " + windows);
            assertTrue(delivered[0] > 0);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }
}
