package dev.sluice.dataplane.slice;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.pipeline.GatewayWorker;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.policy.Policy;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
 * The worker duty cycle with payload actions allocates nothing in steady state: the demo policy
 * with web traffic cut to 64 payload bytes and everything else stripped, so that every forwarded
 * packet is planned by the slicer and sent as a frame to both destinations (raw to eu-west,
 * with Crypto-PAn addresses rewritten in the bytes to us-east) next to its summary, over a real
 * capture replayed again and again.
 */
class PayloadActionAllocationTest
{
    private static final long MIN_WARM_UP_PACKETS = 400_000;
    private static final long MAX_WARM_UP_PACKETS = 6_000_000;
    private static final long WARM_UP_ROUND_PACKETS = 100_000;
    private static final int QUIET_ROUNDS = 3;
    /** Small, so that the measured run also reserves sequence blocks (rewriting the sequence file) several times. */
    private static final long RESERVATION_BLOCK = 1_024;
    private static final long MEASURED_PACKETS = 200_000;
    private static final int MEASURED_WINDOWS = 5;

    private static final Policy CUTTING_POLICY = TestPolicies.parse(TestPolicies.resource("edge-demo-policy.yaml")
        .replace("""
              - name: web
                when: tcp.port in {80, 443}
                then: keep
            """, """
              - name: web
                when: tcp.port in {80, 443}
                then: [keep, truncate payload 64]
              - name: headers-only
                when: true
                then: strip payload
            """));

    private static volatile byte[] sink;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void steadyStateDutyCycleAllocatesNothing(@TempDir final Path directory) throws IOException
    {
        final List<AutoCloseable> resources = new ArrayList<>();
        try (TestMediaDriver media = new TestMediaDriver())
        {
            final CaptureFileSource source = CaptureFileSource.open(SharedData.pcap("zeek/http_bro.org.pcap"));
            resources.add(source);
            final SourceCounters sourceCounters = new SourceCounters(media.aeron, source.name());
            resources.add(sourceCounters);
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
                    new DestinationCounters(media.aeron, regions.get(d)));
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
            holder.apply(new PolicyInstaller("eu-west", regions, true).build(1, CUTTING_POLICY).snapshot());
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, regions.size());
            final BatchEgress egress = new BatchEgress(
                streams, "gw-paris-1", "paris-1", "eu-west", TimeUnit.SECONDS.toNanos(5), new OffsetEpochNanoClock());
            final FlowCounters flowCounters = new FlowCounters(media.aeron, "rx-0");
            resources.add(flowCounters);
            final GatewayWorker worker = new GatewayWorker(
                "rx-0",
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
            final DutyCycle cycle = new DutyCycle(worker, source, euWest, usEast, handler);

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
            final DestinationCounters.Snapshot usEastCounters = streams.get(1).counters().snapshot();
            System.out.println("frames: " + streams.get(0).counters().snapshot() + " " + usEastCounters);
            assertTrue(usEastCounters.sentFrames() > MEASURED_PACKETS / 2, "frames were sent: " + usEastCounters);
            assertTrue(usEastCounters.frameBytesSaved() > 0);
            assertTrue(handler.fragments - batchesBefore > 2 * RESERVATION_BLOCK, "sequence blocks were reserved while measuring");
            assertTrue(counters.forwarded() > 0 && handler.fragments - batchesBefore > 0, "the pipeline did its work");
            assertEquals(counters.received(), counters.forwarded() + counters.filtered() + counters.sampledOut() +
                counters.dropped());
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

        DutyCycle(
            final GatewayWorker worker,
            final CaptureFileSource source,
            final Subscription euWest,
            final Subscription usEast,
            final FragmentHandler handler)
        {
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
