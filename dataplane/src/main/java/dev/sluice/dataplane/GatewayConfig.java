package dev.sluice.dataplane;

import dev.sluice.dataplane.pipeline.CpuAffinity;
import dev.sluice.dataplane.source.dpdk.DpdkLibrary;
import dev.sluice.dataplane.source.dpdk.DpdkMempool;
import dev.sluice.dataplane.source.dpdk.DpdkPort;
import dev.sluice.dataplane.source.dpdk.DpdkSource;
import dev.sluice.dataplane.source.dpdk.DpdkSources;
import dev.sluice.dataplane.source.event.IngestConfigReader;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlLimits;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlReader;
import dev.sluice.policy.yaml.YamlScalar;
import dev.sluice.policy.yaml.YamlSequence;
import dev.sluice.dataplane.source.afpacket.AfPacketSettings;
import dev.sluice.dataplane.source.afpacket.AfPacketSources;
import dev.sluice.protocol.Channels;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A gateway's configuration file (YAML), read into a {@link GatewayContext}. Unknown keys,
 * wrong types and unreadable files are all reported at once, each with file:line:column.
 * Relative paths are resolved against the file's directory. Example: {@code config/gateway.yaml}.
 * Main thread, at start.
 */
public final class GatewayConfig
{
    // Lists, not sets: "allowed keys" hints list them in this order on every run.
    private static final List<String> TOP_KEYS = List.of(
        "gateway", "source", "destinations", "control-plane", "anonymization", "policy-file", "state-dir",
        "aeron-dir", "burst-capacity", "not-connected-timeout-ms", "workers", "ingest", "spool-dir", "replay-timeout-ms");
    private static final List<String> GATEWAY_KEYS = List.of("id", "site", "region");
    private static final List<String> SOURCE_KEYS = List.of("pcap", "dpdk", "af-packet", "replay-rate");
    private static final List<String> DPDK_KEYS = List.of(
        "eal-args", "device", "queues", "mbufs", "mbuf-data-room", "rx-descriptors", "burst", "mempool-cache");
    private static final List<String> AF_PACKET_KEYS = List.of(
        "interface", "workers", "fanout", "fanout-group", "block-size", "block-count", "frame-size", "retire-timeout-ms",
        "promiscuous");
    private static final List<String> DESTINATION_KEYS = List.of(
        "region", "channel", "stream", "ack-channel", "ack-stream", "spool");
    private static final List<String> SPOOL_KEYS = List.of(
        "enabled", "max-bytes", "segment-bytes", "overflow", "fsync", "fsync-interval-ms");
    private static final List<String> CONTROL_KEYS = List.of("channel", "stream", "push-channel", "push-stream");
    private static final List<String> ANONYMIZATION_KEYS = List.of("key-file", "key-dir");
    private static final List<String> WORKERS_KEYS = List.of("cpus");

    private final GatewayContext context;
    private final String aeronDirectory;

    private GatewayConfig(final GatewayContext context, final String aeronDirectory)
    {
        this.context = context;
        this.aeronDirectory = aeronDirectory;
    }

    /** The settings, not yet concluded (the caller may add an Aeron client first). */
    public GatewayContext context()
    {
        return context;
    }

    /** An external media driver's directory, or null to run one embedded. */
    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * @throws IllegalArgumentException listing every problem as {@code file:line:column: error: ...}
     */
    public static GatewayConfig load(final Path file) throws IOException
    {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
    }

