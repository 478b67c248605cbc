package dev.sluice.perf.pipeline;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.SourceCounters;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whole-gateway throughput with 1 and 2 workers over capture files, in one JVM and one run:
 * the real {@link Gateway} (each worker an Agrona agent on its own thread: decode, the demo
 * policy, flow aggregation, Crypto-PAn, residency, SBE egress to two destinations over Aeron IPC),
 * with one thread draining both destinations' subscriptions and discarding the batches. One
 * worker replays a capture of {@code packets} packets; two workers replay two captures of half
 * as many each (other seeds of the same traffic mix), so both configurations move the same
 * number of packets. Time runs from {@link Gateway#start()} to every worker drained; rounds
 * alternate 1 and 2 workers so load from elsewhere on the machine hits both alike, and the
 * first rounds warm the JIT.
 * <p>
 * {@code WorkersThroughput [packets] [rounds] [cpus]}: defaults 1,000,000 packets, 7 rounds,
 * no pinning; {@code cpus} (e.g. {@code 0,1}) pins worker i to the i-th CPU listed. Run with
 * {@code PERF_MAIN=dev.sluice.perf.pipeline.WorkersThroughput perf/run-jmh.sh}.
 */
public final class WorkersThroughput
{
    private static final int WARM_UP_ROUNDS = 2;
    private static final int DESTINATION_STREAM_BASE = 4_100;

    private WorkersThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int packets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final List<Integer> cpus = new ArrayList<>();
        if (args.length > 2)
        {
            for (final String cpu : args[2].split(","))
            {
                cpus.add(Integer.parseInt(cpu.trim()));
            }
        }

        final Path directory = Files.createTempDirectory("sluice-workers-");
        try
        {
            final Path whole = directory.resolve("whole.pcap");
            final Path firstHalf = directory.resolve("half-0.pcap");
            final Path secondHalf = directory.resolve("half-1.pcap");
            DemoTraffic.write(whole, packets, DemoTraffic.DEFAULT_SEED);
            DemoTraffic.write(firstHalf, packets / 2, DemoTraffic.DEFAULT_SEED + 1);
            DemoTraffic.write(secondHalf, packets - packets / 2, DemoTraffic.DEFAULT_SEED + 2);
            final Path policy = directory.resolve("policy.yaml");
            try (InputStream in = DemoTraffic.class.getResourceAsStream("demo-policy.yaml"))
            {
                Files.write(policy, in.readAllBytes());
            }
            final Path keyFile = directory.resolve("cryptopan.key");
            CryptoPan.writeKeyFile(keyFile, CryptoPan.generateKey(new SecureRandom()));

            System.out.printf(Locale.ROOT, "packets per run %,d; cores %d; pinning %s%n",
                packets, Runtime.getRuntime().availableProcessors(), cpus.isEmpty() ? "none" : cpus);
            final List<Double> one = new ArrayList<>();
            final List<Double> two = new ArrayList<>();
            try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(directory.resolve("aeron").toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .ipcTermBufferLength(16 * 1024 * 1024)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
                Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
            {
                for (int round = 0; round < rounds; round++)
                {
                    final double rateOne = run(aeron, directory, round, List.of(whole), cpus, policy, keyFile);
                    final double rateTwo = run(aeron, directory, round, List.of(firstHalf, secondHalf), cpus, policy, keyFile);
                    final boolean warmUp = round < WARM_UP_ROUNDS;
                    System.out.printf(Locale.ROOT, "round %d%s: 1 worker %,.0f packets/s, 2 workers %,.0f packets/s, ratio %.2f%n",
                        round, warmUp ? " (warm-up)" : "", rateOne, rateTwo, rateTwo / rateOne);
                    if (!warmUp)
                    {
                        one.add(rateOne);
                        two.add(rateTwo);
                    }
                }
            }
            final double medianOne = median(one);
            final double medianTwo = median(two);
            System.out.printf(Locale.ROOT,
                "median of %d rounds: 1 worker %,.0f packets/s (%,.0f per worker); 2 workers %,.0f packets/s " +
                "(%,.0f per worker); ratio 2/1 = %.2f%n",
                one.size(), medianOne, medianOne, medianTwo, medianTwo / 2, medianTwo / medianOne);
        }
        finally
        {
            IoUtil.delete(directory.toFile(), true);
        }
    }

    private static double run(
        final Aeron aeron,
        final Path directory,
        final int round,
        final List<Path> captures,
        final List<Integer> cpus,
        final Path policy,
        final Path keyFile) throws IOException, InterruptedException
    {
        final int workers = captures.size();
        final int streamBase = DESTINATION_STREAM_BASE + 10 * (2 * round + workers);
        final GatewayContext context = new GatewayContext()
            .aeron(aeron)
            .gatewayId("gw-perf")
            .site("lab-1")
            .region("eu-west")
            .controlInboundChannel("aeron:ipc?alias=unused-control")
            .policyPushChannel("aeron:ipc?alias=unused-push")
            .captureFiles(captures)
            .stateDirectory(directory.resolve("state-" + round + "-" + workers))
            .anonymizationKeyFile(keyFile)
            .bootstrapPolicyFile(policy)
            .addDestination("eu-west", "aeron:ipc", streamBase)
            .addDestination("us-east", "aeron:ipc", streamBase + 1);
        if (!cpus.isEmpty())
        {
            context.workerCpus(cpus.subList(0, workers));
        }

        final AtomicBoolean draining = new AtomicBoolean(true);
        try (Subscription home = aeron.addSubscription("aeron:ipc", streamBase);
            Subscription foreign = aeron.addSubscription("aeron:ipc", streamBase + 1);
            Gateway gateway = Gateway.assemble(context))
        {
            final Thread drain = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, 100_000);
                while (draining.get())
                {
                    final int fragments = home.poll((buffer, offset, length, header) -> {}, 256) +
                        foreign.poll((buffer, offset, length, header) -> {}, 256);
                    idle.idle(fragments);
                }
            }, "drain");
            drain.start();
            final long startNs = System.nanoTime();
            gateway.start();
            while (!gateway.isDrained())
            {
                Thread.sleep(0, 200_000);
            }
            final long elapsedNs = System.nanoTime() - startNs;
            draining.set(false);
            drain.join();
            final SourceCounters.Snapshot source = gateway.sourceSnapshot();
            if (source.inFlight() != 0 || gateway.errorCount() != 0 || gateway.cpuPinFailures() != 0)
            {
                throw new IllegalStateException("run did not balance: " + source + " errors " + gateway.errorCount() +
                    " pin failures " + gateway.cpuPinFailures());
            }
            return source.received() / (elapsedNs / (double)TimeUnit.SECONDS.toNanos(1));
        }
    }

    private static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
