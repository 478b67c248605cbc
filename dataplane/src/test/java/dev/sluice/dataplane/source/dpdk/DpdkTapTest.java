package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * DPDK's net_tap makes a kernel tap interface; what the kernel sends out of it arrives on the
 * port. sluice-trafgen sends sequenced packets into the interface through AF_PACKET; every one
 * arrives once, told apart from the kernel's own frames on a new interface by the payload magic.
 * The interface goes away when the port is closed. Needs root (/dev/net/tun).
 */
@Timeout(120)
class DpdkTapTest
{
    private static final int PACKETS = 2_000;
    private static final int RATE_PPS = 20_000;
    private static final long RECEIVE_DEADLINE_NS = 60_000_000_000L;
    private static final int EMPTY_POLLS_AFTER_EXIT = 10_000;
    private static final String INTERFACE = "sdt" + ProcessHandle.current().pid() % 100_000;

    @TempDir
    Path directory;

    @Test
    void framesTheKernelSendsIntoTheTapInterfaceArriveOnce() throws Exception
    {
        DpdkTesting.eal();
        if (!"root".equals(System.getProperty("user.name")))
        {
            final String reason = "a tap interface needs root";
            if (Boolean.getBoolean(DpdkTesting.REQUIRED_PROP_NAME))
            {
                fail(reason + " (DPDK tests are required: run as root, as ./sluice test does)");
            }
            abort(reason);
        }
        final BitSet seen = new BitSet(PACKETS);
        int duplicates = 0;
        int foreign = 0;
        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_tap_smoke,iface=" + INTERFACE, 1, 4095))
        {
            final int freeBefore;
            final String summary;
            try (DpdkSource source = (DpdkSource)sources.open(0))
            {
                assertEquals("net_tap", sources.port().driver());
                // Quiet the new interface (no IPv6 neighbour discovery); frames that still come are told apart below.
                run("sysctl", "-qw", "net.ipv6.conf." + INTERFACE + ".disable_ipv6=1");
                freeBefore = sources.mempool().available();
                final Path log = directory.resolve("trafgen.log");
                final Process generator = Trafgen.start(List.of(), "net_af_packet0,iface=" + INTERFACE, List.of(
                    "--port", "net_af_packet0", "--synth", "--count", Integer.toString(PACKETS), "--size", "100",
                    "--rate", Integer.toString(RATE_PPS)), log);
                try
                {
                    final PacketBurst burst = new PacketBurst(32, 1);
                    final long deadline = System.nanoTime() + RECEIVE_DEADLINE_NS;
                    int emptyPollsAfterExit = 0;
                    while (emptyPollsAfterExit < EMPTY_POLLS_AFTER_EXIT && System.nanoTime() < deadline &&
                        seen.cardinality() + duplicates < PACKETS)
                    {
                        final int n = source.poll(burst);
                        for (int i = 0; i < n; i++)
                        {
                            final long sequence = Trafgen.sequence(DpdkSourceTest.bytes(burst, i));
                            if (sequence < 0 || sequence >= PACKETS)
                            {
                                foreign++;
                            }
                            else if (seen.get((int)sequence))
                            {
                                duplicates++;
                            }
                            else
                            {
                                seen.set((int)sequence);
                            }
                        }
                        source.release(burst);
                        emptyPollsAfterExit = n == 0 && !generator.isAlive() ? emptyPollsAfterExit + 1 : 0;
                    }
                    summary = Trafgen.await(generator, log, 60);
                }
                finally
                {
                    generator.destroyForcibly().waitFor();
                }
                assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the run");
            }
            System.out.println("net_tap: received " + seen.cardinality() + " of " + PACKETS + ", duplicates " +
                duplicates + ", other frames " + foreign + "; " +
                summary.lines().filter(line -> line.startsWith("sluice-trafgen:")).findFirst().orElse(""));
            assertTrue(summary.contains("packets_sent=" + PACKETS + " "), summary);
        }
        assertEquals(0, duplicates, "duplicates");
        assertEquals(PACKETS, seen.cardinality(), "distinct sequence numbers");
    }

    private static void run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            fail(String.join(" ", command) + " failed: " + output);
        }
    }
}
