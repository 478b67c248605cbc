package dev.sluice.cli.faults;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.cli.faults.FaultNetwork.Side;
import dev.sluice.regional.sink.KafkaTestBroker;
import io.aeron.driver.MediaDriver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The real tiers on the {@link FaultNetwork}, as they are deployed: in the gateway namespace a media
 * driver process, {@code sluice gateway} replaying a capture at a set rate and taking syslog over
 * TCP from a {@link SyslogSource}, both into its spools; in
 * the core namespace a media driver process, a Kafka broker ({@link KafkaTestBroker}) and
 * {@code sluice regional} feeding it on that namespace's loopback; between them, in this
 * process, two {@link LossyUdpRelay}s, one for the data stream and its status messages and one for
 * the acknowledgements, so every datagram between the tiers can be lost, partitioned or flapped.
 * Each process can be killed with SIGKILL and started again on the same directories, as a
 * supervisor would. This process reads Kafka through the broker's second listener, on the core
 * namespace's address.
 */
final class TierRig implements AutoCloseable
{
    static final String REGION = "eu-west";
    static final String GATEWAY_ID = "gw-fault-1";
    /** The gateway's syslog listener, on its namespace's loopback. */
    static final int SYSLOG_PORT = 6514;
    /** The worker index of the gateway's event stream. */
    static final int EVENT_WORKER = 0x8000;
    /** Larger than any batch; small enough that the drivers' log buffers stay a few MiB. */
    private static final int TERM_LENGTH = 4 << 20;
    /** The core's topics: {@code <prefix>.packets}, {@code <prefix>.events.syslog}, ... */
    static final String KAFKA_TOPIC_PREFIX = "sluice." + REGION;
    /** More than one, so that reading back has to keep each key's partition apart. */
    private static final int KAFKA_PARTITIONS = 2;

    private final FaultNetwork network;
    private final Path directory;
    private final int port;
    private final LossyUdpRelay data;
    private final LossyUdpRelay acks;
    private final Map<Side, Process> drivers = new EnumMap<>(Side.class);
    private final Map<Side, Integer> starts = new EnumMap<>(Side.class);
    private Process gateway;
    private Process core;
    private Process syslog;
    private KafkaTestBroker kafka;
    private final List<Long> kafkaStartsMs = new ArrayList<>();
    private List<String> coreJvmOptions = List.of();
    private int gatewayRuns;
    private int coreRuns;

    private TierRig(final FaultNetwork network, final Path directory, final int port, final double loss, final long seed)
    {
        this.network = network;
        this.directory = directory;
        this.port = port;
        this.data = new LossyUdpRelay(new InetSocketAddress(network.hostAddress(Side.GATEWAY), port),
            new InetSocketAddress(network.address(Side.CORE), port), loss, loss, seed);
        this.acks = new LossyUdpRelay(new InetSocketAddress(network.hostAddress(Side.GATEWAY), port + 1000),
            new InetSocketAddress(network.address(Side.CORE), port + 1000), loss, loss, seed + 1);
    }

    /**
     * Builds the network, the relays and the gateway's files: a capture of {@code packets} replayed
     * at {@code packetsPerSecond}, the policy, the configuration. Starts nothing.
     *
     * @param spoolDir     where the gateway spools (a small tmpfs for the disk-full scenario), or null
     *                     for a directory of its own
     * @param segmentBytes the spool's segment length
     */
    static TierRig create(
        final Path directory, final int packets, final long packetsPerSecond, final double loss, final long seed,
        final Path spoolDir, final int segmentBytes) throws IOException, InterruptedException
    {
        final FaultNetwork network = FaultNetwork.create();
        try
        {
            final int port = ThreadLocalRandom.current().nextInt(21_000, 29_000);
            final TierRig rig = new TierRig(network, directory, port, loss, seed);
            rig.writeGatewayFiles(packets, packetsPerSecond, seed, spoolDir == null ? directory.resolve("spool") : spoolDir,
                segmentBytes);
            Files.createDirectories(rig.coreOutput());
            return rig;
        }
        catch (final IOException | RuntimeException ex)
        {
            network.close();
            throw ex;
        }
    }

    LossyUdpRelay dataRelay()
    {
        return data;
    }

    LossyUdpRelay ackRelay()
    {
        return acks;
    }

    FaultNetwork network()
    {
        return network;
    }

    /** The core's NDJSON recording. */
    Path recording()
    {
        return coreOutput().resolve(REGION + ".ndjson");
    }

    Path coreOutput()
    {
        return directory.resolve("core");
    }

    Path gatewayState()
    {
        return directory.resolve("gateway-state");
    }

    Path gatewayLog()
    {
        return directory.resolve("gateway.log");
    }

    /** Partitions both relays (everything between the tiers is lost) or lifts the partition. */
    void partition(final boolean partitioned)
    {
        data.partition(partitioned);
        acks.partition(partitioned);
    }

    /** Starts (or restarts) a side's media driver, on the same directory. */
    void startDriver(final Side side) throws IOException
    {
        final int run = starts.merge(side, 1, Integer::sum);
        drivers.put(side, network.javaIn(side, MediaDriver.class, directory.resolve(sideName(side) + "-driver-" + run + ".log"),
            List.of("-Daeron.dir=" + aeronDir(side),
                "-Daeron.threading.mode=SHARED",
                "-Daeron.dir.delete.on.start=true",
                "-Daeron.term.buffer.length=" + TERM_LENGTH,
                "-Daeron.ipc.term.buffer.length=" + TERM_LENGTH)));
    }

    void startGateway() throws IOException
    {
        gatewayRuns++;
        gateway = network.javaIn(Side.GATEWAY, SluiceCommand.class, gatewayLog(), List.of(),
            "gateway", "--config", directory.resolve("gateway.yaml").toString());
    }