    /**
     * @param baseDirectory what relative paths are resolved against
     * @throws IllegalArgumentException listing every problem as {@code source:line:column: error: ...}
     */
    public static GatewayConfig parse(final String sourceName, final String text, final Path baseDirectory)
    {
        final Diagnostics diagnostics = new Diagnostics(sourceName);
        final GatewayContext context = new GatewayContext();
        String aeronDirectory = null;
        final YamlNode root = YamlReader.read(text, YamlLimits.DEFAULT, diagnostics);
        final YamlMapping top = root == null ? null : YamlChecks.mapping(root, "the gateway configuration", diagnostics);
        if (top != null)
        {
            YamlChecks.checkKeys(
                top, "the gateway configuration", TOP_KEYS,
                top.has("ingest") ? List.of("gateway", "destinations") : List.of("gateway", "source", "destinations"),
                diagnostics);
            final Reader reader = new Reader(diagnostics, baseDirectory);
            reader.gateway(top.get("gateway"), context);
            if (top.has("source") || !top.has("ingest"))
            {
                reader.source(top.get("source"), context);
            }
            reader.destinations(top.get("destinations"), context);
            reader.controlPlane(top.get("control-plane"), context);
            reader.anonymization(top.get("anonymization"), context);
            reader.workers(top.get("workers"), top.get("source"), context);
            context.eventIngest(IngestConfigReader.read(top.get("ingest"), diagnostics, baseDirectory));
            if (top.has("policy-file"))
            {
                context.bootstrapPolicyFile(reader.readableFile(top.get("policy-file"), "policy-file"));
            }
            if (top.has("state-dir"))
            {
                context.stateDirectory(reader.path(top.get("state-dir"), "state-dir"));
            }
            if (top.has("spool-dir"))
            {
                context.spoolDirectory(reader.path(top.get("spool-dir"), "spool-dir"));
            }
            if (top.has("replay-timeout-ms"))
            {
                final Long timeoutMs = YamlChecks.integer(
                    top.get("replay-timeout-ms"), "replay-timeout-ms", 1, 86_400_000, diagnostics);
                if (timeoutMs != null)
                {
                    context.replayTimeoutNs(TimeUnit.MILLISECONDS.toNanos(timeoutMs));
                }
            }
            if (top.has("aeron-dir"))
            {
                aeronDirectory = YamlChecks.string(top.get("aeron-dir"), "aeron-dir", diagnostics);
            }
            if (top.has("burst-capacity"))
            {
                final Long capacity = YamlChecks.integer(top.get("burst-capacity"), "burst-capacity", 1, 4096, diagnostics);
                if (capacity != null)
                {
                    context.burstCapacity(capacity.intValue());
                }
            }
            if (top.has("not-connected-timeout-ms"))
            {
                final Long timeoutMs = YamlChecks.integer(
                    top.get("not-connected-timeout-ms"), "not-connected-timeout-ms", 1, 86_400_000, diagnostics);
                if (timeoutMs != null)
                {
                    context.notConnectedTimeoutNs(timeoutMs * 1_000_000L);
                }
            }
        }
        if (diagnostics.hasErrors() || root == null)
        {
            final String errors = diagnostics.sorted().stream()
                .filter(Diagnostic::isError)
                .map(Diagnostic::toString)
                .collect(Collectors.joining("\n"));
            throw new IllegalArgumentException("invalid gateway configuration:\n" +
                (errors.isEmpty() ? sourceName + ":1:1: error: the file holds no configuration" : errors));
        }
        return new GatewayConfig(context, aeronDirectory);
    }

    /** Device arguments that name files: relative ones are read as relative to the configuration file. */
    private static final List<String> DEVICE_FILE_ARGUMENTS = List.of("rx_pcap=", "tx_pcap=");

    /**
     * {@code device} with relative {@code rx_pcap=} and {@code tx_pcap=} paths resolved against
     * {@code baseDirectory}, as every other path in the configuration is; DPDK itself would read them
     * against the gateway's working directory.
     */
    static String resolveDeviceFiles(final String device, final Path baseDirectory)
    {
        final String[] parts = device.split(",", -1);
        for (int i = 1; i < parts.length; i++)
        {
            for (final String key : DEVICE_FILE_ARGUMENTS)
            {
                if (parts[i].startsWith(key) && parts[i].length() > key.length())
                {
                    final Path file = Path.of(parts[i].substring(key.length()));
                    parts[i] = key + (file.isAbsolute() ? file : baseDirectory.resolve(file).normalize());
                }
            }
        }
        return String.join(",", parts);
    }

    /** The worker count a source section implies, and the rule that implies it (for the hint). */
    private record SourceWorkers(int count, String rule)
    {
    }

