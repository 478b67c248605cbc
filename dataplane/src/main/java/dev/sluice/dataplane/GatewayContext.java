package dev.sluice.dataplane;

import dev.sluice.dataplane.pipeline.CpuAffinity;
import dev.sluice.dataplane.source.CaptureFileSources;
import dev.sluice.dataplane.source.PacketSources;
import dev.sluice.dataplane.source.event.EventIngestConfig;
import dev.sluice.protocol.Channels;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;
import io.aeron.Aeron;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Every setting of one gateway, with defaults. Fluent accessors; {@link #conclude()} fills
 * defaults and checks every setting at once, reporting all problems together.
 * Configured on one thread before {@link Gateway#launch}; not changed afterwards.
 */
public final class GatewayContext
{
    public static final int BURST_CAPACITY_DEFAULT = 256;
    public static final long NOT_CONNECTED_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);
    public static final long HELLO_INTERVAL_MS_DEFAULT = 1_000;
    public static final Path STATE_DIRECTORY_DEFAULT = Path.of("sluice-state", "gateway");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Time without acknowledgement progress, batches outstanding, before a spooled stream sends them again. */
    public static final long REPLAY_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(1);

    /**
     * The spool of each stream to one destination (one per worker, {@code <spool-dir>/<region>/<worker>/}).
     *
     * @param enabled         false sends straight to the publication, dropping (counted) while it is unavailable
     * @param maxBytes        disk each stream's spool may use; then the overflow rule applies
     * @param segmentLength   bytes per segment file (a multiple of 4096; the spool keeps at least two)
     * @param overflowRule    PAUSE (back-pressure the source, nothing dropped), DROP_NEWEST or DROP_OLDEST (counted)
     * @param fsyncPolicy     what a power loss may take; batches are sent only once the policy counts them durable
     * @param fsyncIntervalNs the interval of {@link FsyncPolicy#INTERVAL}, also the delivery delay it adds
     */
    public record SpoolSettings(
        boolean enabled, long maxBytes, int segmentLength, OverflowRule overflowRule, FsyncPolicy fsyncPolicy,
        long fsyncIntervalNs)
    {
        /** 1 GiB of 16 MiB segments, PAUSE, forced every 20 ms. */
        public static final SpoolSettings DEFAULT = new SpoolSettings(
            true, 1024L * 1024 * 1024, 16 * 1024 * 1024, OverflowRule.PAUSE, FsyncPolicy.INTERVAL,
            TimeUnit.MILLISECONDS.toNanos(20));
        /** No spool: the behaviour of gateways before issue 8. */
        public static final SpoolSettings DISABLED = new SpoolSettings(
            false, DEFAULT.maxBytes, DEFAULT.segmentLength, DEFAULT.overflowRule, DEFAULT.fsyncPolicy, DEFAULT.fsyncIntervalNs);
    }

    /**
     * One outbound stream: records bound for {@code region} go to {@code channel}/{@code streamId};
     * the core's acknowledgements come on {@code ackChannel}/{@code ackStreamId} (null channel: derived
     * from the data channel, {@link Channels#ackSubscriptionChannel}).
     */
    public record Destination(
        String region, String channel, int streamId, String ackChannel, int ackStreamId, SpoolSettings spool)
    {
        public Destination(final String region, final String channel, final int streamId)
        {
            this(region, channel, streamId, null, Channels.ACK_STREAM_ID_DEFAULT, SpoolSettings.DEFAULT);
        }

        /** The ack subscription channel, configured or derived. */
        public String resolvedAckChannel()
        {
            return ackChannel != null ? ackChannel : Channels.ackSubscriptionChannel(channel);
        }
    }

    private String gatewayId;
    private String site;
    private String region;
    private Aeron aeron;
    private String aeronDirectoryName;
    private String controlInboundChannel = Channels.CONTROL_INBOUND_CHANNEL_DEFAULT;
    private int controlInboundStreamId = Channels.CONTROL_INBOUND_STREAM_ID_DEFAULT;
    private String policyPushChannel = Channels.POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT;
    private int policyPushStreamId = Channels.POLICY_PUSH_STREAM_ID_DEFAULT;
    private final List<Destination> destinations = new ArrayList<>();
    private Path captureFile;
    private List<Path> captureFiles = List.of();
    private long captureReplayRate;
    private PacketSources packetSources;
    private List<Integer> workerCpus = List.of();
    private int burstCapacity = BURST_CAPACITY_DEFAULT;
    private Path stateDirectory = STATE_DIRECTORY_DEFAULT;
    private Path spoolDirectory;
    private long replayTimeoutNs = REPLAY_TIMEOUT_NS_DEFAULT;
    private Path anonymizationKeyFile;
    private Path anonymizationKeyDirectory;
    private EpochNanoClock keyClock;
    private Path bootstrapPolicyFile;
    private long notConnectedTimeoutNs = NOT_CONNECTED_TIMEOUT_NS_DEFAULT;
    private long helloIntervalMs = HELLO_INTERVAL_MS_DEFAULT;
    private Supplier<IdleStrategy> workerIdleStrategy =
        () -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    private Supplier<IdleStrategy> conductorIdleStrategy =
        () -> new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
    private EventIngestConfig eventIngest;
    private boolean concluded;

    /**
     * @param eventIngest the event listeners (syslog, JSON, HTTP, NetFlow), or null for none.
     * @return this.
     */
    public GatewayContext eventIngest(final EventIngestConfig eventIngest)
    {
        this.eventIngest = eventIngest;
        return this;
    }

    /**
     * @return the event listeners' settings, or null when the gateway has none.
     */
    public EventIngestConfig eventIngest()
    {
        return eventIngest;
    }

    /**
     * Fills defaults and validates every setting.
     *
     * @throws IllegalStateException listing every problem, one per line
     */
    public GatewayContext conclude()
    {
        final List<String> problems = new ArrayList<>();
        requireName(problems, "gateway.id", gatewayId, 32);
        requireName(problems, "gateway.site", site, 32);
        requireName(problems, "gateway.region", region, 16);
        if (destinations.isEmpty())
        {
            problems.add("destinations: at least one destination region is required");
        }
        final Set<String> regions = new HashSet<>();
        for (final Destination destination : destinations)
        {
            requireName(problems, "destinations[].region", destination.region(), 16);
            if (!regions.add(destination.region()))
            {
                problems.add("destinations: region '" + destination.region() + "' is listed twice");
            }
            if (destination.channel() == null || !destination.channel().startsWith("aeron:"))
            {
                problems.add("destinations[" + destination.region() + "].channel: an Aeron channel URI is required " +
                    "(e.g. " + Channels.dataChannel("core.example", 20121) + "), got '" + destination.channel() + "'");
            }
        }
        if (packetSources != null)
        {
            if (packetSources.workerCount() < 1)
            {
                problems.add("source: at least one worker is required, got " + packetSources.workerCount());
            }
        }
        else if (!captureFiles.isEmpty())
        {
            for (final Path file : captureFiles)
            {
                checkCaptureFile(problems, file);
            }
        }
        else if (captureFile == null)
        {
            if (eventIngest == null)
            {
                problems.add("source: a packet source (source.pcap, source.dpdk, source.af-packet) or event listeners " +
                    "(ingest.listeners) are required: a gateway with neither has nothing to forward");
            }
        }
        else
        {
            checkCaptureFile(problems, captureFile);
        }
        if (!workerCpus.isEmpty())
        {
            final BitSet online = CpuAffinity.onlineCpus();
            final Set<Integer> listed = new HashSet<>();
            for (final Integer cpu : workerCpus)
            {
                if (cpu == null || cpu < 0 || !online.get(cpu))
                {
                    problems.add("workers.cpus: CPU " + cpu + " does not exist on this machine; online CPUs are " +
                        CpuAffinity.describe(online));
                }
                else if (!listed.add(cpu))
                {
                    problems.add("workers.cpus: CPU " + cpu + " is listed twice; give each worker a CPU of its own");
                }
            }
        }
        if (burstCapacity < 1 || burstCapacity > 4096)
        {
            problems.add("burst-capacity: must be in 1..4096, got " + burstCapacity);
        }
        if (anonymizationKeyFile != null && !Files.isReadable(anonymizationKeyFile))
        {
            problems.add("anonymization.key-file: cannot read '" + anonymizationKeyFile + "'");
        }
        if (anonymizationKeyDirectory != null && !Files.isDirectory(anonymizationKeyDirectory))
        {
            problems.add("anonymization.key-dir: '" + anonymizationKeyDirectory + "' is not a directory; create it and " +
                "provision the region's keys as <key-dir>/" + region + "/<epoch id>.key (mode 600)");
        }
        if (keyClock == null)
        {
            keyClock = new OffsetEpochNanoClock();
        }
        if (bootstrapPolicyFile != null && !Files.isReadable(bootstrapPolicyFile))
        {
            problems.add("policy-file: cannot read '" + bootstrapPolicyFile + "'");
        }
        if (notConnectedTimeoutNs <= 0)
        {
            problems.add("not-connected-timeout-ms: must be positive");
        }
        if (replayTimeoutNs <= 0)
        {
            problems.add("replay-timeout-ms: must be positive");
        }
        if (helloIntervalMs <= 0)
        {
            problems.add("hello-interval: must be positive");
        }
        if (stateDirectory == null)
        {
            problems.add("state-dir: required");
        }
        if (!problems.isEmpty())
        {
            throw new IllegalStateException("invalid gateway configuration:\n  " + String.join("\n  ", problems));
        }
        concluded = true;
        return this;
    }

    private static void checkCaptureFile(final List<String> problems, final Path file)
    {
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            problems.add("source.pcap: cannot read '" + file + "'" +
                (Files.isDirectory(file) ? ": it is a directory, not a capture file" : ""));
        }
    }

    private static void requireName(final List<String> problems, final String key, final String value, final int maxLength)
    {
        if (value == null || value.isEmpty())
        {
            problems.add(key + ": required");
        }
        else if (!NAME.matcher(value).matches() || value.length() > maxLength)
        {
            problems.add(key + ": '" + value + "' must be 1.." + maxLength +
                " characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public boolean isConcluded()
    {
        return concluded;
    }

    public String gatewayId()
    {
        return gatewayId;
    }

    public GatewayContext gatewayId(final String gatewayId)
    {
        this.gatewayId = gatewayId;
        return this;
    }

    public String site()
    {
        return site;
    }

    public GatewayContext site(final String site)
    {
        this.site = site;
        return this;
    }

    public String region()
    {
        return region;
    }

    public GatewayContext region(final String region)
    {
        this.region = region;
        return this;
    }

    /** An Aeron client shared with other components in this process; the gateway does not close it. */
    public Aeron aeron()
    {
        return aeron;
    }

    public GatewayContext aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return this;
    }

    /** The media driver's directory when the gateway connects its own Aeron client; null for Aeron's default. */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    public GatewayContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    public String controlInboundChannel()
    {
        return controlInboundChannel;
    }

    public GatewayContext controlInboundChannel(final String channel)
    {
        this.controlInboundChannel = channel;
        return this;
    }

    public int controlInboundStreamId()
    {
        return controlInboundStreamId;
    }

    public GatewayContext controlInboundStreamId(final int streamId)
    {
        this.controlInboundStreamId = streamId;
        return this;
    }

    public String policyPushChannel()
    {
        return policyPushChannel;
    }

    public GatewayContext policyPushChannel(final String channel)
    {
        this.policyPushChannel = channel;
        return this;
    }

    public int policyPushStreamId()
    {
        return policyPushStreamId;
    }

    public GatewayContext policyPushStreamId(final int streamId)
    {
        this.policyPushStreamId = streamId;
        return this;
    }

    public List<Destination> destinations()
    {
        return List.copyOf(destinations);
    }

    public GatewayContext addDestination(final String region, final String channel, final int streamId)
    {
        destinations.add(new Destination(region, channel, streamId));
        return this;
    }

    public GatewayContext addDestination(final Destination destination)
    {
        destinations.add(destination);
        return this;
    }

    /** Where each destination stream's spool lives; {@code <state-dir>/spool} unless set. */
    public Path spoolDirectory()
    {
        return spoolDirectory != null ? spoolDirectory : stateDirectory.resolve("spool");
    }

    public GatewayContext spoolDirectory(final Path spoolDirectory)
    {
        this.spoolDirectory = spoolDirectory;
        return this;
    }

    /** Time without acknowledgement progress, with batches outstanding, before a spooled stream sends them again. */
    public long replayTimeoutNs()
    {
        return replayTimeoutNs;
    }

    public GatewayContext replayTimeoutNs(final long replayTimeoutNs)
    {
        this.replayTimeoutNs = replayTimeoutNs;
        return this;
    }

    public Path captureFile()
    {
        return captureFile;
    }

    public GatewayContext captureFile(final Path captureFile)
    {
        this.captureFile = captureFile;
        return this;
    }

    /** The capture files replayed one per worker; empty when {@link #captureFile()} is the one source. */
    public List<Path> captureFiles()
    {
        return captureFiles;
    }

    /** One capture file per worker: worker i replays {@code files.get(i)}. */
    public GatewayContext captureFiles(final List<Path> files)
    {
        this.captureFiles = List.copyOf(files);
        return this;
    }

    /** Packets per second each capture file is replayed at; 0 (the default): as fast as the workers go. */
    public long captureReplayRate()
    {
        return captureReplayRate;
    }

    public GatewayContext captureReplayRate(final long packetsPerSecond)
    {
        this.captureReplayRate = packetsPerSecond;
        return this;
    }

    /**
     * Where each worker's packets come from; when not set, one worker per file of
     * {@link #captureFiles()}, or one worker replaying {@link #captureFile()}; null when the
     * gateway has no packet source (it forwards events only).
     */
    public PacketSources packetSources()
    {
        if (packetSources != null)
        {
            return packetSources;
        }
        if (captureFile == null && captureFiles.isEmpty())
        {
            return null;
        }
        return new CaptureFileSources(captureFiles.isEmpty() ? List.of(captureFile) : captureFiles, captureReplayRate);
    }

    /** CPU of each worker, by worker index; empty when workers are not pinned. */
    public List<Integer> workerCpus()
    {
        return workerCpus;
    }

    /**
     * Pins worker i's thread to {@code cpus.get(i)}; the list must name one CPU per worker. Empty
     * (the default) leaves the threads to the scheduler.
     */
    public GatewayContext workerCpus(final List<Integer> cpus)
    {
        this.workerCpus = List.copyOf(cpus);
        return this;
    }

    public GatewayContext packetSources(final PacketSources packetSources)
    {
        this.packetSources = packetSources;
        return this;
    }

    public int burstCapacity()
    {
        return burstCapacity;
    }

    public GatewayContext burstCapacity(final int burstCapacity)
    {
        this.burstCapacity = burstCapacity;
        return this;
    }

    /** Where the gateway keeps its stream sequences. */
    public Path stateDirectory()
    {
        return stateDirectory;
    }

    public GatewayContext stateDirectory(final Path stateDirectory)
    {
        this.stateDirectory = stateDirectory;
        return this;
    }

    /** This site's Crypto-PAn key (32 bytes, raw or hex); null when the gateway may not transform. */
    public Path anonymizationKeyFile()
    {
        return anonymizationKeyFile;
    }

    public GatewayContext anonymizationKeyFile(final Path keyFile)
    {
        this.anonymizationKeyFile = keyFile;
        return this;
    }

    /**
     * The directory of region-scoped keys: the gateway reads only
     * {@code <key-dir>/<its region>/<epoch id>.key}, for the epochs a policy's {@code keys:}
     * section names; null when policies may not name key epochs.
     */
    public Path anonymizationKeyDirectory()
    {
        return anonymizationKeyDirectory;
    }

    public GatewayContext anonymizationKeyDirectory(final Path keyDirectory)
    {
        this.anonymizationKeyDirectory = keyDirectory;
        return this;
    }

    /**
     * The wall clock key epochs are switched by (epoch nanoseconds); a monotonic-offset clock
     * that does not allocate, by default. Tests set one they control.
     */
    public EpochNanoClock keyClock()
    {
        return keyClock;
    }

    public GatewayContext keyClock(final EpochNanoClock clock)
    {
        this.keyClock = clock;
        return this;
    }

    /** A policy applied at start as version 0, until the control plane pushes one; null for none. */
    public Path bootstrapPolicyFile()
    {
        return bootstrapPolicyFile;
    }

    public GatewayContext bootstrapPolicyFile(final Path policyFile)
    {
        this.bootstrapPolicyFile = policyFile;
        return this;
    }

    /** How long a destination may have no subscriber before its records are dropped (and counted). */
    public long notConnectedTimeoutNs()
    {
        return notConnectedTimeoutNs;
    }

    public GatewayContext notConnectedTimeoutNs(final long timeoutNs)
    {
        this.notConnectedTimeoutNs = timeoutNs;
        return this;
    }

    public long helloIntervalMs()
    {
        return helloIntervalMs;
    }

    public GatewayContext helloIntervalMs(final long intervalMs)
    {
        this.helloIntervalMs = intervalMs;
        return this;
    }

    public Supplier<IdleStrategy> workerIdleStrategy()
    {
        return workerIdleStrategy;
    }

    public GatewayContext workerIdleStrategy(final Supplier<IdleStrategy> idleStrategy)
    {
        this.workerIdleStrategy = idleStrategy;
        return this;
    }

    public Supplier<IdleStrategy> conductorIdleStrategy()
    {
        return conductorIdleStrategy;
    }

    public GatewayContext conductorIdleStrategy(final Supplier<IdleStrategy> idleStrategy)
    {
        this.conductorIdleStrategy = idleStrategy;
        return this;
    }
}
