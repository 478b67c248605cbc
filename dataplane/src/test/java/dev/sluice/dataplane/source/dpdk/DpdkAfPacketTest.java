package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * DPDK's net_af_packet on one end of a veth pair whose other end lives in a network namespace the
 * test makes; sluice-trafgen injects sequenced packets from inside the namespace. Every sequence
 * number arrives once; whatever else the kernel sends on the link (none expected with IPv6 off)
 * is told apart by the generator's payload magic. Needs root (ip netns, ip link).
 */
@Timeout(120)
class DpdkAfPacketTest
{
    private static final int PACKETS = 5_000;
    /**
     * Paced, and fewer than the receive ring's frames (framecnt=8192), so the ring cannot overflow even when
     * the test's thread is off the CPU for the whole run on a loaded machine.
     */
    private static final int RATE_PPS = 20_000;
    private static final long RECEIVE_DEADLINE_NS = 60_000_000_000L;
    private static final int EMPTY_POLLS_AFTER_EXIT = 10_000;
    private static final long PID = ProcessHandle.current().pid() % 100_000;
    private static final String NAMESPACE = "sluice-dpdk-" + PID;
    private static final String ROOT_END = "sdk" + PID + "a";
    private static final String NAMESPACE_END = "sdk" + PID + "b";

    private static boolean namespaceMade;
    private static boolean vethMade;

    @TempDir
    Path directory;

    @BeforeAll
    static void makeVethPairInNamespace() throws Exception
    {
        DpdkTesting.requireShim();
        if (!"root".equals(System.getProperty("user.name")))
        {
            final String reason = "a network namespace and a veth pair need root";
            if (Boolean.getBoolean(DpdkTesting.REQUIRED_PROP_NAME))
            {
                fail(reason + " (DPDK tests are required: run as root, as ./sluice test does)");
            }
            abort(reason);
        }
        run("ip", "netns", "add", NAMESPACE);
        namespaceMade = true;
        run("ip", "link", "add", ROOT_END, "type", "veth", "peer", "name", NAMESPACE_END);
        vethMade = true;
        // No IPv6 on either end: no router solicitations or MLD reports on the link.
        run("sysctl", "-qw", "net.ipv6.conf." + ROOT_END + ".disable_ipv6=1");
        run("ip", "link", "set", NAMESPACE_END, "netns", NAMESPACE);
        run("ip", "netns", "exec", NAMESPACE, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        run("ip", "netns", "exec", NAMESPACE, "sysctl", "-qw", "net.ipv6.conf." + NAMESPACE_END + ".disable_ipv6=1");
        run("ip", "link", "set", ROOT_END, "up");
        run("ip", "-n", NAMESPACE, "link", "set", NAMESPACE_END, "up");
    }

    @AfterAll
    static void removeNamespace() throws Exception
    {
        try
        {
            if (vethMade)
            {
                // Deleting one end deletes the pair; the namespace end may already be gone with it.
                new ProcessBuilder("ip", "link", "del", ROOT_END).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
        finally
        {
            if (namespaceMade)
            {
                run("ip", "netns", "del", NAMESPACE);
            }
        }
    }

    @Test
    void everyPacketInjectedFromTheNamespaceArrivesOnceThroughAfPacket() throws Exception
    {
        DpdkTesting.eal();
        final BitSet seen = new BitSet(PACKETS);
        int duplicates = 0;
        int foreign = 0;
        try (DpdkSources sources = new DpdkSources(
            DpdkTesting.EAL_ARGS, "net_af_packet_veth,iface=" + ROOT_END + ",framecnt=8192,blocksz=4096,framesz=2048",
            1, 8191))
        {
            final int freeBefore;
            final String summary;
            try (DpdkSource source = (DpdkSource)sources.open(0))
            {
                freeBefore = sources.mempool().available();
                final Path log = directory.resolve("trafgen.log");
                final Process generator = Trafgen.start(List.of("ip", "netns", "exec", NAMESPACE),
                    "net_af_packet0,iface=" + NAMESPACE_END, List.of("--port", "net_af_packet0", "--synth",
                        "--count", Integer.toString(PACKETS), "--size", "128", "--flows", "8",
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
                assertEquals(0, source.held());
                assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the run");
            }
            System.out.println("af_packet on a veth: received " + seen.cardinality() + " of " + PACKETS +
                ", duplicates " + duplicates + ", other frames " + foreign + ", mempool free " + freeBefore + "/" +
                sources.mempool().size() + "; " +
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