    /** Reads the sections of one file, reporting into one {@link Diagnostics}. */
    private record Reader(Diagnostics diagnostics, Path baseDirectory)
    {
        void gateway(final YamlNode node, final GatewayContext context)
        {
            final YamlMapping gateway = section(node, "gateway", GATEWAY_KEYS, List.of("id", "site", "region"));
            if (gateway != null)
            {
                context.gatewayId(optionalString(gateway, "id", "gateway.id"));
                context.site(optionalString(gateway, "site", "gateway.site"));
                context.region(optionalString(gateway, "region", "gateway.region"));
            }
        }

        void source(final YamlNode node, final GatewayContext context)
        {
            final YamlMapping source = section(node, "source", SOURCE_KEYS, List.of());
            if (source == null)
            {
                return;
            }
            final int kinds = (source.has("pcap") ? 1 : 0) + (source.has("dpdk") ? 1 : 0) + (source.has("af-packet") ? 1 : 0);
            if (kinds != 1)
            {
                diagnostics.error(source.position(), "source needs exactly one of pcap, dpdk, af-packet",
                    "pcap: FILE replays a capture; dpdk: {device: ...} reads a DPDK port; " +
                    "af-packet: {interface: eth0} reads an interface");
            }
            if (source.has("replay-rate"))
            {
                if (!source.has("pcap"))
                {
                    diagnostics.error(source.get("replay-rate").position(), "source.replay-rate paces a capture replay",
                        "use it with source.pcap, or leave it out");
                }
                final Long rate = YamlChecks.integer(source.get("replay-rate"), "source.replay-rate", 1, 100_000_000, diagnostics);
                if (rate != null)
                {
                    context.captureReplayRate(rate);
                }
            }
            if (source.has("pcap"))
            {
                final YamlNode pcap = source.get("pcap");
                if (pcap instanceof YamlSequence files)
                {
                    // A list: one capture file per worker.
                    if (files.size() == 0)
                    {
                        diagnostics.error(files.position(), "source.pcap lists no capture file",
                            "give one file, or a list with one file per worker");
                    }
                    final List<Path> paths = new ArrayList<>();
                    for (int i = 0; i < files.size(); i++)
                    {
                        final Path file = readableFile(files.get(i), "source.pcap[" + i + "]");
                        if (file != null)
                        {
                            paths.add(file);
                        }
                    }
                    if (paths.size() == files.size() && !paths.isEmpty())
                    {
                        context.captureFiles(paths);
                    }
                }
                else
                {
                    context.captureFile(readableFile(pcap, "source.pcap"));
                }
            }
            else if (source.has("dpdk"))
            {
                dpdk(source.get("dpdk"), context);
            }
            else if (source.has("af-packet"))
            {
                afPacket(source.get("af-packet"), context);
            }
        }

        /**
         * {@code workers.cpus}: one online CPU per worker, no CPU twice, and as many CPUs as the
         * source has workers (a file each for pcap, {@code queues} for dpdk, {@code workers} for
         * af-packet), so that no worker is left unpinned by a miscount.
         */
        void workers(final YamlNode node, final YamlNode sourceNode, final GatewayContext context)
        {
            final YamlMapping workers = section(node, "workers", WORKERS_KEYS, List.of());
            if (workers == null || !workers.has("cpus"))
            {
                return;
            }
            final YamlSequence list = YamlChecks.sequence(workers.get("cpus"), "workers.cpus", diagnostics);
            if (list == null)
            {
                return;
            }
            final BitSet online = CpuAffinity.onlineCpus();
            final List<Integer> cpus = new ArrayList<>();
            final BitSet listed = new BitSet();
            for (final YamlNode item : list.items())
            {
                final Long cpu = YamlChecks.integer(item, "workers.cpus", 0, 4095, diagnostics);
                if (cpu == null)
                {
                    continue;
                }
                final int value = cpu.intValue();
                if (!online.get(value))
                {
                    diagnostics.error(item.position(), "workers.cpus: CPU " + value + " does not exist on this machine",
                        "online CPUs are " + CpuAffinity.describe(online) + " (see " + CpuAffinity.ONLINE_CPUS_FILE + ")");
                }
                else if (listed.get(value))
                {
                    diagnostics.error(item.position(), "workers.cpus: CPU " + value + " is listed twice",
                        "give each worker a CPU of its own");
                }
                listed.set(value);
                cpus.add(value);
            }
            final SourceWorkers sourceWorkers = sourceWorkers(sourceNode, context);
            if (sourceWorkers != null && list.size() != sourceWorkers.count())
            {
                diagnostics.error(list.position(), "workers.cpus lists " + list.size() + " CPUs for " +
                    sourceWorkers.count() + " workers", "list one CPU per worker (" + sourceWorkers.rule() + ")");
            }
            if (cpus.size() == list.size())
            {
                context.workerCpus(cpus);
            }
        }