    /** JVM options ({@code -Dname=value}) of every core started from now on, e.g. the Kafka sink's settings. */
    void coreJvmOptions(final List<String> jvmOptions)
    {
        coreJvmOptions = List.copyOf(jvmOptions);
    }

    void startCore() throws IOException
    {
        coreRuns++;
        core = network.javaIn(Side.CORE, SluiceCommand.class, directory.resolve("core.log"), coreJvmOptions,
            "regional", "--region", REGION, "--channel", "aeron:udp?endpoint=" + network.address(Side.CORE) + ":" + port,
            "--output", coreOutput().toString(), "--aeron-dir", aeronDir(Side.CORE).toString(),
            "--kafka", kafka.loopbackBootstrapServers(), "--kafka-topic-prefix", KAFKA_TOPIC_PREFIX);
    }

    /** Formats and starts the Kafka broker in the core's namespace; its log and output go to {@code kafka/}. */
    void startKafka() throws Exception
    {
        kafka = KafkaTestBroker.start(directory.resolve("kafka"), KAFKA_PARTITIONS, KafkaTestBroker.TEST_JVM_OPTIONS,
            new KafkaTestBroker.Placement(List.of("ip", "netns", "exec", network.namespace(Side.CORE)),
                network.address(Side.CORE)));
        kafkaStartsMs.add(kafka.lastStartMs());
    }

    /** SIGKILL of the broker, as a crash; waits until it is gone. */
    void killKafka()
    {
        kafka.kill();
    }

    /** Starts the broker again on its log and ports; returns once it answers. */
    void restartKafka() throws Exception
    {
        kafka.restart();
        kafkaStartsMs.add(kafka.lastStartMs());
    }

    /** Milliseconds each start of the broker took, launch to answering: the first, then each restart. */
    List<Long> kafkaStartsMs()
    {
        return kafkaStartsMs;
    }

    KafkaTestBroker kafka()
    {
        return kafka;
    }

    /** Starts a syslog client in the gateway's namespace: {@code count} messages at {@code perSecond}. */
    void startSyslog(final int count, final int perSecond) throws IOException
    {
        syslog = network.javaIn(Side.GATEWAY, SyslogSource.class, directory.resolve("syslog.log"), List.of(),
            "127.0.0.1", Integer.toString(SYSLOG_PORT), Integer.toString(count), Integer.toString(perSecond));
    }

    Process syslog()
    {
        return syslog;
    }

    /** Kafka, both drivers, the core, then the gateway. */
    void startAll() throws Exception
    {
        startKafka();
        startDriver(Side.CORE);
        startDriver(Side.GATEWAY);
        startCore();
        startGateway();
    }

    Process gateway()
    {
        return gateway;
    }

    Process core()
    {
        return core;
    }

    Process driver(final Side side)
    {
        return drivers.get(side);
    }

    int gatewayRuns()
    {
        return gatewayRuns;
    }

    int coreRuns()
    {
        return coreRuns;
    }

    /** SIGKILL, and waits until the process is gone. */
    static void kill(final Process process) throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("process " + process.pid() + " did not die of SIGKILL");
        }
    }

    /** The exit status of a JVM stopped by SIGTERM (128 + 15), after its shutdown hooks, which close the tier cleanly. */
    static final int EXIT_SIGTERM = 143;

    /** SIGTERM, then the exit status once the process has stopped ({@link #EXIT_SIGTERM} when cleanly). */
    static int stop(final Process process) throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("process " + process.pid() + " did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Waits for a tier to exit on its own (its driver lost), returning its exit status. */
    static int awaitExit(final Process process, final long timeoutSeconds) throws InterruptedException
    {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("process " + process.pid() + " still runs after " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    String log(final String name) throws IOException
    {
        final Path file = directory.resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        if (null != kafka)
        {
            kafka.close();
        }
        data.close();
        acks.close();
        network.close();
    }

    private Path aeronDir(final Side side)
    {
        return directory.resolve("aeron-" + sideName(side));
    }

    private static String sideName(final Side side)
    {
        return side == Side.GATEWAY ? "gateway" : "core";
    }

    private void writeGatewayFiles(
        final int packets, final long packetsPerSecond, final long seed, final Path spoolDir, final int segmentBytes)
        throws IOException
    {
        final Path capture = directory.resolve("site.pcap");
        DemoTraffic.write(capture, packets, seed);
        Files.writeString(directory.resolve("policy.yaml"), KeepAllPolicy.EU_WEST);
        final String channel = "aeron:udp?endpoint=" + network.hostAddress(Side.GATEWAY) + ":" + port;
        Files.writeString(directory.resolve("gateway.yaml"), """
            gateway: {id: %s, site: fault-lab, region: %s}
            source:
              pcap: %s
              replay-rate: %d
            ingest:
              transport: nio
              listeners:
                - {name: syslog, kind: syslog-tcp, bind: 127.0.0.1, port: %d}
            destinations:
              - region: %s
                channel: %s
                stream: 1001
                spool: {max-bytes: 268435456, segment-bytes: %d, overflow: pause, fsync: interval, fsync-interval-ms: 20}
            control-plane:
              channel: aeron:ipc?alias=fault-control
              push-channel: aeron:ipc?alias=fault-push
            policy-file: %s
            state-dir: %s
            spool-dir: %s
            aeron-dir: %s
            replay-timeout-ms: 1000
            """.formatted(GATEWAY_ID, REGION, capture, packetsPerSecond, SYSLOG_PORT, REGION, channel, segmentBytes, directory.resolve("policy.yaml"),
            gatewayState(), spoolDir, aeronDir(Side.GATEWAY)));
    }
}
