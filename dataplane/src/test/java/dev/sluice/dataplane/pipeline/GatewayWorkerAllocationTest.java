package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.egress.StreamSpool;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolConfig;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole worker duty cycle allocates nothing in steady state: source → decode → classify →
 * reduce (the server side of HTTP aggregated into flows in a table of 4, so flows are evicted
 * and flow records sent all along) → anonymize (Crypto-PAn to us-east) → residency → SBE
 * egress of packet summaries and flow records into two Aeron IPC publications,
 * over a real capture replayed again and again, with both subscriptions drained on the same
 * thread by a handler that allocates nothing either. The worker is the second of a gateway's
 * workers ({@code rx-1}, counters labelled so, batches carrying worker index 1), as with several
 * workers.
 */
class GatewayWorkerAllocationTest
{
    private static final long MIN_WARM_UP_PACKETS = 400_000;
    private static final long MAX_WARM_UP_PACKETS = 6_000_000;
    private static final long WARM_UP_ROUND_PACKETS = 100_000;
    private static final int QUIET_ROUNDS = 3;
    /** Small, so that the measured run also reserves sequence blocks (rewriting the sequence file) several times. */
    private static final long RESERVATION_BLOCK = 1_024;
    private static final long MEASURED_PACKETS = 200_000;
    private static final int SPOOL_SEGMENT_LENGTH = 256 * 1024 * 1024;
    private static final int MEASURED_WINDOWS = 5;