        /**
         * {@code source.dpdk}: EAL arguments, one device, one rx queue per worker. The DPDK
         * source is refused here, with the package to install, when the native shim is missing.
         */
        private void dpdk(final YamlNode node, final GatewayContext context)
        {
            final YamlMapping dpdk = section(node, "source.dpdk", DPDK_KEYS, List.of("device"));
            if (dpdk == null)
            {
                return;
            }
            final List<String> ealArgs = new ArrayList<>();
            if (dpdk.has("eal-args"))
            {
                final List<YamlScalar> args = YamlChecks.scalarList(dpdk.get("eal-args"), "source.dpdk.eal-args", diagnostics);
                if (args != null)
                {
                    args.forEach(arg -> ealArgs.add(arg.value()));
                }
            }
            final String device = dpdk.has("device") ?
                YamlChecks.string(dpdk.get("device"), "source.dpdk.device", diagnostics) : null;
            final int queues = intOr(dpdk, "queues", 1, 1024, 1);
            final int mbufs = intOr(dpdk, "mbufs", 64, 1 << 24, 8191);
            final int dataRoom = intOr(dpdk, "mbuf-data-room", 256, 65535, DpdkMempool.DEFAULT_DATA_ROOM_BYTES);
            final int rxDescriptors = intOr(dpdk, "rx-descriptors", 1, 65535, DpdkPort.DEFAULT_RX_DESCRIPTORS);
            final int burst = intOr(dpdk, "burst", 1, 4096, DpdkSource.DEFAULT_MAX_BURST);
            final int cache = intOr(dpdk, "mempool-cache", 0, DpdkMempool.MAX_CACHE_SIZE, DpdkSources.DEFAULT_MEMPOOL_CACHE);
            final long needed = DpdkSources.mbufsNeeded(queues, rxDescriptors, burst, cache);
            if (needed > mbufs)
            {
                diagnostics.error(dpdk.has("mbufs") ? dpdk.get("mbufs").position() : dpdk.position(),
                    "source.dpdk.mbufs: " + mbufs + " mbufs cannot fill " + queues + " queues of " + rxDescriptors +
                    " descriptors plus a burst of " + burst + " and a mempool cache of " + cache +
                    (cache == 0 ? "" : " (or lower source.dpdk.mempool-cache)"), "at least " + needed);
                return;
            }
            final String cacheProblem = DpdkMempool.cacheProblem(mbufs, cache);
            if (cacheProblem != null)
            {
                diagnostics.error(dpdk.has("mempool-cache") ? dpdk.get("mempool-cache").position() : dpdk.position(),
                    "source.dpdk.mempool-cache: " + cacheProblem, "at most " + Math.min(DpdkMempool.MAX_CACHE_SIZE, mbufs * 2 / 3));
                return;
            }
            final String unavailable = DpdkLibrary.unavailableReason();
            if (unavailable != null)
            {
                diagnostics.error(dpdk.position(), "source.dpdk: " + unavailable, null);
                return;
            }
            if (device != null)
            {
                context.packetSources(new DpdkSources(
                    ealArgs, resolveDeviceFiles(device, baseDirectory), queues, mbufs, dataRoom, rxDescriptors, burst, cache));
            }
        }

        private int intOr(final YamlMapping mapping, final String key, final int min, final int max, final int absent)
        {
            if (!mapping.has(key))
            {
                return absent;
            }
            final Long value = YamlChecks.integer(mapping.get(key), "source.dpdk." + key, min, max, diagnostics);
            return value == null ? absent : value.intValue();
        }

