package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The poll/release loop allocates nothing in steady state: measured on a net_null vdev, which never runs dry. */
@Timeout(300)
class DpdkSourceAllocationTest
{
    private static final int BURST = 32;
    private static final int WARM_UP_BURSTS = 200_000;
    private static final int MEASURED_BURSTS = 200_000;
    private static final int MEASURED_WINDOWS = 5;

    private long checksum;

    @Test
    void pollAndReleaseAllocateNothingPerPacket() throws Exception
    {
        DpdkTesting.eal();
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_null_alloc,size=64", 1, 4095);
            DpdkSource source = (DpdkSource)sources.open(0))
        {
            final PacketBurst burst = new PacketBurst(BURST, 1);
            final int freeBefore = sources.mempool().available();
            run(source, burst, WARM_UP_BURSTS);

            final List<Long> allocatedPerWindow = new ArrayList<>();
            long allocated = -1;
            long packets = 0;
            long elapsedNs = 0;
            // A one-off allocation by the JIT finishing a compilation does not repeat; a per-packet one does.
            for (int window = 0; window < MEASURED_WINDOWS && allocated != 0; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                final long startNs = System.nanoTime();
                final long received = run(source, burst, MEASURED_BURSTS);
                elapsedNs = System.nanoTime() - startNs;
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                allocatedPerWindow.add(allocated);
                packets = received;
            }
            System.out.printf("allocation: %d bytes over %d packets (per window %s); net_null poll+touch+release " +
                "%.1f Mpackets/s on this thread (informational)%n",
                allocated, packets, allocatedPerWindow, packets * 1e3 / elapsedNs);
            assertTrue(packets > 0);
            assertEquals(0, allocated, "bytes allocated by poll/release per window " + allocatedPerWindow);
            assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the loop");
        }
    }

    private long run(final DpdkSource source, final PacketBurst burst, final int bursts)
    {
        long packets = 0;
        long sum = checksum;
        for (int b = 0; b < bursts; b++)
        {
            final int n = source.poll(burst);
            for (int i = 0; i < n; i++)
            {
                // Touch the packet where it lies, as a decoder would.
                sum += burst.data[i].get(JAVA_BYTE, burst.offset[i]) + burst.capturedLength[i];
            }
            source.release(burst);
            packets += n;
        }
        checksum = sum;
        return packets;
    }
}
