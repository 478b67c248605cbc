package dev.sluice.perf.reduce;

import dev.sluice.dataplane.reduce.FlowKey;
import dev.sluice.dataplane.reduce.FlowTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Flow table updates per second, {@value #BATCH} packets per invocation, reported per packet.
 * The traffic: {@value #CONVERSATIONS} IPv4 TCP conversations seen in both directions (a
 * skewed mix, as real traffic is), plus one packet in {@value #NEW_FLOW_ONE_IN} that starts a
 * conversation never seen before, so the table fills, expires idle flows and evicts; packet
 * time advances {@value #PACKET_INTERVAL_NS} ns per packet.
 * <ul>
 *   <li>{@code keyHashOnly} (baseline): fills the key and hashes it, no table;</li>
 *   <li>{@code hashMapUpdate} (baseline): the same updates in a {@link HashMap} keyed by a
 *       record, as a straightforward implementation would (allocates, no timeouts);</li>
 *   <li>{@code flowTableUpdate}: {@link FlowTable#update} with expiry once per batch, as the
 *       reduce stage drives it (bidirectional, 65,536 flows, 15 s idle, 60 s active).</li>
 * </ul>
 * Run: {@code perf/run-jmh.sh FlowTableBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FlowTableBenchmark
{
    static final int BATCH = 1024;
    static final int CONVERSATIONS = 20_000;
    static final int NEW_FLOW_ONE_IN = 32;
    static final long PACKET_INTERVAL_NS = 10_000L;
    private static final int PACKETS = 1 << 16;
    private static final int TCP = 6;
    private static final int ACK = 0x10;

    private final int[] client = new int[PACKETS];
    private final int[] server = new int[PACKETS];
    private final int[] clientPort = new int[PACKETS];
    private final int[] serverPort = new int[PACKETS];
    private final boolean[] fromClient = new boolean[PACKETS];
    private final int[] length = new int[PACKETS];
    private final FlowKey key = new FlowKey();
    private final FlowTable table = new FlowTable(65_536, 15_000_000_000L, 60_000_000_000L, true);
    private final FlowTable.Sink sink = new CountingSink();
    private final HashMap<MapKey, long[]> map = new HashMap<>();
    private int position;
    private long timeNs = 1_700_000_000_000_000_000L;
    private int newFlows;

    /** The key a straightforward implementation would use. */
    record MapKey(int src, int dst, int srcPort, int dstPort, int protocol)
    {
    }

    /** Counts ended flows; a field, so the table's calls cannot be optimized away. */
    static final class CountingSink implements FlowTable.Sink
    {
        long ended;

        @Override
        public void onFlowEnd(final FlowTable table, final int entry, final byte endReason)
        {
            ended += table.packets(entry);
        }
    }

    @Setup
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < PACKETS; i++)
        {
            // Skewed: a few conversations carry most packets.
            final double u = random.nextDouble();
            final int conversation = (int)(CONVERSATIONS * u * u * u);
            client[i] = 0x0A14_0000 | (conversation & 0xFFFF);
            server[i] = 0x5DB8_0000 | (conversation % 97);
            clientPort[i] = 32_768 + (conversation % 28_000);
            serverPort[i] = conversation % 3 == 0 ? 80 : 443;
            fromClient[i] = random.nextInt(5) < 2;
            length[i] = 60 + random.nextInt(1400);
        }
    }

    private void fill(final int i)
    {
        if (i % NEW_FLOW_ONE_IN == 0)
        {
            final int n = newFlows++;
            key.set(-1, (byte)0, -1, FlowKey.OUTER_LAYER, (byte)4, TCP,
                0, 0xC0A8_0000L | (n >>> 14 & 0xFFFF), 0, server[i] & 0xFFFF_FFFFL, 1024 + (n & 0x3FFF), serverPort[i]);
        }
        else if (fromClient[i])
        {
            key.set(-1, (byte)0, -1, FlowKey.OUTER_LAYER, (byte)4, TCP,
                0, client[i] & 0xFFFF_FFFFL, 0, server[i] & 0xFFFF_FFFFL, clientPort[i], serverPort[i]);
        }
        else
        {
            key.set(-1, (byte)0, -1, FlowKey.OUTER_LAYER, (byte)4, TCP,
                0, server[i] & 0xFFFF_FFFFL, 0, client[i] & 0xFFFF_FFFFL, serverPort[i], clientPort[i]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long keyHashOnly()
    {
        long sum = 0;
        int p = position;
        for (int n = 0; n < BATCH; n++)
        {
            fill(p);
            final FlowKey k = key;
            long h = (k.srcLow * 0x9E37_79B9_7F4A_7C15L) ^ (k.dstLow * 0xBF58_476D_1CE4_E5B9L);
            h ^= ((long)k.srcPort << 16 | k.dstPort) * 0x94D0_49BB_1331_11EBL;
            h ^= (long)k.ipProtocol << 40 | (k.vlanId & 0xFFFFL) << 48;
            sum += h ^ (h >>> 31);
            p = (p + 1) & (PACKETS - 1);
        }
        position = p;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int hashMapUpdate()
    {
        int p = position;
        for (int n = 0; n < BATCH; n++)
        {
            fill(p);
            final FlowKey k = key;
            final boolean swap = k.srcLow > k.dstLow;
            final MapKey mapKey = swap ?
                new MapKey((int)k.dstLow, (int)k.srcLow, k.dstPort, k.srcPort, k.ipProtocol) :
                new MapKey((int)k.srcLow, (int)k.dstLow, k.srcPort, k.dstPort, k.ipProtocol);
            long[] counters = map.get(mapKey);
            if (counters == null)
            {
                if (map.size() >= 65_536)
                {
                    map.clear();
                }
                counters = new long[2];
                map.put(mapKey, counters);
            }
            counters[0]++;
            counters[1] += length[p];
            p = (p + 1) & (PACKETS - 1);
        }
        position = p;
        return map.size();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int flowTableUpdate()
    {
        int p = position;
        long t = timeNs;
        for (int n = 0; n < BATCH; n++)
        {
            fill(p);
            t += PACKET_INTERVAL_NS;
            table.update(key, t, length[p], ACK, 0, 0, 0, sink);
            p = (p + 1) & (PACKETS - 1);
        }
        table.expire(t, BATCH, sink);
        position = p;
        timeNs = t;
        return table.size();
    }
}