        /**
         * How many workers the source section asks for, and by which rule; null when that is not
         * known (no source, or a count that is itself in error and reported at its own position).
         */
        private static SourceWorkers sourceWorkers(final YamlNode sourceNode, final GatewayContext context)
        {
            if (context.captureFile() != null || !context.captureFiles().isEmpty())
            {
                return new SourceWorkers(context.captureFiles().isEmpty() ? 1 : context.captureFiles().size(),
                    "source.pcap gives one worker per file");
            }
            if (!(sourceNode instanceof YamlMapping source))
            {
                return null;
            }
            if (source.get("dpdk") instanceof YamlMapping dpdk)
            {
                final Integer queues = countOrDefault(dpdk, "queues");
                return queues == null ? null : new SourceWorkers(queues, "source.dpdk.queues gives one worker per rx queue");
            }
            if (source.get("af-packet") instanceof YamlMapping afPacket)
            {
                final Integer workers = countOrDefault(afPacket, "workers");
                return workers == null ? null :
                    new SourceWorkers(workers, "source.af-packet.workers gives one worker per fanout socket");
            }
            return null;
        }

        private static Integer countOrDefault(final YamlMapping mapping, final String key)
        {
            if (!mapping.has(key))
            {
                return 1;
            }
            if (mapping.get(key) instanceof YamlScalar scalar)
            {
                try
                {
                    final int value = Integer.parseInt(scalar.value().strip());
                    return value >= 1 ? value : null;
                }
                catch (final NumberFormatException ex)
                {
                    return null;
                }
            }
            return null;
        }

        /** {@code source.af-packet}: every value is checked at its position before the settings' own checks. */
        private void afPacket(final YamlNode node, final GatewayContext context)
        {
            final int errorsBefore = errorCount();
            final YamlMapping afPacket = section(node, "source.af-packet", AF_PACKET_KEYS, List.of("interface"));
            if (afPacket == null)
            {
                return;
            }
            final AfPacketSettings settings = new AfPacketSettings();
            if (afPacket.has("interface"))
            {
                final YamlScalar name = YamlChecks.scalar(afPacket.get("interface"), "source.af-packet.interface", diagnostics);
                if (name != null)
                {
                    settings.interfaceName(name.value());
                    if (name.value().length() > 15 || name.value().contains("/") || name.value().contains(" "))
                    {
                        diagnostics.error(name.position(), "source.af-packet.interface: '" + name.value() +
                            "' is not an interface name", "at most 15 characters, no '/' or spaces; `ip link` lists them");
                    }
                }
            }
            final Long workers = optionalInteger(afPacket, "workers", 1, AfPacketSettings.MAX_WORKERS);
            if (workers != null)
            {
                settings.workers(workers.intValue());
            }
            if (afPacket.has("fanout"))
            {
                final YamlScalar fanout = YamlChecks.scalar(afPacket.get("fanout"), "source.af-packet.fanout", diagnostics);
                if (fanout != null)
                {
                    final AfPacketSettings.FanoutMode mode = AfPacketSettings.FanoutMode.fromConfigName(fanout.value());
                    if (mode == null)
                    {
                        diagnostics.error(fanout.position(), "source.af-packet.fanout: unknown mode '" + fanout.value() + "'",
                            "one of hash (by flow, the default), lb (round robin), cpu (by receiving CPU)");
                    }
                    else
                    {
                        settings.fanoutMode(mode);
                    }
                }
            }
            final Long group = optionalInteger(afPacket, "fanout-group", 0, 0xFFFF);
            if (group != null)
            {
                settings.fanoutGroupId(group.intValue());
            }
            final Long blockSize = optionalInteger(afPacket, "block-size", AfPacketSettings.PAGE_SIZE, 1L << 30);
            if (blockSize != null)
            {
                settings.blockSizeBytes(blockSize.intValue());
                if (blockSize % AfPacketSettings.PAGE_SIZE != 0)
                {
                    diagnostics.error(afPacket.get("block-size").position(), "source.af-packet.block-size must be a " +
                        "multiple of the page size " + AfPacketSettings.PAGE_SIZE + ", found " + blockSize, null);
                }
            }
            final Long blockCount = optionalInteger(afPacket, "block-count", 1, AfPacketSettings.MAX_BLOCK_COUNT);
            if (blockCount != null)
            {
                settings.blockCount(blockCount.intValue());
            }
            final Long frameSize = optionalInteger(afPacket, "frame-size", 128, 1L << 30);
            if (frameSize != null)
            {
                settings.frameSizeBytes(frameSize.intValue());
            }
            final Long retireTimeoutMs = optionalInteger(afPacket, "retire-timeout-ms", 1, 1000);
            if (retireTimeoutMs != null)
            {
                settings.retireTimeoutMs(retireTimeoutMs.intValue());
            }
            if (afPacket.has("promiscuous"))
            {
                final YamlScalar promiscuous =
                    YamlChecks.scalar(afPacket.get("promiscuous"), "source.af-packet.promiscuous", diagnostics);
                if (promiscuous != null)
                {
                    if (!"true".equals(promiscuous.value()) && !"false".equals(promiscuous.value()))
                    {
                        diagnostics.error(promiscuous.position(),
                            "source.af-packet.promiscuous must be true or false, found '" + promiscuous.value() + "'", null);
                    }
                    settings.promiscuous("true".equals(promiscuous.value()));
                }
            }
            if (errorCount() == errorsBefore)
            {
                // What only the combination decides (frame-size within block-size, the ring's total) is reported at the section.
                for (final String problem : settings.problems())
                {
                    diagnostics.error(afPacket.position(), "source.af-packet." + problem, null);
                }
                if (settings.problems().isEmpty())
                {
                    context.packetSources(new AfPacketSources(settings));
                }
            }
        }

