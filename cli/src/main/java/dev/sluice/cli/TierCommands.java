package dev.sluice.cli;

import dev.sluice.controlplane.ControlPlaneContext;
import dev.sluice.controlplane.ControlPlaneMain;
import dev.sluice.controlplane.ParserPolicyValidator;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayConfig;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.protocol.Channels;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCoreMain;
import dev.sluice.regional.sink.KafkaSinkConfig;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code sluice gateway|regional|controlplane}: runs one tier until SIGINT or SIGTERM, then
 * closes it cleanly (files flushed, sequences recorded). Main thread.
 */
final class TierCommands
{
    private static final System.Logger LOG = System.getLogger("sluice");

    private TierCommands()
    {
    }

    static int gateway(final Arguments arguments) throws Exception
    {
        final String configFile = arguments.option("config");
        if (configFile == null)
        {
            throw new Arguments.UsageException("gateway: --config FILE is required (example: config/gateway.yaml)");
        }
        final GatewayConfig config = GatewayConfig.load(Path.of(configFile));
        // The barrier is closed last: the JVM's shutdown waits for it, so the tier is closed cleanly first.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            EmbeddedDriver driver = EmbeddedDriver.connect(config.aeronDirectory());
            Gateway gateway = Gateway.assemble(config.context().aeron(driver.aeron())).start())
        {
            LOG.log(System.Logger.Level.INFO, "gateway " + gateway.context().gatewayId() + " running " +
                gateway.workerCount() + " packet worker(s)" + (gateway.hasEvents() ? " and an event worker listening on " +
                gateway.eventIngest().describeListeners() : "") + "; Ctrl-C to stop");
            barrier.await();
            // Logging is already shut down when a signal stops the process; say it directly.
            if (gateway.hasEvents())
            {
                printEvents(gateway);
            }
            final SourceCounters.Snapshot stopping = gateway.sourceSnapshot();
            if (gateway.workerCount() > 0)
            {
                System.err.println("sluice gateway stopping: " + stopping);
            }
            if (stopping.sourceDrops() > 0)
            {
                System.err.println("  source_drops " + stopping.sourceDrops() + ": lost by the kernel or NIC before the " +
                    "gateway received them (a full ring: raise block-count, add workers), not part of received");
            }
            if (gateway.workerCount() > 1)
            {
                for (final Gateway.WorkerSnapshot worker : gateway.workerSnapshots())
                {
                    System.err.println("  " + worker.roleName() + ": " + worker.source());
                }
            }
        }
        return 0;
    }

    /** The event path's accounting at stop: what was received, what became of it, where it went, what was rejected. */
    private static void printEvents(final Gateway gateway)
    {
        System.err.println("sluice gateway events: " + gateway.eventSnapshot());
        for (final EventDestinationCounters.Snapshot destination : gateway.eventDestinationSnapshots())
        {
            System.err.println("  to " + destination);
        }
        final List<RejectSamples.Sample> rejected = gateway.eventRejectSamples();
        if (!rejected.isEmpty())
        {
            System.err.println("  last rejected messages (" + rejected.size() + "):");
            for (final RejectSamples.Sample sample : rejected)
            {
                System.err.println("    " + sample);
            }
        }
    }

    static int regional(final Arguments arguments) throws Exception
    {
        final String region = arguments.option("region");
        if (region == null)
        {
            throw new Arguments.UsageException("regional: --region NAME is required (e.g. eu-west)");
        }
        final String kafka = arguments.option("kafka");
        final KafkaSinkConfig kafkaSink = null == kafka ? null : new KafkaSinkConfig()
            .bootstrapServers(kafka)
            .topicPrefix(arguments.option("kafka-topic-prefix", "sluice." + region));
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            EmbeddedDriver driver = EmbeddedDriver.connect(arguments.option("aeron-dir"));
            RegionalCoreMain core = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(driver.aeron())
                .regionName(region)
                .channel(arguments.option("channel", RegionalCoreContext.CHANNEL_DEFAULT))
                .streamId(arguments.intOption("stream", Channels.DATA_STREAM_ID_DEFAULT))
                .outputDir(Path.of(arguments.option("output", RegionalCoreContext.OUTPUT_DIR_DEFAULT)))
                .kafkaSink(kafkaSink)))
        {
            LOG.log(System.Logger.Level.INFO, "regional core " + region + " writing " + core.core().outputFile() +
                (null == kafkaSink ? "" : " and to Kafka at " + kafka + " (topics " + kafkaSink.topicPrefix() + ".*)") +
                "; Ctrl-C to stop");
            barrier.await();
        }
        return 0;
    }

    static int controlPlane(final Arguments arguments) throws Exception
    {
        final String store = arguments.option("store");
        if (store == null)
        {
            throw new Arguments.UsageException("controlplane: --store DIR is required (where policy versions are kept)");
        }
        final ControlPlaneContext context = new ControlPlaneContext()
            .policyStoreDir(Path.of(store))
            .policyValidator(new ParserPolicyValidator());
        if (arguments.option("policy") != null)
        {
            context.policyFile(Path.of(arguments.option("policy")));
        }
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            EmbeddedDriver driver = EmbeddedDriver.connect(arguments.option("aeron-dir"));
            ControlPlaneMain controlPlane = ControlPlaneMain.launch(context.aeron(driver.aeron())))
        {
            LOG.log(System.Logger.Level.INFO, "control plane listening on " + context.inboundChannel() +
                ", pushing on " + context.pushChannel() + "; Ctrl-C to stop");
            barrier.await();
        }
        return 0;
    }
}
