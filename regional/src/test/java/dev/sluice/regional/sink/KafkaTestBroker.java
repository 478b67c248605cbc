package dev.sluice.regional.sink;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) for tests and benchmarks:
 * the Maven artifacts of {@code kafka_2.13} run in a child JVM from this JVM's class path, on
 * loopback ports, with its log in a directory of the caller's. The child can be killed with
 * SIGKILL and started again on the same log directory and ports, which is what the fault tests
 * need; it halts by itself if this JVM dies ({@link KafkaBrokerMain}).
 * <p>
 * Storage is formatted in this JVM ({@code kafka.tools.StorageTool}) before the first start.
 * <p>
 * A {@link Placement} can run the child elsewhere, e.g. in a network namespace of the fault tests
 * ({@code ip netns exec <ns> java ...}), where the processes beside it reach it on its loopback
 * and this JVM through a second listener on an address of that namespace.
 * <p>
 * Not thread safe: one test thread drives it.
 */
public final class KafkaTestBroker implements AutoCloseable
{
    private static final String CLUSTER_ID = "c2x1aWNlLXRlc3Qtb25l";
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);

    /**
     * A broker small enough for a test: 256 MiB of heap, C1 only.
     */
    public static final List<String> TEST_JVM_OPTIONS =
        List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path dir;
    private final Path logDir;
    private final Path propertiesFile;
    private final Path outputFile;
    private final int port;
    private final int clientPort;
    private final int controllerPort;
    private final List<String> jvmOptions;
    private final Placement placement;
    private final Thread shutdownHook;
    private Process process;
    private long lastStartMs;

    /**
     * Where the broker's JVM runs when not beside this one.
     *
     * @param commandPrefix what goes before the {@code java} command, e.g. {@code ip netns exec <ns>}; empty for none.
     * @param clientHost    the address at which this JVM reaches the broker when the prefix puts it in another
     *                      network namespace (an address of that namespace), or null when it shares this JVM's
     *                      loopback.
     */
    public record Placement(List<String> commandPrefix, String clientHost)
    {
        /**
         * Beside this JVM, on its loopback: what the broker did before placements existed.
         */
        public static final Placement LOCAL = new Placement(List.of(), null);

        /**
         * @param commandPrefix what goes before the {@code java} command.
         * @param clientHost    the address this JVM reaches the broker at, or null for loopback.
         */
        public Placement
        {
            commandPrefix = List.copyOf(commandPrefix);
        }
    }

    private KafkaTestBroker(
        final Path dir, final int partitions, final List<String> jvmOptions, final Placement placement) throws IOException
    {
        this.dir = dir;
        this.logDir = dir.resolve("kafka-logs");
        this.propertiesFile = dir.resolve("server.properties");
        this.outputFile = dir.resolve("broker.out");
        this.jvmOptions = jvmOptions;
        this.placement = placement;
        this.port = freePort();
        this.clientPort = null == placement.clientHost() ? port : freePort();
        this.controllerPort = freePort();
        Files.createDirectories(logDir);
        Files.writeString(propertiesFile, serverProperties(partitions));
        shutdownHook = new Thread(this::kill, "kafka-test-broker-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Formats storage and starts a broker small enough for a test: 256 MiB of heap, C1 only.
     *
     * @param dir        where its log and output go.
     * @param partitions partitions of each topic it creates on first use.
     * @return the running broker.
     * @throws Exception if it does not start; the message holds the end of its output.
     */
    public static KafkaTestBroker start(final Path dir, final int partitions) throws Exception
    {
        return start(dir, partitions, TEST_JVM_OPTIONS);
    }

    /**
     * Formats storage and starts a broker with the JVM options given.
     *
     * @param dir        where its log and output go.
     * @param partitions partitions of each topic it creates on first use.
     * @param jvmOptions heap and compiler options of the child JVM.
     * @return the running broker.
     * @throws Exception if it does not start; the message holds the end of its output.
     */
    public static KafkaTestBroker start(final Path dir, final int partitions, final List<String> jvmOptions)
        throws Exception
    {
        return start(dir, partitions, jvmOptions, Placement.LOCAL);
    }

    /**
     * Formats storage and starts a broker with the JVM options given, where {@code placement} says.
     *
     * @param dir        where its log and output go.
     * @param partitions partitions of each topic it creates on first use.
     * @param jvmOptions heap and compiler options of the child JVM.
     * @param placement  where the child JVM runs and how this JVM reaches it.
     * @return the running broker.
     * @throws Exception if it does not start; the message holds the end of its output.
     */
    public static KafkaTestBroker start(
        final Path dir, final int partitions, final List<String> jvmOptions, final Placement placement) throws Exception
    {
        final KafkaTestBroker broker = new KafkaTestBroker(dir, partitions, jvmOptions, placement);
        try
        {
            broker.format();
            broker.startProcess();
            return broker;
        }
        catch (final Exception | Error ex)
        {
            broker.close();
            throw ex;
        }
    }

    /**
     * @return where this JVM bootstraps from: {@code 127.0.0.1:<port>}, or the placement's client host and port.
     */
    public String bootstrapServers()
    {
        return null == placement.clientHost() ? loopbackBootstrapServers() : placement.clientHost() + ":" + clientPort;
    }

    /**
     * @return {@code 127.0.0.1:<port>}: where a process beside the broker (in its namespace) bootstraps from.
     */
    public String loopbackBootstrapServers()
    {
        return "127.0.0.1:" + port;
    }

    /**
     * @return milliseconds the last start took, from launching the JVM to the broker answering.
     */
    public long lastStartMs()
    {
        return lastStartMs;
    }

    /**
     * Is the broker's process alive?
     *
     * @return true while it runs.
     */
    public boolean isRunning()
    {
        return null != process && process.isAlive();
    }

    /**
     * Kills the broker with SIGKILL, as a crash would, and waits for the process to be gone.
     */
    public void kill()
    {
        final Process process = this.process;
        if (null != process)
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            this.process = null;
        }
    }

    /**
     * Starts the broker again on the same log directory and ports after {@link #kill()}.
     *
     * @throws Exception if it does not start.
     */
    public void restart() throws Exception
    {
        if (isRunning())
        {
            throw new IllegalStateException("the broker is running: kill it first");
        }
        startProcess();
    }

    /**
     * Creates topics now, rather than on first use, so that a test or benchmark does not time the
     * creation.
     *
     * @param topics     names.
     * @param partitions partitions of each.
     * @throws Exception if Kafka refuses.
     */
    public void createTopics(final Collection<String> topics, final int partitions) throws Exception
    {
        try (Admin admin = admin())
        {
            final List<NewTopic> newTopics = new ArrayList<>();
            for (final String topic : topics)
            {
                newTopics.add(new NewTopic(topic, partitions, (short)1));
            }
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * An admin client of this broker; the caller closes it.
     *
     * @return the client.
     */
    public Admin admin()
    {
        return Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /**
     * Kills the broker. The directory is the caller's (a JUnit {@code @TempDir}) to delete.
     */
    public void close()
    {
        kill();
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignore)
        {
            // Already shutting down: the hook kills it.
        }
    }

    private void format() throws IOException
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int status;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8))
        {
            status = kafka.tools.StorageTool.execute(
                new String[]{ "format", "-t", CLUSTER_ID, "-c", propertiesFile.toString() }, print);
        }
        if (0 != status)
        {
            throw new IOException("formatting Kafka storage in " + logDir + " failed (" + status + "): " +
                output.toString(StandardCharsets.UTF_8));
        }
    }

    private void startProcess() throws Exception
    {
        final List<String> command = new ArrayList<>(placement.commandPrefix());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-XX:-UsePerfData");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-Dorg.apache.logging.log4j.level=WARN");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KafkaBrokerMain.class.getName());
        command.add(propertiesFile.toString());

        final long startNs = System.nanoTime();
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
            .start();
        awaitReady(startNs);
        lastStartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private void awaitReady(final long startNs) throws Exception
    {
        try (Admin admin = admin())
        {
            while (true)
            {
                if (!process.isAlive())
                {
                    throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ": " + outputTail());
                }
                if (System.nanoTime() - startNs > START_TIMEOUT_NS)
                {
                    kill();
                    throw new IllegalStateException("the Kafka broker did not answer within " +
                        TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NS) + " s: " + outputTail());
                }
                try
                {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty())
                    {
                        return;
                    }
                }
                catch (final ExecutionException | java.util.concurrent.TimeoutException ex)
                {
                    Thread.sleep(50);
                }
            }
        }
    }

    private String outputTail()
    {
        try
        {
            final String output = Files.readString(outputFile);
            return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private String serverProperties(final int partitions)
    {
        // Each listener advertises itself, so a client keeps to the address it bootstrapped from.
        final String clientListener = null == placement.clientHost() ? "" :
            ",CLIENT://" + placement.clientHost() + ":" + clientPort;
        return String.join("\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + clientListener + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + clientListener,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + logDir,
            "num.partitions=" + partitions,
            "default.replication.factor=1",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            // A restarted broker waits for its previous incarnation's session to lapse before it is
            // unfenced: keep that short, as the fault tests restart it.
            "broker.session.timeout.ms=2000",
            "broker.heartbeat.interval.ms=500",
            "num.network.threads=2",
            "num.io.threads=2",
            "background.threads=2",
            "num.recovery.threads.per.data.dir=1",
            "");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