        private Long optionalInteger(final YamlMapping mapping, final String key, final long min, final long max)
        {
            return mapping.has(key) ? YamlChecks.integer(mapping.get(key), "source.af-packet." + key, min, max, diagnostics) :
                null;
        }

        private int errorCount()
        {
            return (int)diagnostics.sorted().stream().filter(Diagnostic::isError).count();
        }

        void destinations(final YamlNode node, final GatewayContext context)
        {
            if (node == null)
            {
                return;
            }
            final YamlSequence list = YamlChecks.sequence(node, "destinations", diagnostics);
            if (list == null)
            {
                return;
            }
            if (list.size() == 0)
            {
                diagnostics.error(list.position(), "destinations must name at least one region", null);
            }
            for (final YamlNode item : list.items())
            {
                final YamlMapping destination = YamlChecks.mapping(item, "a destination", diagnostics);
                if (destination == null)
                {
                    continue;
                }
                // An unknown key is reported, and the rest of the destination is still checked.
                YamlChecks.checkKeys(destination, "a destination", DESTINATION_KEYS, List.of("region", "channel"), diagnostics);
                if (!destination.has("region") || !destination.has("channel"))
                {
                    continue;
                }
                final String region = YamlChecks.string(destination.get("region"), "destination region", diagnostics);
                final YamlScalar channel = YamlChecks.scalar(destination.get("channel"), "destination channel", diagnostics);
                int stream = Channels.DATA_STREAM_ID_DEFAULT;
                if (destination.has("stream"))
                {
                    final Long value = YamlChecks.integer(destination.get("stream"), "stream", 1, Integer.MAX_VALUE, diagnostics);
                    stream = value == null ? stream : value.intValue();
                }
                if (channel != null && !channel.value().startsWith("aeron:"))
                {
                    diagnostics.error(channel.position(), "destination channel must be an Aeron URI",
                        "e.g. aeron:udp?endpoint=core.example:20121");
                }
                String ackChannel = null;
                if (destination.has("ack-channel"))
                {
                    final YamlScalar ack = YamlChecks.scalar(destination.get("ack-channel"), "destination ack-channel", diagnostics);
                    if (ack != null && !ack.value().startsWith("aeron:"))
                    {
                        diagnostics.error(ack.position(), "destination ack-channel must be an Aeron URI",
                            "e.g. aeron:udp?endpoint=0.0.0.0:0|control=core.example:21121|control-mode=dynamic");
                    }
                    ackChannel = ack == null ? null : ack.value();
                }
                else if (channel != null && channel.value().startsWith("aeron:udp") && !channel.value().contains("endpoint="))
                {
                    diagnostics.error(channel.position(), "cannot derive the ack channel from a destination channel without endpoint=",
                        "add ack-channel: to this destination");
                }
                int ackStream = Channels.ACK_STREAM_ID_DEFAULT;
                if (destination.has("ack-stream"))
                {
                    final Long value = YamlChecks.integer(destination.get("ack-stream"), "ack-stream", 1, Integer.MAX_VALUE, diagnostics);
                    ackStream = value == null ? ackStream : value.intValue();
                }
                final GatewayContext.SpoolSettings spool = spool(destination.get("spool"));
                if (region != null && channel != null)
                {
                    context.addDestination(new GatewayContext.Destination(
                        region, channel.value(), stream, ackChannel, ackStream, spool));
                }
            }
        }

