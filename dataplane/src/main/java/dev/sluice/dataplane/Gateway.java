package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.GatewayConductor;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.CounterTypes;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.pipeline.GatewayWorker;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.source.PacketSources;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway process's dataplane: a worker that carries packets from its source to the
 * destination regions, and a conductor that talks to the control plane. {@link #assemble}
 * builds everything without threads (tests drive {@code doWork()}); {@link #start()} runs the
 * agents on their own threads. Lifecycle methods are called from one thread.
 */
public final class Gateway implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final GatewayContext context;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final SourceCounters sourceCounters;
    private final FlowCounters flowCounters;
    private final List<DestinationStream> streams;
    private final PolicyHolder policyHolder = new PolicyHolder();
    private final GatewayWorker worker;
    private final GatewayConductor conductor;
    private final Subscription pushSubscription;
    private final Publication controlPublication;
    private final AtomicCounter errors;
    private AgentRunner workerRunner;
    private AgentRunner conductorRunner;

    private final PacketSources packetSources;

    private Gateway(final GatewayContext context, final PacketSources packetSources, final PacketSource source)
        throws IOException
    {
        this.packetSources = packetSources;
        this.context = context;
        ownsAeron = context.aeron() == null;
        final Aeron.Context aeronContext = new Aeron.Context();
        if (context.aeronDirectoryName() != null)
        {
            aeronContext.aeronDirectoryName(context.aeronDirectoryName());
        }
        aeron = ownsAeron ? Aeron.connect(aeronContext) : context.aeron();
        errors = aeron.addCounter(
            CounterTypes.GATEWAY_COUNTER_TYPE_ID,
            "sluice gateway " + context.gatewayId() + " errors");

        sourceCounters = new SourceCounters(aeron, source.name());
        flowCounters = new FlowCounters(aeron, "rx-0");

        streams = new ArrayList<>();
        final List<String> regions = new ArrayList<>();
        final DestinationCounters[] destinationCounters = new DestinationCounters[context.destinations().size()];
        for (final GatewayContext.Destination destination : context.destinations())
        {
            final int index = streams.size();
            final ExclusivePublication publication =
                aeron.addExclusivePublication(destination.channel(), destination.streamId());
            final StreamSequence sequence = StreamSequence.open(
                context.stateDirectory().resolve("stream-" + context.gatewayId() + "-" + destination.region() + ".seq"),
                StreamSequence.RESERVATION_BLOCK_DEFAULT);
            destinationCounters[index] = new DestinationCounters(aeron, destination.region());
            streams.add(new DestinationStream(index, destination.region(), publication, sequence, destinationCounters[index]));
            regions.add(destination.region());
        }

        final CryptoPan cryptoPan = context.anonymizationKeyFile() == null ?
            null : CryptoPan.fromKeyFile(context.anonymizationKeyFile());
        final AnonymizeStage anonymize = new AnonymizeStage(cryptoPan);
        final BatchEgress egress = new BatchEgress(
            streams,
            context.gatewayId(),
            context.site(),
            context.region(),
            context.notConnectedTimeoutNs(),
            new SystemEpochNanoClock());
        final PacketBurst burst = new PacketBurst(context.burstCapacity(), streams.size());
        worker = new GatewayWorker(
            "rx-0",
            source,
            burst,
            new PacketDecoder(),
            new ClassifyStage(),
            new ReduceStage(flowCounters, destinationCounters, cryptoPan, burst.capacity()),
            anonymize,
            new ResidencyStage(destinationCounters, burst.capacity()),
            egress,
            policyHolder,
            sourceCounters,
            new SystemNanoClock());

        pushSubscription = aeron.addSubscription(context.policyPushChannel(), context.policyPushStreamId());
        controlPublication = aeron.addPublication(context.controlInboundChannel(), context.controlInboundStreamId());
        conductor = new GatewayConductor(
            context.gatewayId(),
            context.site(),
            context.region(),
            pushSubscription,
            controlPublication,
            policyHolder,
            new PolicyInstaller(context.region(), regions, anonymize.canTransform()),
            new SystemEpochClock(),
            context.helloIntervalMs());

        if (context.bootstrapPolicyFile() != null)
        {
            applyBootstrapPolicy();
        }
    }

    private void applyBootstrapPolicy()
    {
        final String document;
        try
        {
            document = Files.readString(context.bootstrapPolicyFile(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read policy file " + context.bootstrapPolicyFile(), ex);
        }
        final List<String> problems = conductor.applyLocal(0, context.bootstrapPolicyFile().toString(), document);
        if (!problems.isEmpty())
        {
            throw new IllegalStateException("the bootstrap policy is invalid:\n" + String.join("\n", problems));
        }
    }

    /** Builds every component from a concluded (or concludable) context, without starting threads. */
    public static Gateway assemble(final GatewayContext context) throws IOException
    {
        if (!context.isConcluded())
        {
            context.conclude();
        }
        final PacketSources packetSources = context.packetSources();
        if (packetSources.workerCount() != 1)
        {
            packetSources.close();
            throw new IllegalArgumentException("source: " + packetSources.describe() + " asks for " +
                packetSources.workerCount() + " workers; this gateway runs one");
        }
        PacketSource source = null;
        try
        {
            source = packetSources.open(0);
            return new Gateway(context, packetSources, source);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.closeAll(source, packetSources);
            throw ex;
        }
    }

    /** Runs the worker and the conductor on their own threads. */
    public Gateway start()
    {
        final ErrorHandler errorHandler = this::onError;
        workerRunner = new AgentRunner(context.workerIdleStrategy().get(), errorHandler, null, worker);
        conductorRunner = new AgentRunner(context.conductorIdleStrategy().get(), errorHandler, null, conductor);
        AgentRunner.startOnThread(conductorRunner);
        AgentRunner.startOnThread(workerRunner);
        return this;
    }

    private void onError(final Throwable throwable)
    {
        errors.increment();
        LOG.log(System.Logger.Level.ERROR, "gateway " + context.gatewayId() + " agent error", throwable);
    }

    public GatewayContext context()
    {
        return context;
    }

    public GatewayWorker worker()
    {
        return worker;
    }

    public GatewayConductor conductor()
    {
        return conductor;
    }

    public PolicyHolder policyHolder()
    {
        return policyHolder;
    }

    public SourceCounters.Snapshot sourceSnapshot()
    {
        return sourceCounters.snapshot();
    }

    /** The worker's flow aggregation counters. Any thread. */
    public FlowCounters.Snapshot flowSnapshot()
    {
        return flowCounters.snapshot();
    }

    public List<DestinationCounters.Snapshot> destinationSnapshots()
    {
        final List<DestinationCounters.Snapshot> snapshots = new ArrayList<>(streams.size());
        for (final DestinationStream stream : streams)
        {
            snapshots.add(stream.counters().snapshot());
        }
        return snapshots;
    }

    public long errorCount()
    {
        return errors.get();
    }

    @Override
    public void close()
    {
        if (workerRunner != null)
        {
            CloseHelper.closeAll(workerRunner, conductorRunner);
        }
        else
        {
            worker.onClose();
        }
        CloseHelper.closeAll(streams);
        packetSources.close();
        CloseHelper.closeAll(pushSubscription, controlPublication, sourceCounters, flowCounters, errors);
        if (ownsAeron)
        {
            aeron.close();
        }
    }
}
