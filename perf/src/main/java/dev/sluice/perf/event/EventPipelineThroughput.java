package dev.sluice.perf.event;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.pipeline.EventWorker;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.policy.PolicyParser;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The issue 6 end-to-end figure per core: RFC 5424 lines (the workload of
 * {@code perf/run-syslog-peers.sh}: severities weighted towards info, one or two IPv4 addresses
 * in MSG and one in structured data) go from the ingest ring through the gateway's
 * {@link EventWorker} (parse, filter severity &lt;= 4, Crypto-PAn of every address in the kept
 * events, stage) and {@link EventSender} into an Aeron IPC publication. A producer thread
 * refills the ring (as Netty would) and a consumer thread drains the subscription (as a regional
 * core would); the figure is the worker thread's events per CPU-second. In the same run, the
 * baseline: the syslog parser alone over the same lines on the same thread kind, so the ratio
 * says what filtering, anonymizing and egress add to parsing. Prints the worker thread's
 * allocated bytes per event too.
 * <pre>
 *   PERF_MAIN=dev.sluice.perf.event.EventPipelineThroughput perf/run-jmh.sh [seconds per round] [rounds]
 * </pre>
 */
public final class EventPipelineThroughput
{
    private static final String POLICY = """
        sluice-policy: 1
        name: peers-benchmark
        match: first
        default: drop
        regions: [eu-west]
        rules:
          - name: warning-or-worse
            when: syslog.severity <= 4
            then: anonymize syslog.msg with cryptopan
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
        """;
    private static final int LINES = 100_000;
    private static final byte[] PEER = {127, 0, 0, 1};

    private EventPipelineThroughput()
    {
    }

