package dev.sluice.perf.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.source.event.EventHandler;
import dev.sluice.dataplane.source.event.EventIngest;
import dev.sluice.dataplane.source.event.EventIngestConfig;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestCounters;
import dev.sluice.dataplane.source.event.IngestListener;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.source.event.ListenerKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Syslog ingest throughput into the ring, over loopback: a sender thread (UDP datagrams, or one TCP
 * connection of LF-framed messages), the ingest's event loop, and a consumer thread draining the ring
 * (touching each message's first byte) — all in one JVM, three threads on however many cores there are.
 * Reports messages and MB per second accepted into the ring over the measured seconds, after a warm-up,
 * the CPU time of the event loop per message (the ingest's own cost, which holds on a loaded machine
 * where wall-clock rates do not) and the whole process's. The UDP sender keeps a window of datagrams in flight (see
 * {@link #sendUdp}) so that nothing is lost in the kernel; sent minus received shows any loss.
 * <p>
 * {@code EventIngestThroughput udp|tcp|udp-jdk [transport=auto] [seconds=5] [messageBytes=200] [warmUpSeconds=2]}
 * <pre>
 *   PERF_MAIN=dev.sluice.perf.source.event.EventIngestThroughput perf/run-jmh.sh tcp io_uring 5
 * </pre>
 */
public final class EventIngestThroughput
{
    private static final int RING_BYTES = 64 * 1024 * 1024;
    private static final int TCP_CHUNK_BYTES = 256 * 1024;
    private static final int UDP_BATCH = 64;
    private static final int UDP_WINDOW = 4096;
    private static final long IDLE_PARK_NS = 50_000;

    private EventIngestThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String mode = args.length > 0 ? args[0] : "tcp";
        final String transport = args.length > 1 ? args[1] : "auto";
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final int messageBytes = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        final int warmUpSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        final boolean udp = "udp".equals(mode);
        if ("udp-jdk".equals(mode))
        {
            jdkBaseline(seconds, messageBytes, warmUpSeconds);
            return;
        }

        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
        final EventIngestConfig config = new EventIngestConfig()
            .transport(transport)
            .ringCapacityBytes(RING_BYTES)
            .counterFactory((typeId, label) -> countersManager.newCounter(label, typeId))
            .listener(IngestListener.of("syslog", udp ? ListenerKind.SYSLOG_UDP : ListenerKind.SYSLOG_TCP, 0)
                .bindAddress("127.0.0.1")
                .receiveBufferBytes(4 * 1024 * 1024));

        final byte[] message = message(messageBytes);
        final AtomicBoolean running = new AtomicBoolean(true);
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config, ring))
        {
            final Drainer drainer = new Drainer(ring, running);
            final Thread consumer = new Thread(drainer, "ring-consumer");
            consumer.start();
            final InetSocketAddress server = ingest.localAddress(0);
            final long[] sent = new long[1];
            final Thread sender = new Thread(() ->
            {
                try
                {
                    sent[0] = udp ?
                        sendUdp(server, message, running, ingest.counters(0)::receivedCount) :
                        sendTcp(server, message, running);
                }
                catch (final Exception ex)
                {
                    ex.printStackTrace();
                }
            }, "sender");
            sender.start();

            TimeUnit.SECONDS.sleep(warmUpSeconds);
            final IngestCounters counters = ingest.counters(0);
            final IngestCounters.Snapshot start = counters.snapshot();
            final long cpuStartNs = processCpuNs();
            final long loopCpuStartNs = eventLoopCpuNs();
            final long startNs = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            final IngestCounters.Snapshot end = counters.snapshot();
            final long elapsedNs = System.nanoTime() - startNs;
            final long cpuNs = processCpuNs() - cpuStartNs;
            final long loopCpuNs = eventLoopCpuNs() - loopCpuStartNs;
            running.set(false);
            sender.join();
            consumer.join();

            final long accepted = end.accepted() - start.accepted();
            final long bytes = end.bytes() - start.bytes();
            final double perSecond = accepted * 1e9 / elapsedNs;
            System.out.printf(Locale.ROOT,
                "mode=%s transport=%s messageBytes=%d seconds=%.1f accepted=%d msgs/s=%.0f MB/s=%.1f " +
                "event-loop-cpu-ns/msg=%.0f (msgs per event-loop CPU-second=%.0f) process-cpu-ns/msg=%.0f " +
                "dropped=%s sent-total=%d received-total=%d consumed=%d%n",
                mode, ingest.transport().keyword(), message.length, elapsedNs / 1e9, accepted, perSecond,
                bytes / 1e6 / (elapsedNs / 1e9), accepted == 0 ? 0.0 : (double)loopCpuNs / accepted,
                loopCpuNs == 0 ? 0.0 : accepted * 1e9 / loopCpuNs, accepted == 0 ? 0.0 : (double)cpuNs / accepted,
                end.droppedByReason(),
                sent[0], end.received(), drainer.messages);
        }
    }

    /**
     * The floor under the UDP figure: a plain blocking JDK {@link DatagramChannel} receive loop on its own
     * thread, same sender, no Netty and no ring; its CPU time per datagram is mostly the system call.
     */
    private static void jdkBaseline(final int seconds, final int messageBytes, final int warmUpSeconds) throws Exception
    {
        final byte[] message = message(messageBytes);
        final AtomicBoolean running = new AtomicBoolean(true);
        final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            final InetSocketAddress server = (InetSocketAddress)channel.getLocalAddress();
            final Thread receiver = new Thread(() ->
            {
                final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
                try
                {
                    while (running.get())
                    {
                        buffer.clear();
                        channel.receive(buffer);
                        received.incrementAndGet();
                    }
                }
                catch (final java.io.IOException ex)
                {
                    // Closed at the end of the run.
                }
            }, "sluice-ingest-jdk-baseline");
            receiver.start();
            final Thread sender = new Thread(() ->
            {
                try
                {
                    sendUdp(server, message, running, received::get);
                }
                catch (final Exception ex)
                {
                    ex.printStackTrace();
                }
            }, "sender");
            sender.start();
            TimeUnit.SECONDS.sleep(warmUpSeconds);
            final long start = received.get();
            final long loopCpuStartNs = eventLoopCpuNs();
            final long startNs = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            final long count = received.get() - start;
            final long loopCpuNs = eventLoopCpuNs() - loopCpuStartNs;
            final long elapsedNs = System.nanoTime() - startNs;
            running.set(false);
            sender.join();
            channel.close();
            receiver.join();
            System.out.printf(Locale.ROOT,
                "mode=udp-jdk messageBytes=%d seconds=%.1f received=%d msgs/s=%.0f receiver-cpu-ns/msg=%.0f " +
                "(msgs per receiver CPU-second=%.0f)%n",
                message.length, elapsedNs / 1e9, count, count * 1e9 / elapsedNs, (double)loopCpuNs / count,
                count * 1e9 / loopCpuNs);
        }
    }

    private static byte[] message(final int length)
    {
        final StringBuilder text = new StringBuilder(
            "<134>1 2026-11-27T05:00:00.000Z edge-gw-01 sshd 4242 ID47 [origin ip=\"192.0.2.10\"] ");
        while (text.length() < length)
        {
            text.append("Accepted publickey for operator from 198.51.100.23 port 52644 ssh2 ");
        }
        text.setLength(length);
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Closed loop: at most {@link #UDP_WINDOW} datagrams in flight (sent, not yet counted received), so
     * the kernel's socket buffer (the listener asks for 4 MiB; rmem_max must allow it) never overflows and the sender does not burn
     * the cores the event loop needs: the figure is what the ingest sustains without loss.
     */
    private static long sendUdp(
        final InetSocketAddress server, final byte[] message, final AtomicBoolean running, final LongSupplier received)
        throws Exception
    {
        long sent = 0;
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 * 1024 * 1024);
            channel.connect(server);
            final ByteBuffer buffer = ByteBuffer.allocateDirect(message.length).put(message).flip();
            while (running.get())
            {
                if (sent - received.getAsLong() > UDP_WINDOW)
                {
                    // Park, not spin: on a small machine a spinning sender takes the event loop's core.
                    LockSupport.parkNanos(IDLE_PARK_NS);
                    continue;
                }
                for (int i = 0; i < UDP_BATCH; i++)
                {
                    buffer.rewind();
                    channel.write(buffer);
                    sent++;
                }
            }
        }
        return sent;
    }

    private static long sendTcp(final InetSocketAddress server, final byte[] message, final AtomicBoolean running)
        throws Exception
    {
        final int perChunk = TCP_CHUNK_BYTES / (message.length + 1);
        final ByteBuffer chunk = ByteBuffer.allocateDirect(perChunk * (message.length + 1));
        for (int i = 0; i < perChunk; i++)
        {
            chunk.put(message).put((byte)'\n');
        }
        chunk.flip();
        long sent = 0;
        try (SocketChannel channel = SocketChannel.open(server))
        {
            while (running.get())
            {
                chunk.rewind();
                while (chunk.hasRemaining())
                {
                    channel.write(chunk);
                }
                sent += perChunk;
            }
        }
        return sent;
    }

    /** CPU time of the ingest's event loop threads (named {@code sluice-ingest-*}): the ingest's own cost. */
    private static long eventLoopCpuNs()
    {
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (final java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info != null && info.getThreadName().startsWith("sluice-ingest"))
            {
                sum += threads.getThreadCpuTime(info.getThreadId());
            }
        }
        return sum;
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** The worker's stand-in: reads the ring, touching each message. */
    private static final class Drainer implements Runnable, EventHandler
    {
        private final EventRing ring;
        private final AtomicBoolean running;
        long messages;
        long checksum;

        Drainer(final EventRing ring, final AtomicBoolean running)
        {
            this.ring = ring;
            this.running = running;
        }

        @Override
        public void run()
        {
            while (running.get())
            {
                if (ring.read(this, 256) == 0)
                {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
        }

        @Override
        public void onEvent(
            final EventFormat format,
            final IngestRecord header,
            final MemorySegment segment,
            final long offset,
            final int length)
        {
            messages++;
            checksum += segment.get(ValueLayout.JAVA_BYTE, offset) + length + header.listenerIndex();
        }
    }
}
