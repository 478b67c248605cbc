package dev.sluice.perf.dpdk;

import dev.sluice.dataplane.source.dpdk.DpdkLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The benchmark's receive loop allocates nothing per packet (measured on the polling thread over a
 * short run on net_null, no timing asserted), and its parse computes sluice_rxbench.c's formula.
 * Runs in a Surefire execution of its own (perf/pom.xml): DPDK's EAL initialises once per process.
 * With {@code -Dsluice.dpdk.required=true} a missing shim fails instead of skipping.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DpdkRxBenchmarkTest
{
    private static final String DPDK_REQUIRED_PROP_NAME = "sluice.dpdk.required";
    private static final List<String> EAL_ARGS = List.of(
        "--no-huge", "-m", "512", "--no-shconf", "--no-pci", "--no-telemetry", "-l", "0", "--log-level=lib.eal:warning");
    private static final int ATTEMPTS = 3;
    private static final long H = 31;

    @Test
    void receiveLoopAllocatesNothingPerPacketAndGivesEveryMbufBack() throws Exception
    {
        requireShim();
        final List<Long> allocatedPerRun = new ArrayList<>();
        DpdkRxBenchmark.Result result = null;
        // A one-off allocation (the JIT finishing a compilation mid-run) does not repeat; a per-packet one does.
        for (int attempt = 0; attempt < ATTEMPTS && (result == null || result.allocatedBytes() != 0); attempt++)
        {
            final DpdkRxBenchmark.Options options = new DpdkRxBenchmark.Options(
                "net_null_rxbench" + attempt + ",size=64", 1, 1, DpdkRxBenchmark.DEFAULT_BURST, true, 0,
                DpdkRxBenchmark.DEFAULT_MEMPOOL_CACHE, false);
            result = DpdkRxBenchmark.run(EAL_ARGS, options);
            allocatedPerRun.add(result.allocatedBytes());
            System.out.println(result.line());
        }
        assertTrue(result.packets() > 0, result.line());
        assertEquals(DpdkRxBenchmark.POOL_MBUFS, result.filledMbufs(), "--fill udp writes every mbuf: " + result.line());
        assertEquals(result.poolFreeStart(), result.poolFreeEnd(), "every mbuf back in the pool: " + result.line());
        assertEquals(0, result.allocatedBytes(), "bytes allocated by the polling thread per run " + allocatedPerRun);
    }

    @Test
    void parseFoldsTheFillFrameAsTheCProgramDoes()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment frame = arena.allocate(DpdkRxBenchmark.FILL_FRAME_LENGTH);
            DpdkRxBenchmark.writeUdpFrame(frame, 5);
            // sluice_rxbench.c: ethertype, then source, destination, protocol << 8 | IHL, ports, each h = h * 31 + x.
            long expected = 0x0800;
            expected = expected * H + 0x0A000006L;
            expected = expected * H + 0x0AFF0001L;
            expected = expected * H + (17 << 8 | 20);
            expected = expected * H + ((1024L + 5) << 16 | 9);
            assertEquals(expected, DpdkRxBenchmark.parse(frame, 0, DpdkRxBenchmark.FILL_FRAME_LENGTH));
            assertEquals(0x0800, DpdkRxBenchmark.parse(frame, 0, 14 + 19), "IPv4 header cut short: EtherType only");
            assertEquals(0, DpdkRxBenchmark.parse(frame, 0, 13), "shorter than Ethernet");

            // The same frame behind an 802.1Q and an 802.1ad tag folds to the same value.
            final MemorySegment tagged = arena.allocate(DpdkRxBenchmark.FILL_FRAME_LENGTH + 8);
            MemorySegment.copy(frame, 0, tagged, 0, 12);
            tagged.set(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 12, (short)0x88A8);
            tagged.set(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16, (short)0x8100);
            MemorySegment.copy(frame, 12, tagged, 20, DpdkRxBenchmark.FILL_FRAME_LENGTH - 12);
            assertEquals(expected, DpdkRxBenchmark.parse(tagged, 0, DpdkRxBenchmark.FILL_FRAME_LENGTH + 8));

            // Not IPv4 (version 6 in the header): EtherType only.
            frame.set(JAVA_BYTE, 14, (byte)0x65);
            assertEquals(0x0800, DpdkRxBenchmark.parse(frame, 0, DpdkRxBenchmark.FILL_FRAME_LENGTH));
        }
    }

    private static void requireShim()
    {
        final String reason = DpdkLibrary.unavailableReason();
        if (reason != null)
        {
            if (Boolean.getBoolean(DPDK_REQUIRED_PROP_NAME))
            {
                fail("DPDK tests are required (-D" + DPDK_REQUIRED_PROP_NAME + "=true) but cannot run: " + reason);
            }
            abort("DPDK shim unavailable: " + reason);
        }
    }
}