    /** The peers script's workload, in Java: the same line shape and severity weights. */
    static List<byte[]> workload(final int count, final long seed)
    {
        final Random random = new Random(seed);
        final double[] cumulative = {0.01, 0.03, 0.08, 0.20, 0.40, 0.60, 0.90, 1.00};
        final String[] verdicts = {"accepted", "denied", "reset", "timeout", "closed"};
        final String[] users = {"alice", "bob", "carol", "dave", "erin", "frank"};
        final List<byte[]> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final double r = random.nextDouble();
            int severity = 7;
            for (int s = 0; s < cumulative.length; s++)
            {
                if (r < cumulative[s])
                {
                    severity = s;
                    break;
                }
            }
            final String timestamp = String.format("2026-11-27T07:%02d:%02d.%03dZ", (i / 60) % 60, i % 60, i % 1000);
            String message = "conn " + random.nextInt(1_000_000) + " from " + ip(random) + ":" + (1024 + random.nextInt(64512));
            if (random.nextBoolean())
            {
                message += " to " + ip(random) + ":443";
            }
            message += " " + verdicts[random.nextInt(5)] + " by rule-" + random.nextInt(100) + " user=" + users[random.nextInt(6)];
            final String line = "<" + (16 * 8 + severity) + ">1 " + timestamp + " gw-" + random.nextInt(16) + " sluiced " +
                (1000 + random.nextInt(9000)) + " NET" + severity + " [origin ip=\"" + ip(random) + "\"][meta seq=\"" + i +
                "\"] " + message;
            lines.add(line.getBytes(StandardCharsets.US_ASCII));
        }
        return lines;
    }

    private static String ip(final Random random)
    {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(255));
    }

    public static void main(final String[] args) throws Exception
    {
        final double secondsPerRound = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final List<byte[]> lines = workload(LINES, 42);
        long bytes = 0;
        for (final byte[] line : lines)
        {
            bytes += line.length;
        }
        System.out.printf("workload: %,d RFC 5424 lines, %.0f bytes on average%n", lines.size(), (double)bytes / lines.size());
        parseOnly(lines, secondsPerRound, rounds);
        pipeline(lines, secondsPerRound, rounds);
    }

    /** The baseline: the syslog parser alone, per CPU-second of its thread. */
    private static void parseOnly(final List<byte[]> lines, final double secondsPerRound, final int rounds)
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined())
        {
            final long[] offsets = new long[lines.size()];
            long total = 0;
            for (int i = 0; i < lines.size(); i++)
            {
                offsets[i] = total;
                total += lines.get(i).length;
            }
            final MemorySegment segment = arena.allocate(total);
            for (int i = 0; i < lines.size(); i++)
            {
                MemorySegment.copy(lines.get(i), 0, segment, ValueLayout.JAVA_BYTE, offsets[i], lines.get(i).length);
            }
            final SyslogParser parser = new SyslogParser();
            long checksum = 0;
            final long warmUpEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmUpEnd)
            {
                for (int i = 0; i < offsets.length; i++)
                {
                    checksum += parser.parse(segment, offsets[i], lines.get(i).length) ? parser.severity() : -1;
                }
            }
            for (int round = 0; round < rounds; round++)
            {
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long end = System.nanoTime() + (long)(secondsPerRound * 1e9);
                long events = 0;
                while (System.nanoTime() < end)
                {
                    for (int i = 0; i < offsets.length; i++)
                    {
                        checksum += parser.parse(segment, offsets[i], lines.get(i).length) ? parser.severity() : -1;
                    }
                    events += offsets.length;
                }
                final double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                System.out.printf("parse only   round %d: %,12.0f events/cpu_s (%.0f ns/event)%n",
                    round, events / cpuSeconds, cpuSeconds * 1e9 / events);
            }
            System.out.println("  (checksum " + checksum + ")");
        }
    }

    /** Ring → event worker → IPC publication, per CPU-second of the worker's thread. */
    private static void pipeline(final List<byte[]> lines, final double secondsPerRound, final int rounds) throws Exception
    {
        final Path directory = Files.createTempDirectory("sluice-event-pipeline");
        final MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(ThreadingMode.SHARED)
            .ipcTermBufferLength(64 * 1024 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        final List<AutoCloseable> resources = new ArrayList<>();
        try (EventRing ring = new EventRing(32 * 1024 * 1024))
        {
            final Subscription subscription = aeron.addSubscription("aeron:ipc?term-length=64m", 9001);
            resources.add(subscription);
            final DestinationStream stream = new DestinationStream(
                0,
                "eu-west",
                aeron.addExclusivePublication("aeron:ipc?term-length=64m", 9001),
                StreamSequence.open(directory.resolve("eu-west.seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
                new DestinationCounters(aeron::addCounter, "eu-west", "events-0"));
            resources.add(stream);
            final EventDestinationCounters destinationCounters =
                new EventDestinationCounters(aeron::addCounter, "eu-west", "events-0");
            final EventCounters eventCounters = new EventCounters(aeron::addCounter, "events-0");
            final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
            new Random(7).nextBytes(key);
            final PolicyHolder holder = new PolicyHolder();
            holder.apply(new PolicyInstaller("eu-west", List.of("eu-west"), true)
                .build(1, PolicyParser.parse("benchmark.yaml", POLICY).policy().orElseThrow()).snapshot());
            final EventWorker worker = new EventWorker(
                "events-0",
                ring,
                holder,
                null,
                new CryptoPan(key),
                new EventSender(List.of(stream), List.of(destinationCounters), "gw-bench-1", "bench", "eu-west", 0x8000,
                    TimeUnit.SECONDS.toNanos(5), new OffsetEpochNanoClock(), EventWorker.maxEventBytes(ring.maxMessageLength())),
                eventCounters,
                new RejectSamples(),
                new SystemNanoClock());

            final AtomicLong fragments = new AtomicLong();
            final Thread consumer = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    if (subscription.poll((buffer, offset, length, header) -> fragments.lazySet(fragments.get() + 1), 256) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }, "consumer");
            final Thread producer = new Thread(() -> produce(ring, lines), "producer");
            consumer.setDaemon(true);
            producer.setDaemon(true);
            consumer.start();
            producer.start();

            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long warmUpEnd = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warmUpEnd)
            {
                worker.doWork();
            }
            for (int round = 0; round < rounds; round++)
            {
                final EventCounters.Snapshot before = eventCounters.snapshot();
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long allocated0 = threads.getCurrentThreadAllocatedBytes();
                final long end = System.nanoTime() + (long)(secondsPerRound * 1e9);
                while (System.nanoTime() < end)
                {
                    worker.doWork();
                }
                final double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                final long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
                final EventCounters.Snapshot after = eventCounters.snapshot();
                final long events = after.received() - before.received();
                System.out.printf("ring→Aeron   round %d: %,12.0f events/cpu_s (%.0f ns/event), %,d kept, %.3f B/event%n",
                    round, events / cpuSeconds, cpuSeconds * 1e9 / events, after.forwarded() - before.forwarded(),
                    (double)allocated / events);
            }
            producer.interrupt();
            consumer.interrupt();
            producer.join(5_000);
            consumer.join(5_000);
            final EventCounters.Snapshot totals = eventCounters.snapshot();
            System.out.println("worker totals: " + totals + "; destination " + destinationCounters.snapshot());
            CloseHelper.closeAll(eventCounters, destinationCounters);
        }
        finally
        {
            CloseHelper.closeAll(resources.reversed());
            CloseHelper.closeAll(aeron, driver);
        }
    }

    /** Refills the ring with the workload, round after round, as fast as the worker takes it. */
    private static void produce(final EventRing ring, final List<byte[]> lines)
    {
        final IngestRecord header = new IngestRecord();
        final MemorySegment segment = ring.segment();
        final int typeId = EventFormat.SYSLOG.typeId();
        while (!Thread.currentThread().isInterrupted())
        {
            for (final byte[] line : lines)
            {
                int at;
                while ((at = ring.claim(typeId, line.length)) < 0)
                {
                    if (Thread.currentThread().isInterrupted())
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                header.wrap(segment, at).receiveTimeNs(System.currentTimeMillis() * 1_000_000L).peer(PEER, 514, 0, 0);
                MemorySegment.copy(line, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, line.length);
                ring.commit(at);
            }
        }
    }
}