        /** A destination's {@code spool:} section; every key optional, defaults {@link GatewayContext.SpoolSettings#DEFAULT}. */
        GatewayContext.SpoolSettings spool(final YamlNode node)
        {
            final GatewayContext.SpoolSettings defaults = GatewayContext.SpoolSettings.DEFAULT;
            final YamlMapping spool = section(node, "spool", SPOOL_KEYS, List.of());
            if (spool == null)
            {
                return defaults;
            }
            boolean enabled = defaults.enabled();
            if (spool.has("enabled"))
            {
                final YamlScalar value = YamlChecks.scalar(spool.get("enabled"), "spool.enabled", diagnostics);
                if (value != null && !"true".equals(value.value()) && !"false".equals(value.value()))
                {
                    diagnostics.error(value.position(), "spool.enabled must be true or false, found '" + value.value() + "'", null);
                }
                enabled = value == null ? enabled : !"false".equals(value.value());
            }
            long maxBytes = defaults.maxBytes();
            int segmentBytes = defaults.segmentLength();
            if (spool.has("segment-bytes"))
            {
                final Long value = YamlChecks.integer(spool.get("segment-bytes"), "spool.segment-bytes", 65_536, 1L << 30, diagnostics);
                if (value != null && value % 4096 != 0)
                {
                    diagnostics.error(spool.get("segment-bytes").position(), "spool.segment-bytes must be a multiple of 4096", null);
                }
                segmentBytes = value == null ? segmentBytes : value.intValue();
            }
            if (spool.has("max-bytes"))
            {
                final Long value = YamlChecks.integer(spool.get("max-bytes"), "spool.max-bytes", 131_072, Long.MAX_VALUE, diagnostics);
                if (value != null && value < 2L * segmentBytes)
                {
                    diagnostics.error(spool.get("max-bytes").position(),
                        "spool.max-bytes must hold at least two segments (" + 2L * segmentBytes + " bytes)", null);
                }
                maxBytes = value == null ? maxBytes : value;
            }
            OverflowRule overflow = defaults.overflowRule();
            if (spool.has("overflow"))
            {
                final YamlScalar value = YamlChecks.scalar(spool.get("overflow"), "spool.overflow", diagnostics);
                overflow = value == null ? overflow : choice(value, "spool.overflow", OverflowRule.class, overflow);
            }
            FsyncPolicy fsync = defaults.fsyncPolicy();
            if (spool.has("fsync"))
            {
                final YamlScalar value = YamlChecks.scalar(spool.get("fsync"), "spool.fsync", diagnostics);
                fsync = value == null ? fsync : choice(value, "spool.fsync", FsyncPolicy.class, fsync);
            }
            long fsyncIntervalNs = defaults.fsyncIntervalNs();
            if (spool.has("fsync-interval-ms"))
            {
                final Long value = YamlChecks.integer(spool.get("fsync-interval-ms"), "spool.fsync-interval-ms", 1, 60_000, diagnostics);
                fsyncIntervalNs = value == null ? fsyncIntervalNs : TimeUnit.MILLISECONDS.toNanos(value);
            }
            return new GatewayContext.SpoolSettings(enabled, maxBytes, segmentBytes, overflow, fsync, fsyncIntervalNs);
        }

