package dev.sluice.dataplane.source.event;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static dev.sluice.dataplane.source.event.IngestTesting.awaitSettled;
import static dev.sluice.dataplane.source.event.IngestTesting.config;
import static dev.sluice.dataplane.source.event.IngestTesting.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A full ring stops a TCP connection: with nobody draining, the server stops reading, so the
 * client's socket buffers fill and its writes make no progress; once the test drains the ring, every
 * message arrives exactly once and in order. On io_uring and on NIO, both framings.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackpressureTest
{
    static final String[] TRANSPORTS = IngestTesting.TRANSPORTS;
    private static final int RING_BYTES = 64 * 1024;
    private static final int MESSAGES = 20_000;
    /** Consecutive writes, 1 ms apart, that move no byte: the server has stopped reading. */
    private static final int STALLED_WRITES = 50;

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void lineFeedFramed(final String transport) throws Exception
    {
        run(transport, false);
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void octetCounted(final String transport) throws Exception
    {
        run(transport, true);
    }

    private static void run(final String transport, final boolean octetCounting) throws Exception
    {
        final ByteBuffer stream = ByteBuffer.wrap(ascii(messages(octetCounting)));
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("syslog-tcp", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(512).receiveBufferBytes(16 * 1024)), ring);
            SocketChannel client = SocketChannel.open())
        {
            client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.connect(new InetSocketAddress("127.0.0.1", ingest.localAddress(0).getPort()));
            client.configureBlocking(false);

            // Nobody drains: write until the ring is full, the connection paused, and writes stall.
            final long deadline = System.nanoTime() + IngestTesting.DEADLINE_NS;
            int stalled = 0;
            while (stalled < STALLED_WRITES)
            {
                if (!stream.hasRemaining())
                {
                    fail("the whole stream (" + stream.limit() + " bytes) went through a full ring: no backpressure");
                }
                if (System.nanoTime() - deadline > 0)
                {
                    fail("writes never stalled; counters " + ingest.counters(0).snapshot());
                }
                final int written = client.write(stream);
                final boolean paused = ingest.counters(0).snapshot().backpressurePauses() > 0;
                stalled = written == 0 && paused ? stalled + 1 : 0;
                if (written == 0)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            final IngestCounters.Snapshot whilePaused = ingest.counters(0).snapshot();
            assertTrue(whilePaused.accepted() > 0 && whilePaused.accepted() < MESSAGES, whilePaused.toString());
            assertEquals(1, ring.waitingProducers(), "the paused connection waits for room");
            assertTrue(stream.position() < stream.limit(), "the client could not send everything");

            // Drain while the client sends the rest: every message once, in order.
            final SequenceChecker checker = new SequenceChecker();
            pollUntil(() ->
            {
                try
                {
                    if (stream.hasRemaining())
                    {
                        client.write(stream);
                    }
                    else if (client.isOpen() && client.socket().isConnected() && !client.socket().isOutputShutdown())
                    {
                        client.shutdownOutput();
                    }
                }
                catch (final java.io.IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
                ring.read(checker, 256);
                return checker.next == MESSAGES;
            }, "all " + MESSAGES + " messages read");

            awaitSettled(ingest, 0, MESSAGES);
            final IngestCounters.Snapshot counters = ingest.counters(0).snapshot();
            assertEquals(MESSAGES, counters.accepted());
            assertEquals(0, counters.dropped());
            assertTrue(counters.balances());
            assertTrue(counters.backpressurePauses() >= 1);
            assertEquals(0, ring.read(checker, 256), "nothing twice");
        }
    }

    private static String messages(final boolean octetCounting)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++)
        {
            final String message = message(i);
            if (octetCounting)
            {
                text.append(message.length()).append(' ').append(message);
            }
            else
            {
                text.append(message).append('\n');
            }
        }
        return text.toString();
    }

    private static String message(final int sequence)
    {
        return String.format("<13>1 2026-11-27T05:00:00Z host app - - - sequence %08d padding padding padding", sequence);
    }

    /** Checks each message is the next one expected. */
    private static final class SequenceChecker implements EventHandler
    {
        int next;

        @Override
        public void onEvent(
            final dev.sluice.dataplane.decode.event.EventFormat format,
            final IngestRecord header,
            final java.lang.foreign.MemorySegment segment,
            final long offset,
            final int length)
        {
            final byte[] bytes = new byte[length];
            java.lang.foreign.MemorySegment.copy(
                segment, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
            final String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(message(next), text, "message " + next);
            next++;
        }
    }
}
