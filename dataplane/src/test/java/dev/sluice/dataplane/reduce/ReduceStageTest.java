package dev.sluice.dataplane.reduce;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.CounterFactory;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.FlowRecords;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.dataplane.testing.Tshark;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reduce stage over real captures: its bidirectional flows agree with tshark's TCP
 * conversations packet for packet and byte for byte, every aggregated packet is in exactly one
 * record, records are decided per destination (raw or anonymized), and a warmed-up duty cycle
 * of decode, classify and reduce allocates nothing.
 */
class ReduceStageTest
{
    private static final String CAPTURE = "zeek/http_bro.org.pcap";
    private static final List<String> REGIONS = List.of("eu-west", "us-east");
    private static final Pattern CONVERSATION = Pattern.compile(
        "^(\\S+):(\\d+)\\s+<->\\s+(\\S+):(\\d+)\\s+(\\d+) (\\d+) (bytes|kB|MB)\\s+(\\d+) (\\d+) (bytes|kB|MB)\\s+(\\d+) (\\d+) (bytes|kB|MB)\\s");

    private static final String AGGREGATE_ALL = """
        sluice-policy: 1
        name: all-flows
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: everything
            when: true
            then: aggregate flows
        flows:
          idle-timeout: 24h
          active-timeout: 24h
          bidirectional: true
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """;