    private static volatile byte[] sink;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /**
     * @param spooled each destination stream with a spool (the gateway's default): batches are encoded
     *                into the spool's scratch buffer, appended, sent from the spool's cursor and
     *                acknowledged (as the core would, here by the duty cycle) so segments are trimmed.
     *                Segments are large enough that none is created while measuring: creating one
     *                (a file, a mapping) allocates, once per segment, never per item.
     */
    @ParameterizedTest(name = "spooled={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void steadyStateDutyCycleAllocatesNothing(final boolean spooled, @TempDir final Path directory) throws IOException
    {
        final List<AutoCloseable> resources = new ArrayList<>();
        try (TestMediaDriver media = new TestMediaDriver())
        {
            final CaptureFileSource source = CaptureFileSource.open(SharedData.pcap("zeek/http_bro.org.pcap"));
            resources.add(source);
            final SourceCounters sourceCounters = new SourceCounters(media.aeron::addCounter, source.name(), "rx-1");
            resources.add(sourceCounters);
            final FlowCounters flowCounters = new FlowCounters(media.aeron, "rx-1");
            resources.add(flowCounters);
            final List<DestinationStream> streams = new ArrayList<>();
            final List<Subscription> subscriptions = new ArrayList<>();
            final List<String> regions = List.of("eu-west", "us-east");
            for (int d = 0; d < regions.size(); d++)
            {
                final Subscription subscription = media.aeron.addSubscription("aeron:ipc", 1001 + d);
                subscriptions.add(subscription);
                resources.add(subscription);
                final DestinationStream stream = new DestinationStream(
                    d,
                    regions.get(d),
                    media.aeron.addExclusivePublication("aeron:ipc", 1001 + d),
                    StreamSequence.open(directory.resolve(regions.get(d) + ".seq"), RESERVATION_BLOCK),
                    new DestinationCounters(media.aeron::addCounter, regions.get(d), "rx-1"));
                if (spooled)
                {
                    stream.spool(new StreamSpool(
                        Spool.open(new SpoolConfig()
                            .directory(directory.resolve("spool-" + regions.get(d)))
                            .segmentLength(SPOOL_SEGMENT_LENGTH)
                            .maxBytes(4L * SPOOL_SEGMENT_LENGTH)
                            .fsyncPolicy(FsyncPolicy.NEVER)),
                        null, "gw-paris-1", regions.get(d), 1, stream.publication().maxPayloadLength(),
                        TimeUnit.SECONDS.toNanos(5)));
                }
                streams.add(stream);
                resources.add(stream);
                TestMediaDriver.until(stream.publication()::isConnected, () -> {}, "publication connected");
            }

            final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
            for (int i = 0; i < key.length; i++)
            {
                key[i] = (byte)(i * 7 + 3);
            }
            final PolicyHolder holder = new PolicyHolder();
            final String policy = TestPolicies.resource("edge-demo-policy.yaml")
                .replace("  - name: web\n", "  - name: from-web-servers\n    when: tcp.srcport == 80\n    then: aggregate flows\n" +
                    "  - name: web-per-client\n    when: tcp.dstport == 443\n    then: [rate-limit 1000/s by ip.src, tag pii.ip]\n" +
                    "  - name: dns-home-only\n    when: udp.port == 53\n    then: route eu-west\n  - name: web\n")
                .replace("\nresidency:", "\nflows:\n  max-flows: 4\n\nresidency:");
            // Decisions counted per data class too, as a gateway does.
            final ClassDecisionCounters classDecisions = new ClassDecisionCounters(media.aeron::addCounter, regions);
            holder.apply(new PolicyInstaller("eu-west", regions, true).countClassesIn(classDecisions)
                .build(1, TestPolicies.parse(policy)).snapshot());
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, regions.size());
            final BatchEgress egress = new BatchEgress(
                streams, "gw-paris-1", "paris-1", "eu-west", 1, TimeUnit.SECONDS.toNanos(5), new OffsetEpochNanoClock());
            final GatewayWorker worker = new GatewayWorker(
                "rx-1",
                source,
                burst,
                new PacketDecoder(),
                new ClassifyStage(),
                new ReduceStage(
                    flowCounters,
                    new DestinationCounters[]{streams.get(0).counters(), streams.get(1).counters()},
                    new CryptoPan(key),
                    burst.capacity()),
                new AnonymizeStage(new CryptoPan(key)),
                new ResidencyStage(
                    new DestinationCounters[]{streams.get(0).counters(), streams.get(1).counters()}, burst.capacity()),
                egress,
                holder,
                sourceCounters,
                new SystemNanoClock());
            final CountingHandler handler = new CountingHandler();
            final Subscription euWest = subscriptions.get(0);
            final Subscription usEast = subscriptions.get(1);
            final DutyCycle cycle = new DutyCycle(worker, source, euWest, usEast, handler, streams);

            // Warm up until the JIT has settled: while the hot path is still being (re)compiled, the
            // thread picks up a few hundred bytes at its safepoint polls that no bytecode of the path
            // allocates (seen with JFR as String objects attributed to loop back-edges and method
            // entries), which a longer run does not repeat.
            final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
            long warmedUp = 0;
            int quietRounds = 0;
            while (warmedUp < MIN_WARM_UP_PACKETS || (quietRounds < QUIET_ROUNDS && warmedUp < MAX_WARM_UP_PACKETS))
            {
                final long compilationMsBefore = compiler.getTotalCompilationTime();
                warmedUp += cycle.run(WARM_UP_ROUND_PACKETS);
                quietRounds = compiler.getTotalCompilationTime() == compilationMsBefore ? quietRounds + 1 : 0;
            }

            // The probe itself must cost nothing and must see an allocation when there is one.
            final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
            final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
            final long probeBefore = threads.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");

            // A per-packet allocation shows in every window; a one-off by the JIT finishing a compilation
            // does not repeat, so the duty cycle passes when one of a few consecutive windows is clean.
            final long batchesBefore = handler.fragments;
            final long flowRecordsBefore = streams.get(1).counters().snapshot().flowRecordsSent();
            final List<Long> allocatedPerWindow = new ArrayList<>();
            long packets = 0;
            long allocatedBytes = -1;
            for (int window = 0; window < MEASURED_WINDOWS && allocatedBytes != 0; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                packets += cycle.run(MEASURED_PACKETS);
                allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);
                allocatedPerWindow.add(allocatedBytes);
            }

            final SourceCounters.Snapshot counters = sourceCounters.snapshot();
            System.out.println("allocation: " + allocatedBytes + " bytes over " + packets + " packets (" +
                (handler.fragments - batchesBefore) + " batches received, bytes per window " + allocatedPerWindow +
                ") after " + warmedUp + " warm-up packets (" +
                quietRounds + " rounds without compilation); " +
                counters);
            assertTrue(packets >= MEASURED_PACKETS);
            assertTrue(spooled || handler.fragments - batchesBefore > 2 * RESERVATION_BLOCK,
                "sequence blocks were reserved while measuring");
            assertTrue(counters.forwarded() > 0 && handler.fragments - batchesBefore > 0, "the pipeline did its work");
            assertTrue(streams.get(1).counters().snapshot().flowRecordsSent() > flowRecordsBefore,
                "flow records were sent while measuring");
            assertTrue(flowCounters.snapshot().evictions() > 0);
            assertEquals(counters.received(), counters.forwarded() + counters.aggregated() + counters.filtered() +
                counters.sampledOut() + counters.dropped());
            assertEquals(0, allocatedBytes, "bytes allocated by the worker's duty cycle in each window of " +
                MEASURED_PACKETS + " packets: " + allocatedPerWindow);
        }
        finally
        {
            CloseHelper.closeAll(resources);
        }
    }

    /** Runs the worker and drains both destinations, rewinding the capture at its end. */
    private static final class DutyCycle
    {
        private final GatewayWorker worker;
        private final CaptureFileSource source;
        private final Subscription euWest;
        private final Subscription usEast;
        private final FragmentHandler handler;
        private final StreamSpool[] spools;

        DutyCycle(
            final GatewayWorker worker,
            final CaptureFileSource source,
            final Subscription euWest,
            final Subscription usEast,
            final FragmentHandler handler,
            final List<DestinationStream> streams)
        {
            this.spools = streams.stream().map(DestinationStream::spool).toArray(StreamSpool[]::new);
            this.worker = worker;
            this.source = source;
            this.euWest = euWest;
            this.usEast = usEast;
            this.handler = handler;
        }

        long run(final long packets)
        {
            long readBeforeRewind = 0;
            long read = 0;
            while (read < packets)
            {
                if (source.isExhausted())
                {
                    readBeforeRewind += source.packetsRead();
                    source.rewind();
                }
                worker.doWork();
                euWest.poll(handler, 64);
                usEast.poll(handler, 64);
                for (final StreamSpool spool : spools)
                {
                    if (spool != null)
                    {
                        // What was received is recorded: acknowledge it, as a core would.
                        spool.onAck(spool.sentSequence());
                    }
                }
                read = readBeforeRewind + source.packetsRead();
            }
            return read;
        }
    }

    /** Counts fragments and bytes; allocates nothing. */
    private static final class CountingHandler implements FragmentHandler
    {
        long fragments;
        long bytes;

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            fragments++;
            bytes += length;
        }
    }
}
