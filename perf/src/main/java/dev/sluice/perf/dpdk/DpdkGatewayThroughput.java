package dev.sluice.perf.dpdk;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.source.dpdk.DpdkMempool;
import dev.sluice.dataplane.source.dpdk.DpdkPort;
import dev.sluice.dataplane.source.dpdk.DpdkSource;
import dev.sluice.dataplane.source.dpdk.DpdkSources;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole gateway worker (decode, the demo policy, aggregation, Crypto-PAn, SBE egress over
 * Aeron IPC) fed by a DPDK net_pcap vdev replaying a demo-traffic capture forever
 * ({@code infinite_rx=1}), one worker, with and without the mempool's per-lcore cache, alternating
 * in one process. Reports packets per second of the worker thread's own CPU time (the machine
 * may be shared) and per wall-clock second.
 * <p>
 * {@code DpdkGatewayThroughput [seconds] [rounds] [packets] [cpu]}: defaults 5 s per run, 3 rounds
 * of (cache 0, cache 256), a 4,096-packet capture, worker pinned to CPU 1. Run (after
 * {@code mvn -o -B -DskipTests -pl perf -am package}) with the project's JVM flags, the perf
 * classpath and {@code -Dsluice.native.dir=native/target/native}, as perf/run-dpdk-rx.sh runs Java.
 */
public final class DpdkGatewayThroughput
{
    private static final int MBUFS = 16_383;
    private static final int[] CACHES = {0, DpdkSources.DEFAULT_MEMPOOL_CACHE};
    private static final int STREAM_BASE = 4_300;
    private static final long WARM_UP_MS = 1_000;

    private DpdkGatewayThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final int packets = args.length > 2 ? Integer.parseInt(args[2]) : 4_096;
        final int cpu = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        final Path directory = Files.createTempDirectory("sluice-dpdk-gateway-");
        try
        {
            final Path capture = directory.resolve("demo.pcap");
            DemoTraffic.write(capture, packets, DemoTraffic.DEFAULT_SEED);
            final Path policy = directory.resolve("policy.yaml");
            try (InputStream in = DemoTraffic.class.getResourceAsStream("demo-policy.yaml"))
            {
                Files.write(policy, in.readAllBytes());
            }
            final Path keyFile = directory.resolve("cryptopan.key");
            CryptoPan.writeKeyFile(keyFile, CryptoPan.generateKey(new SecureRandom()));
            System.out.printf(Locale.ROOT, "net_pcap infinite_rx over %,d demo packets, %d s per run, worker on CPU %d%n",
                packets, seconds, cpu);
            System.out.println("round cache   cpu_pps        pps     cpu_ns");
            try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(directory.resolve("aeron").toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .ipcTermBufferLength(16 * 1024 * 1024)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
                Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())))
            {
                int run = 0;
                for (int round = 0; round < rounds; round++)
                {
                    for (final int cache : CACHES)
                    {
                        final double[] rates = run(aeron, directory, run++, capture, cache, cpu, seconds, policy, keyFile);
                        System.out.printf(Locale.ROOT, "%5d %5d %9.0f %10.0f %10.1f%n",
                            round, cache, rates[0], rates[1], 1e9 / rates[0]);
                    }
                }
            }
        }
        finally
        {
            IoUtil.delete(directory.toFile(), true);
        }
    }

    /** One run: {cpu_pps, pps} over the timed window after the warm-up. */
    private static double[] run(
        final Aeron aeron,
        final Path directory,
        final int run,
        final Path capture,
        final int cache,
        final int cpu,
        final int seconds,
        final Path policy,
        final Path keyFile) throws Exception
    {
        final int streamBase = STREAM_BASE + 10 * run;
        final DpdkSources sources = new DpdkSources(
            List.of("--no-huge", "-m", "512", "--no-pci", "--no-shconf", "--log-level=warning"),
            "net_pcap_gw" + run + ",rx_pcap=" + capture + ",infinite_rx=1", 1, MBUFS,
            DpdkMempool.DEFAULT_DATA_ROOM_BYTES, DpdkPort.DEFAULT_RX_DESCRIPTORS, DpdkSource.DEFAULT_MAX_BURST, cache);
        final GatewayContext context = new GatewayContext()
            .aeron(aeron)
            .gatewayId("gw-perf")
            .site("lab-1")
            .region("eu-west")
            .controlInboundChannel("aeron:ipc?alias=unused-control")
            .policyPushChannel("aeron:ipc?alias=unused-push")
            .packetSources(sources)
            .workerCpus(List.of(cpu))
            .stateDirectory(directory.resolve("state-" + run))
            .anonymizationKeyFile(keyFile)
            .bootstrapPolicyFile(policy)
            .addDestination("eu-west", "aeron:ipc", streamBase)
            .addDestination("us-east", "aeron:ipc", streamBase + 1);
        final AtomicBoolean draining = new AtomicBoolean(true);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Subscription home = aeron.addSubscription("aeron:ipc", streamBase);
            Subscription foreign = aeron.addSubscription("aeron:ipc", streamBase + 1);
            Gateway gateway = Gateway.assemble(context))
        {
            final Thread drain = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, 100_000);
                while (draining.get())
                {
                    idle.idle(home.poll((buffer, offset, length, header) -> {}, 256) +
                        foreign.poll((buffer, offset, length, header) -> {}, 256));
                }
            }, "drain");
            drain.start();
            gateway.start();
            Thread.sleep(WARM_UP_MS);
            final Thread worker = workerThread();
            final SourceCounters.Snapshot before = gateway.sourceSnapshot();
            final long cpuBefore = threads.getThreadCpuTime(worker.threadId());
            final long wallBefore = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            final SourceCounters.Snapshot after = gateway.sourceSnapshot();
            final long cpuNs = threads.getThreadCpuTime(worker.threadId()) - cpuBefore;
            final long wallNs = System.nanoTime() - wallBefore;
            draining.set(false);
            drain.join();
            final long received = after.received() - before.received();
            if (gateway.errorCount() != 0 || gateway.cpuPinFailures() != 0)
            {
                throw new IllegalStateException("errors " + gateway.errorCount() + ", pin failures " + gateway.cpuPinFailures());
            }
            return new double[] {received * 1e9 / cpuNs, received * 1e9 / wallNs};
        }
        finally
        {
            sources.close();
        }
    }

    private static Thread workerThread()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().equals(Gateway.WORKER_ROLE_PREFIX + "0"))
            {
                return thread;
            }
        }
        throw new IllegalStateException("no worker thread " + Gateway.WORKER_ROLE_PREFIX + "0");
    }
}