    /** One ended flow, as the stage left it in its records. */
    record Flow(String src, int srcPort, String dst, int dstPort, long packets, long bytes, long reversePackets,
        long reverseBytes, byte endReason, byte[] delivery)
    {
    }

    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)),
        StandardCharsets.US_ASCII);
    private final CounterFactory factory = (typeId, label) -> counters.newCounter(label, typeId);
    private final FlowCounters flowCounters = new FlowCounters(factory, "rx-0");
    private final DestinationCounters[] destinations = {
        new DestinationCounters(factory, "eu-west"), new DestinationCounters(factory, "us-east")};

    private static CryptoPan cryptoPan()
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(i * 13 + 1);
        }
        return new CryptoPan(key);
    }

    private static PolicySnapshot snapshot(final String policy)
    {
        final PolicyInstaller.Result result = new PolicyInstaller("eu-west", REGIONS, true).build(1, TestPolicies.parse(policy));
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        return result.snapshot();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void bidirectionalFlowsEqualTsharkTcpConversations() throws IOException, InterruptedException
    {
        final Path capture = SharedData.pcap(CAPTURE);
        final List<Flow> flows = new ArrayList<>();
        final long aggregated = run(capture, snapshot(AGGREGATE_ALL), flows);

        // tshark's conversation table: frames exactly, bytes as it prints them (whole kB, rounded down).
        final Map<String, long[]> tshark = new HashMap<>();
        final Process process = new ProcessBuilder(
            Tshark.executable().toString(), "-n", "-r", capture.toString(), "-q", "-z", "conv,tcp")
            .redirectErrorStream(false).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "tshark -z conv,tcp");
        for (final String line : output.split("\n"))
        {
            final Matcher m = CONVERSATION.matcher(line);
            if (m.find())
            {
                // Columns: "<-" is B to A, "->" is A to B.
                tshark.put(endpoint(m.group(1), m.group(2)) + " " + endpoint(m.group(3), m.group(4)), new long[]{
                    Long.parseLong(m.group(8)), bytes(m.group(9), m.group(10)), Long.parseLong(m.group(5)),
                    bytes(m.group(6), m.group(7)), scale(m.group(10)), scale(m.group(7))});
            }
        }
        assertFalse(tshark.isEmpty(), "tshark listed conversations:\n" + output);

        // Exact bytes per direction, from tshark's own dissection of every packet.
        final Map<String, long[]> exact = new HashMap<>();
        for (final Tshark.Packet packet : Tshark.fields(
            capture, List.of("ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "frame.len"), List.of()))
        {
            final String key = endpoint(packet.first("ip.src"), packet.first("tcp.srcport")) + " " +
                endpoint(packet.first("ip.dst"), packet.first("tcp.dstport"));
            final long[] sums = exact.computeIfAbsent(key, k -> new long[2]);
            sums[0]++;
            sums[1] += Long.parseLong(packet.first("frame.len"));
        }

        long packetsInFlows = 0;
        assertEquals(tshark.size(), flows.size(), "one flow per tshark conversation (no timeouts, no port reuse)");
        for (final Flow flow : flows)
        {
            final String forward = endpoint(flow.src(), flow.srcPort()) + " " + endpoint(flow.dst(), flow.dstPort());
            final String reverse = endpoint(flow.dst(), flow.dstPort()) + " " + endpoint(flow.src(), flow.srcPort());
            final long[] t = tshark.containsKey(forward) ? tshark.get(forward) : swap(tshark.get(reverse));
            assertTrue(t != null, "tshark has the conversation " + forward);
            assertEquals(t[0], flow.packets(), forward + " packets");
            assertEquals(t[2], flow.reversePackets(), forward + " reverse packets");
            assertEquals(t[1], flow.bytes() / t[4], forward + " bytes as tshark prints them");
            assertEquals(t[3], flow.reverseBytes() / t[5], forward + " reverse bytes as tshark prints them");
            assertEquals(exact.get(forward)[1], flow.bytes(), forward + " bytes");
            assertEquals(exact.get(forward)[0], flow.packets());
            assertEquals(exact.get(reverse)[1], flow.reverseBytes(), forward + " reverse bytes");
            packetsInFlows += flow.packets() + flow.reversePackets();
        }
        assertEquals(aggregated, packetsInFlows, "every aggregated packet is in exactly one flow");

        final FlowCounters.Snapshot snapshot = flowCounters.snapshot();
        assertEquals(flows.size(), snapshot.created());
        assertEquals(aggregated, snapshot.packetsEmitted());
        assertTrue(snapshot.balances());
        final DestinationCounters.Snapshot eu = destinations[0].snapshot();
        final DestinationCounters.Snapshot us = destinations[1].snapshot();
        assertEquals(flows.size(), eu.flowRecordsRaw());
        assertEquals(flows.size(), us.flowRecordsTransformed());
        for (final Flow flow : flows)
        {
            assertEquals(Delivery.RAW, flow.delivery()[0]);
            assertEquals(Delivery.TRANSFORMED, flow.delivery()[1]);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aFullTableEvictsAndCountsWithoutLosingAPacket() throws IOException
    {
        final List<Flow> flows = new ArrayList<>();
        final long aggregated = run(SharedData.pcap(CAPTURE), snapshot(AGGREGATE_ALL.replace(
            "  bidirectional: true", "  bidirectional: false\n  max-flows: 4")), flows);
        long packets = 0;
        long evicted = 0;
        for (final Flow flow : flows)
        {
            packets += flow.packets();
            assertEquals(0, flow.reversePackets(), "unidirectional");
            evicted += flow.endReason() == FlowEndReason.EVICTED ? 1 : 0;
        }
        assertEquals(aggregated, packets);
        assertTrue(evicted > 0);
        final FlowCounters.Snapshot snapshot = flowCounters.snapshot();
        assertEquals(evicted, snapshot.evictions());
        assertEquals(flows.size(), snapshot.emitted());
        assertTrue(snapshot.balances());
        assertEquals(0, snapshot.tableOpen());
    }

    /** Runs the capture through decode, classify and reduce, flushing at its end; returns the aggregated packets. */
    private long run(final Path capture, final PolicySnapshot policy, final List<Flow> flows) throws IOException
    {
        final ReduceStage reduce = new ReduceStage(flowCounters, destinations, cryptoPan(), 64);
        final ClassifyStage classify = new ClassifyStage();
        final PacketDecoder decoder = new PacketDecoder();
        final PacketBurst burst = new PacketBurst(64, REGIONS.size());
        long aggregated = 0;
        try (CaptureFileSource source = CaptureFileSource.open(capture))
        {
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                burst.resetStageState();
                decoder.decode(burst);
                classify.apply(burst, policy.rules());
                reduce.apply(burst, policy);
                for (int i = 0; i < count; i++)
                {
                    aggregated += burst.verdict[i] == Verdict.AGGREGATED ? 1 : 0;
                }
                collect(reduce.records(), flows);
                reduce.clearRecords();
                source.release(burst);
            }
        }
        boolean empty = false;
        while (!empty)
        {
            empty = reduce.flush(policy);
            collect(reduce.records(), flows);
            reduce.clearRecords();
        }
        return aggregated;
    }

    private static void collect(final FlowRecords r, final List<Flow> flows) throws IOException
    {
        for (int i = 0; i < r.count(); i++)
        {
            flows.add(new Flow(
                address(r.ipVersion[i], r.srcAddressHigh[i], r.srcAddressLow[i]), r.srcPort[i],
                address(r.ipVersion[i], r.dstAddressHigh[i], r.dstAddressLow[i]), r.dstPort[i],
                r.packets[i], r.bytes[i], r.reversePackets[i], r.reverseBytes[i], r.endReason[i],
                new byte[]{r.delivery[0][i], r.delivery[1][i]}));
        }
    }

    private static String address(final byte version, final long high, final long low) throws IOException
    {
        if (version == 4)
        {
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int)low).array()).getHostAddress();
        }
        return InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(high).putLong(low).array()).getHostAddress();
    }

    private static String endpoint(final String address, final Object port)
    {
        return address + ":" + port;
    }

    private static long[] swap(final long[] t)
    {
        return t == null ? null : new long[]{t[2], t[3], t[0], t[1], t[5], t[4]};
    }

    private static long bytes(final String value, final String unit)
    {
        return Long.parseLong(value);
    }

    private static long scale(final String unit)
    {
        return switch (unit)
        {
            case "kB" -> 1_000L;
            case "MB" -> 1_000_000L;
            default -> 1L;
        };
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void warmedUpDecodeClassifyReduceAllocatesNothing() throws IOException
    {
        final PolicySnapshot policy = snapshot(TestPolicies.resource("edge-demo-policy.yaml")
            .replace("    then: keep\n\nresidency", "    then: aggregate flows\n\nflows:\n  idle-timeout: 2s\n\nresidency"));
        assertTrue(policy.rules().aggregatesAny());
        final ReduceStage reduce = new ReduceStage(flowCounters, destinations, cryptoPan(), PacketBurst.DEFAULT_CAPACITY);
        final ClassifyStage classify = new ClassifyStage();
        final PacketDecoder decoder = new PacketDecoder();
        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, REGIONS.size());
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (CaptureFileSource source = CaptureFileSource.open(SharedData.pcap(CAPTURE)))
        {
            final long[] state = new long[3];
            cycle(source, burst, decoder, classify, reduce, policy, 300_000, state);
            long allocated = -1;
            long packets = 0;
            for (int window = 0; window < 5 && allocated != 0; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                packets = cycle(source, burst, decoder, classify, reduce, policy, 100_000, state);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            final FlowCounters.Snapshot snapshot = flowCounters.snapshot();
            System.out.println("reduce allocation: " + allocated + " bytes over " + packets + " packets; " + snapshot);
            assertTrue(packets >= 100_000);
            assertTrue(state[2] > 0, "flow records ended while measuring");
            assertTrue(destinations[1].snapshot().flowRecordsTransformed() > 0, "records were anonymized");
            assertEquals(0, allocated);
        }
    }

    /**
     * Runs {@code packets} packets, replaying the capture with its time shifted a minute forward
     * each pass so flows keep ending. {@code state}: time offset, passes, records ended.
     */
    private static long cycle(
        final CaptureFileSource source,
        final PacketBurst burst,
        final PacketDecoder decoder,
        final ClassifyStage classify,
        final ReduceStage reduce,
        final PolicySnapshot policy,
        final long packets,
        final long[] state)
    {
        long read = 0;
        while (read < packets)
        {
            if (source.isExhausted())
            {
                source.rewind();
                state[0] += 60_000_000_000L;
                state[1]++;
            }
            final int count = source.poll(burst);
            burst.resetStageState();
            decoder.decode(burst);
            for (int i = 0; i < count; i++)
            {
                burst.timestampNs[i] += state[0];
            }
            classify.apply(burst, policy.rules());
            reduce.apply(burst, policy);
            state[2] += reduce.records().count();
            reduce.clearRecords();
            source.release(burst);
            read += count;
        }
        return read;
    }
}
