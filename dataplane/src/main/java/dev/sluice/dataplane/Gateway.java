package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.KeyCustodian;
import dev.sluice.dataplane.anonymize.keys.KeyDirectory;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.GatewayConductor;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.CounterTypes;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.egress.StreamSpool;
import dev.sluice.dataplane.pipeline.EventWorker;
import dev.sluice.dataplane.pipeline.GatewayWorker;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.source.PacketSources;
import dev.sluice.dataplane.source.event.EventIngest;
import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.protocol.accounting.CountersFileAgent;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway process's dataplane: N shared-nothing workers, one per {@link PacketSource} the
 * configured {@link PacketSources} opens, each carrying its packets from its source to the
 * destination regions on a stream of its own, and a conductor that talks to the control plane.
 * Workers share only the policy holder (read once per burst), so a new policy takes effect
 * between bursts on each worker. Counters are per worker; the snapshot methods add them up.
 * {@link #assemble} builds everything without threads (tests drive {@code doWork()});
 * {@link #start()} runs each agent on a thread of its own. Lifecycle methods are called from one
 * thread; the snapshot methods and {@link #isDrained()} from any.
 */
public final class Gateway implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    /** Worker i's role name (and thread name) is this prefix and i. */
    public static final String WORKER_ROLE_PREFIX = "rx-";

    private final GatewayContext context;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final PolicyHolder policyHolder = new PolicyHolder();
    private final List<WorkerParts> workers;
    private final List<String> regions;
    private final GatewayConductor conductor;
    private final Subscription pushSubscription;
    private final Publication controlPublication;
    private final AtomicCounter errors;
    private final AtomicCounter pinFailures;
    private final AtomicCounter keyEpochSwitches;
    private final KeyCustodian keys;
    private final ClassDecisionCounters classDecisions;
    private final List<AgentRunner> workerRunners = new ArrayList<>();
    /** What assembly has made so far; emptied once the gateway is whole. */
    private final List<AutoCloseable> built = new ArrayList<>();
    private AgentRunner conductorRunner;
    private final GatewayCountersFile countersFile;

    private final PacketSources packetSources;
    /** The event path, or null when the gateway has no ingest listeners. */
    private final GatewayEvents events;
    private AgentRunner eventRunner;

    /** What one worker owns besides its agent: counters and streams, closed with the gateway. */
    private record WorkerParts(
        GatewayWorker worker,
        SourceCounters sourceCounters,
        FlowCounters flowCounters,
        List<DestinationStream> streams)
    {
        WorkerSnapshot snapshot()
        {
            final List<DestinationCounters.Snapshot> destinations = new ArrayList<>(streams.size());
            for (final DestinationStream stream : streams)
            {
                destinations.add(stream.counters().snapshot());
            }
            return new WorkerSnapshot(
                worker.roleName(), sourceCounters.snapshot(), flowCounters.snapshot(), destinations);
        }
    }

    /**
     * One worker's counters at one moment, for per-worker display.
     *
     * @param roleName     the worker's role name, {@code rx-<index>}
     * @param source       its source's outcomes
     * @param flows        its flow table's outcomes
     * @param destinations its streams' outcomes, in the order of the configured destinations
     */
    public record WorkerSnapshot(
        String roleName,
        SourceCounters.Snapshot source,
        FlowCounters.Snapshot flows,
        List<DestinationCounters.Snapshot> destinations)
    {
    }

    private Gateway(final GatewayContext context, final PacketSources packetSources, final List<PacketSource> sources)
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
        if (ownsAeron)
        {
            built.add(aeron);
        }
        try
        {
            errors = built(aeron.addCounter(
                CounterTypes.GATEWAY_COUNTER_TYPE_ID,
                "sluice gateway " + context.gatewayId() + " errors"));
            pinFailures = built(aeron.addCounter(
                CounterTypes.GATEWAY_COUNTER_TYPE_ID,
                "sluice gateway " + context.gatewayId() + " cpu_pin_failures"));
            keyEpochSwitches = built(aeron.addCounter(
                CounterTypes.GATEWAY_COUNTER_TYPE_ID,
                "sluice gateway " + context.gatewayId() + " key_epoch_switches"));
            // Packet workers take slots 0..n-1 of every key ring, the event worker the next one.
            keys = built(new KeyCustodian(
                context.region(),
                context.anonymizationKeyDirectory() == null ?
                    null : new KeyDirectory(context.anonymizationKeyDirectory(), context.region()),
                context.anonymizationKeyFile(),
                sources.size() + (context.eventIngest() == null ? 0 : 1),
                CryptoPan.DEFAULT_CACHE_SLOTS,
                context.keyClock(),
                keyEpochSwitches));

            regions = new ArrayList<>();
            for (final GatewayContext.Destination destination : context.destinations())
            {
                regions.add(destination.region());
            }
            classDecisions = built(new ClassDecisionCounters(aeron::addCounter, regions));

            workers = new ArrayList<>(sources.size());
            for (int index = 0; index < sources.size(); index++)
            {
                final WorkerParts parts = newWorker(index, sources.get(index));
                workers.add(parts);
                if (!context.workerCpus().isEmpty())
                {
                    parts.worker().pinTo(context.workerCpus().get(index), pinFailures);
                }
            }
            events = context.eventIngest() == null ? null : built(new GatewayEvents(
                context, aeron, policyHolder, new WorkerKeys(sources.size(), context.keyClock()), this::openSpool));

            pushSubscription = built(aeron.addSubscription(context.policyPushChannel(), context.policyPushStreamId()));
            controlPublication = built(aeron.addPublication(context.controlInboundChannel(), context.controlInboundStreamId()));
            conductor = new GatewayConductor(
                context.gatewayId(),
                context.site(),
                context.region(),
                pushSubscription,
                controlPublication,
                policyHolder,
                new PolicyInstaller(context.region(), regions, keys).countClassesIn(classDecisions),
                new SystemEpochClock(),
                context.helloIntervalMs());

            Files.createDirectories(context.stateDirectory());
            countersFile = new GatewayCountersFile(
                this, context.stateDirectory().resolve(CountersFile.GATEWAY_FILE_NAME), new SystemEpochClock());

            if (context.bootstrapPolicyFile() != null)
            {
                applyBootstrapPolicy();
            }
            if (events != null)
            {
                events.startIngest();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Nothing runs yet: give back what was made, newest first (the sources are the caller's).
            CloseHelper.closeAll(built.reversed());
            throw ex;
        }
        built.clear();
    }

    /** Remembers a resource made during assembly, to close it should assembly fail later. */
    private <T extends AutoCloseable> T built(final T resource)
    {
        built.add(resource);
        return resource;
    }

    /**
     * Worker {@code index}'s stages, counters and streams: nothing shared with another worker but
     * the policy holder. Each stream gets its own exclusive publication (an image of its own at the
     * core) and its own sequence file.
     */
    private WorkerParts newWorker(final int index, final PacketSource source) throws IOException
    {
        final String roleName = WORKER_ROLE_PREFIX + index;
        final SourceCounters sourceCounters = built(new SourceCounters(aeron::addCounter, source.name(), roleName));
        final FlowCounters flowCounters = built(new FlowCounters(aeron, roleName));
        final List<DestinationStream> streams = new ArrayList<>();
        final DestinationCounters[] destinationCounters = new DestinationCounters[context.destinations().size()];
        for (final GatewayContext.Destination destination : context.destinations())
        {
            final int streamIndex = streams.size();
            final ExclusivePublication publication =
                built(aeron.addExclusivePublication(destination.channel(), destination.streamId()));
            final StreamSequence sequence = built(StreamSequence.open(
                context.stateDirectory().resolve(sequenceFileName(context.gatewayId(), destination.region(), index)),
                StreamSequence.RESERVATION_BLOCK_DEFAULT));
            destinationCounters[streamIndex] =
                built(new DestinationCounters(aeron::addCounter, destination.region(), roleName));
            final DestinationStream stream = new DestinationStream(
                streamIndex, destination.region(), publication, sequence, destinationCounters[streamIndex]);
            if (destination.spool().enabled())
            {
                stream.spool(built(openSpool(destination, index, publication)));
            }
            streams.add(stream);
        }

        // Crypto-PAn keeps caches and a cipher: each worker has instances of its own per key epoch.
        final WorkerKeys workerKeys = new WorkerKeys(index, context.keyClock());
        final BatchEgress egress = new BatchEgress(
            streams,
            context.gatewayId(),
            context.site(),
            context.region(),
            index,
            context.notConnectedTimeoutNs(),
            // Not SystemEpochNanoClock: its Instant per batch is only removed while the JIT's escape analysis holds.
            new OffsetEpochNanoClock());
        final PacketBurst burst = new PacketBurst(context.burstCapacity(), streams.size());
        final GatewayWorker worker = new GatewayWorker(
            roleName,
            source,
            burst,
            new PacketDecoder(),
            new ClassifyStage(),
            new ReduceStage(flowCounters, destinationCounters, burst.capacity(), workerKeys),
            AnonymizeStage.withKeys(workerKeys),
            new ResidencyStage(destinationCounters, burst.capacity()),
            egress,
            policyHolder,
            sourceCounters,
            new SystemNanoClock(),
            workerKeys);
        return new WorkerParts(worker, sourceCounters, flowCounters, streams);
    }

    /**
     * Opens (recovering after a crash) the spool of worker {@code workerIndex}'s stream to a
     * destination, in {@code <spool-dir>/<region>/<worker>/}, with the subscription to that
     * destination's acknowledgements.
     */
    StreamSpool openSpool(
        final GatewayContext.Destination destination, final int workerIndex, final ExclusivePublication publication)
    {
        final GatewayContext.SpoolSettings settings = destination.spool();
        final Spool spool = Spool.open(new SpoolConfig()
            .directory(context.spoolDirectory().resolve(destination.region()).resolve(Integer.toString(workerIndex)))
            .maxBytes(settings.maxBytes())
            .segmentLength(settings.segmentLength())
            .overflowRule(settings.overflowRule())
            .fsyncPolicy(settings.fsyncPolicy())
            .fsyncIntervalNs(settings.fsyncIntervalNs()));
        try
        {
            final Subscription acks = aeron.addSubscription(destination.resolvedAckChannel(), destination.ackStreamId());
            return new StreamSpool(spool, acks, context.gatewayId(), destination.region(), workerIndex,
                publication.maxPayloadLength(), context.replayTimeoutNs());
        }
        catch (final RuntimeException ex)
        {
            spool.close();
            throw ex;
        }
    }

    /**
     * The sequence file of worker {@code workerIndex}'s stream to {@code region}. Worker 0 keeps
     * the name the single-worker gateway used, so an upgraded gateway continues its stream.
     */
    public static String sequenceFileName(final String gatewayId, final String region, final int workerIndex)
    {
        return "stream-" + gatewayId + "-" + region + (workerIndex == 0 ? "" : "-" + WORKER_ROLE_PREFIX + workerIndex) +
            ".seq";
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
        final int workerCount = packetSources == null ? 0 : packetSources.workerCount();
        if (!context.workerCpus().isEmpty() && context.workerCpus().size() != workerCount)
        {
            CloseHelper.close(packetSources);
            throw new IllegalArgumentException("workers.cpus lists " + context.workerCpus().size() + " CPUs but source " +
                (packetSources == null ? "(none)" : packetSources.describe()) + " runs " + workerCount +
                " workers: list one CPU per worker, or none");
        }
        final List<PacketSource> sources = new ArrayList<>(workerCount);
        try
        {
            for (int index = 0; index < workerCount; index++)
            {
                sources.add(packetSources.open(index));
            }
            return new Gateway(context, packetSources, sources);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.closeAll(sources);
            CloseHelper.close(packetSources);
            throw ex;
        }
    }

    /**
     * Runs each worker and the conductor on threads of their own, named by role; the conductor's
     * thread also writes the counters file every second.
     */
    public Gateway start()
    {
        final ErrorHandler errorHandler = this::onError;
        conductorRunner = new AgentRunner(context.conductorIdleStrategy().get(), errorHandler, null, new CompositeAgent(
            conductor, new CountersFileAgent("counters-file", countersFile, new SystemEpochClock(), errorHandler)));
        for (final WorkerParts parts : workers)
        {
            workerRunners.add(new AgentRunner(context.workerIdleStrategy().get(), errorHandler, null, parts.worker()));
        }
        AgentRunner.startOnThread(conductorRunner);
        for (final AgentRunner runner : workerRunners)
        {
            AgentRunner.startOnThread(runner);
        }
        if (events != null)
        {
            eventRunner = new AgentRunner(context.workerIdleStrategy().get(), errorHandler, null, events.worker());
            AgentRunner.startOnThread(eventRunner);
        }
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

    /** Number of workers, one per source. */
    public int workerCount()
    {
        return workers.size();
    }

    /** Worker 0; a single-worker gateway's only worker. */
    public GatewayWorker worker()
    {
        return worker(0);
    }

    public GatewayWorker worker(final int index)
    {
        return workers.get(index).worker();
    }

    /** True once every worker has drained its (finite) source and sent its last burst. Any thread. */
    /**
     * Worker {@code workerIndex}'s stream to destination {@code destinationIndex} (its spool, its
     * publication), for tests and diagnostics; owned by that worker's thread.
     */
    public DestinationStream stream(final int workerIndex, final int destinationIndex)
    {
        return workers.get(workerIndex).streams().get(destinationIndex);
    }

    public boolean isDrained()
    {
        for (final WorkerParts parts : workers)
        {
            if (!parts.worker().isDrained())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The counters file {@code sluice reconcile} reads; {@link #start()} writes it every second and
     * {@link #close()} once more, and a test driving the gateway by hand may write it itself.
     */
    public GatewayCountersFile countersFile()
    {
        return countersFile;
    }

    public GatewayConductor conductor()
    {
        return conductor;
    }

    public PolicyHolder policyHolder()
    {
        return policyHolder;
    }

    /** True when the gateway runs the event path (it has ingest listeners). */
    public boolean hasEvents()
    {
        return events != null;
    }

    /** The event worker; tests drive it with {@code doWork()} on an assembled gateway. */
    public EventWorker eventWorker()
    {
        return requireEvents().worker();
    }

    /** The running ingest listeners (ports, transport, per-listener counters). */
    public EventIngest eventIngest()
    {
        return requireEvents().ingest();
    }

    /** The event worker's outcomes. Any thread. */
    public EventCounters.Snapshot eventSnapshot()
    {
        return requireEvents().counters().snapshot();
    }

    /** The event worker's stream to each destination, in configured order; empty without events. */
    public List<DestinationStream> eventStreams()
    {
        return events == null ? List.of() : events.streams();
    }

    /** Per destination region, in configured order, what became of the forwarded events. Any thread. */
    public List<EventDestinationCounters.Snapshot> eventDestinationSnapshots()
    {
        final List<EventDestinationCounters.Snapshot> snapshots = new ArrayList<>();
        for (final EventDestinationCounters counters : requireEvents().destinationCounters())
        {
            snapshots.add(counters.snapshot());
        }
        return snapshots;
    }

    /** The last messages the event worker rejected, for operators. Any thread. */
    public List<RejectSamples.Sample> eventRejectSamples()
    {
        return requireEvents().rejects().samples();
    }

    private GatewayEvents requireEvents()
    {
        if (events == null)
        {
            throw new IllegalStateException("gateway " + context.gatewayId() + " has no event listeners (ingest section)");
        }
        return events;
    }

    /** Every worker's source outcomes added up, named after the sources as configured. Any thread. */
    public SourceCounters.Snapshot sourceSnapshot()
    {
        if (workers.size() == 1)
        {
            return workers.getFirst().sourceCounters().snapshot();
        }
        final List<SourceCounters.Snapshot> snapshots = new ArrayList<>(workers.size());
        for (final WorkerParts parts : workers)
        {
            snapshots.add(parts.sourceCounters().snapshot());
        }
        return SourceCounters.Snapshot.sum(packetSources == null ? "(no packet source)" : packetSources.describe(), snapshots);
    }

    /** Every worker's flow aggregation counters added up. Any thread. */
    public FlowCounters.Snapshot flowSnapshot()
    {
        if (workers.size() == 1)
        {
            return workers.getFirst().flowCounters().snapshot();
        }
        final List<FlowCounters.Snapshot> snapshots = new ArrayList<>(workers.size());
        for (final WorkerParts parts : workers)
        {
            snapshots.add(parts.flowCounters().snapshot());
        }
        return FlowCounters.Snapshot.sum(workerNames(), snapshots);
    }

    /** Per destination region, in configured order, every worker's stream counters added up. Any thread. */
    public List<DestinationCounters.Snapshot> destinationSnapshots()
    {
        final List<DestinationCounters.Snapshot> sums = new ArrayList<>(regions.size());
        for (int destination = 0; destination < regions.size(); destination++)
        {
            final List<DestinationCounters.Snapshot> snapshots = new ArrayList<>(workers.size());
            for (final WorkerParts parts : workers)
            {
                snapshots.add(parts.streams().get(destination).counters().snapshot());
            }
            sums.add(snapshots.size() == 1 ? snapshots.getFirst() :
                DestinationCounters.Snapshot.sum(regions.get(destination), snapshots));
        }
        return sums;
    }

    /** Residency decisions per data class and destination, over every worker and the event path. Any thread. */
    public List<ClassDecisionCounters.Snapshot> classDecisionSnapshots()
    {
        return classDecisions.snapshot();
    }

    /** Each worker's own counters, in worker order. Any thread. */
    public List<WorkerSnapshot> workerSnapshots()
    {
        final List<WorkerSnapshot> snapshots = new ArrayList<>(workers.size());
        for (final WorkerParts parts : workers)
        {
            snapshots.add(parts.snapshot());
        }
        return snapshots;
    }

    private String workerNames()
    {
        return WORKER_ROLE_PREFIX + "0.." + WORKER_ROLE_PREFIX + (workers.size() - 1);
    }

    public long errorCount()
    {
        return errors.get();
    }

    /** Key epoch switches noticed by the conductor (the {@code key_epoch_switches} counter). Any thread. */
    public long keyEpochSwitches()
    {
        return keyEpochSwitches.get();
    }

    /** Workers whose thread could not be pinned to its CPU (each logged a warning). Any thread. */
    public long cpuPinFailures()
    {
        return pinFailures.get();
    }

    /** Every worker has stopped: the counters are final, and the file says the gateway stopped cleanly. */
    private void writeFinalCounters()
    {
        try
        {
            countersFile.write(true);
        }
        catch (final IOException | RuntimeException ex)
        {
            onError(ex);
        }
    }

    @Override
    public void close()
    {
        if (events != null)
        {
            // New messages stop first, then a worker waiting on a destination inside a read gives up.
            events.stopIngest();
            events.worker().stopWaiting();
        }
        if (conductorRunner != null)
        {
            CloseHelper.closeAll(workerRunners);
            CloseHelper.close(eventRunner);
            CloseHelper.close(conductorRunner);
        }
        else
        {
            for (final WorkerParts parts : workers)
            {
                parts.worker().onClose();
            }
            if (events != null)
            {
                events.worker().onClose();
            }
        }
        CloseHelper.close(events);
        writeFinalCounters();
        for (final WorkerParts parts : workers)
        {
            CloseHelper.closeAll(parts.streams());
        }
        CloseHelper.close(packetSources);
        for (final WorkerParts parts : workers)
        {
            CloseHelper.closeAll(parts.sourceCounters(), parts.flowCounters());
        }
        CloseHelper.closeAll(pushSubscription, controlPublication, errors, pinFailures, keyEpochSwitches, keys, classDecisions);
        if (ownsAeron)
        {
            aeron.close();
        }
    }
}
