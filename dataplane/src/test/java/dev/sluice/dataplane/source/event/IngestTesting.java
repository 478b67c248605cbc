package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.decode.event.EventFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers for ingest tests: counters in a buffer of their own, a consumer that copies messages out
 * of the ring, polling with a deadline. Test thread only.
 */
final class IngestTesting
{
    /** Transports every socket test runs on: io_uring (the default here) and the NIO fallback. */
    static final String[] TRANSPORTS = {"io_uring", "nio"};
    static final String IO_URING_REQUIRED_PROP_NAME = "sluice.io_uring.required";
    static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    private IngestTesting()
    {
    }

    static CounterFactory counterFactory()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(256 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)));
        return (typeId, label) -> manager.newCounter(label, typeId);
    }

    /** One message as the worker would see it, copied out. */
    record Received(EventFormat format, int listenerIndex, InetAddress peer, int peerPort, int flags, byte[] bytes)
    {
        String text()
        {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Collects what the ring hands out. */
    static final class Collector implements EventHandler
    {
        final List<Received> messages = new ArrayList<>();

        @Override
        public void onEvent(
            final EventFormat format,
            final IngestRecord header,
            final MemorySegment segment,
            final long offset,
            final int length)
        {
            final byte[] bytes = new byte[length];
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
            messages.add(new Received(
                format, header.listenerIndex(), header.peerAddress(), header.peerPort(), header.flags(), bytes));
        }

        List<String> texts()
        {
            final List<String> texts = new ArrayList<>();
            for (final Received message : messages)
            {
                texts.add(message.text());
            }
            return texts;
        }
    }

    /** Reads the ring into {@code collector} until it holds {@code count} messages, or fails at the deadline. */
    static void readUntil(final EventRing ring, final Collector collector, final int count)
    {
        pollUntil(() ->
        {
            ring.read(collector, 1024);
            return collector.messages.size() >= count;
        }, "ring holds " + count + " messages (has " + collector.messages.size() + ")");
    }

    /**
     * Waits until listener {@code listener} counted {@code received} messages and decided each
     * (accepted or dropped): an event loop counts a message received before it counts what became
     * of it, so a check on {@code received} alone can see a drop not yet counted.
     */
    static void awaitSettled(final EventIngest ingest, final int listener, final long received)
    {
        pollUntil(() ->
        {
            final IngestCounters.Snapshot counters = ingest.counters(listener).snapshot();
            return counters.received() == received && counters.balances();
        }, received + " messages counted and decided by listener " + listener);
    }

    static void pollUntil(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * @param transport         a transport keyword; io_uring, when this kernel or sandbox refuses it (e.g. a
     *                          container's seccomp profile), aborts the test with the cause (reported as
     *                          skipped), or fails it under {@code -D}{@value #IO_URING_REQUIRED_PROP_NAME}{@code =true}.
     * @param ringCapacityBytes the ring's capacity.
     * @return settings with test counters, no listener yet.
     */
    static EventIngestConfig config(final String transport, final int ringCapacityBytes)
    {
        if (IngestTransport.IO_URING.keyword().equals(transport) && !IngestTransport.IO_URING.isAvailable())
        {
            final String why = "io_uring is unavailable here: " + IngestTransport.IO_URING.unavailabilityCause();
            if (Boolean.getBoolean(IO_URING_REQUIRED_PROP_NAME))
            {
                fail(why + " (and " + IO_URING_REQUIRED_PROP_NAME + " is true)");
            }
            Assumptions.abort(why);
        }
        return new EventIngestConfig()
            .transport(transport)
            .ringCapacityBytes(ringCapacityBytes)
            .counterFactory(counterFactory());
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