        /** An enum value written in lower case with dashes ({@code drop-newest}). */
        private <E extends Enum<E>> E choice(final YamlScalar value, final String what, final Class<E> type, final E fallback)
        {
            final StringBuilder allowed = new StringBuilder();
            for (final E constant : type.getEnumConstants())
            {
                final String name = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
                if (name.equals(value.value()))
                {
                    return constant;
                }
                allowed.append(allowed.isEmpty() ? "" : ", ").append(name);
            }
            diagnostics.error(value.position(), what + " must be one of " + allowed + ", found '" + value.value() + "'", null);
            return fallback;
        }

        void controlPlane(final YamlNode node, final GatewayContext context)
        {
            final YamlMapping control = section(node, "control-plane", CONTROL_KEYS, List.of());
            if (control == null)
            {
                return;
            }
            if (control.has("channel"))
            {
                context.controlInboundChannel(YamlChecks.string(control.get("channel"), "control-plane.channel", diagnostics));
            }
            if (control.has("stream"))
            {
                final Long stream = YamlChecks.integer(control.get("stream"), "control-plane.stream", 1, Integer.MAX_VALUE, diagnostics);
                if (stream != null)
                {
                    context.controlInboundStreamId(stream.intValue());
                }
            }
            if (control.has("push-channel"))
            {
                context.policyPushChannel(
                    YamlChecks.string(control.get("push-channel"), "control-plane.push-channel", diagnostics));
            }
            if (control.has("push-stream"))
            {
                final Long stream = YamlChecks.integer(
                    control.get("push-stream"), "control-plane.push-stream", 1, Integer.MAX_VALUE, diagnostics);
                if (stream != null)
                {
                    context.policyPushStreamId(stream.intValue());
                }
            }
        }

        void anonymization(final YamlNode node, final GatewayContext context)
        {
            final YamlMapping anonymization = section(node, "anonymization", ANONYMIZATION_KEYS, List.of());
            if (anonymization != null && anonymization.has("key-file"))
            {
                context.anonymizationKeyFile(readableFile(anonymization.get("key-file"), "anonymization.key-file"));
            }
            if (anonymization != null && anonymization.has("key-dir"))
            {
                // Region-scoped keys: the gateway reads only <key-dir>/<its region>/<epoch id>.key.
                final YamlNode keyDir = anonymization.get("key-dir");
                final Path directory = path(keyDir, "anonymization.key-dir");
                if (directory != null && !Files.isDirectory(directory))
                {
                    diagnostics.error(keyDir.position(), "anonymization.key-dir: '" + directory + "' is not a directory",
                        "create it and provision the region's keys as <key-dir>/<region>/<epoch id>.key, mode 600");
                }
                context.anonymizationKeyDirectory(directory);
            }
        }

        private YamlMapping section(
            final YamlNode node, final String name, final List<String> keys, final List<String> required)
        {
            if (node == null)
            {
                return null;
            }
            final YamlMapping mapping = YamlChecks.mapping(node, name, diagnostics);
            if (mapping != null)
            {
                YamlChecks.checkKeys(mapping, name, keys, required, diagnostics);
            }
            return mapping;
        }

        private String optionalString(final YamlMapping mapping, final String key, final String what)
        {
            return mapping.has(key) ? YamlChecks.string(mapping.get(key), what, diagnostics) : null;
        }

        Path path(final YamlNode node, final String what)
        {
            final String text = YamlChecks.string(node, what, diagnostics);
            return text == null ? null : baseDirectory.resolve(text).normalize();
        }

        Path readableFile(final YamlNode node, final String what)
        {
            final Path file = path(node, what);
            // A directory is "readable" too, but the gateway would only fail on it later, without a position.
            if (file != null && (!Files.isRegularFile(file) || !Files.isReadable(file)))
            {
                diagnostics.error(node.position(), what + ": cannot read '" + file + "'",
                    !Files.exists(file) ? "no such file" : Files.isRegularFile(file) ? "check its permissions" : "not a file");
            }
            return file;
        }
    }
}
