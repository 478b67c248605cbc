package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Packets injected by a second process through shared memory: sluice-trafgen is the memif server,
 * the test's DpdkSource the client. The socket is a file (socket-abstract=no) so the test can wait for the
 * server to listen before the client connects. A memif client connects once, when its port starts, and a
 * server whose own port is not started yet turns it away, so the test restarts its port until the link is up. Every sequence number arrives exactly once and the mempool
 * gets every mbuf back.
 */
@Timeout(120)
class DpdkMemifTest
{
    private static final int PACKETS = 20_000;
    private static final long RECEIVE_DEADLINE_NS = 60_000_000_000L;
    private static final int EMPTY_POLLS_AFTER_EXIT = 1_000;
    private static final int CONNECT_ATTEMPTS = 20;
    private static final long LINK_WAIT_NS = 1_000_000_000L;
    /** /proc/net/unix Flags of a listening socket. */
    private static final String LISTENING_FLAGS = "00010000";

    @TempDir
    Path directory;

    @Test
    void everyPacketInjectedThroughMemifByAnotherProcessArrivesOnce() throws Exception
    {
        DpdkTesting.eal();
        final Path socket = directory.resolve("memif.sock");
        final Path log = directory.resolve("trafgen.log");
        final Process generator = Trafgen.start(List.of(), "net_memif0,role=server,socket-abstract=no,socket=" + socket, List.of(
            "--port", "net_memif0", "--synth", "--count", Integer.toString(PACKETS), "--size", "128", "--flows", "8",
            "--link-wait-ms", "30000", "--linger-ms", "1000"), log);
        try
        {
            while (!listening(socket))
            {
                if (!generator.isAlive())
                {
                    fail("sluice-trafgen ended before listening:\n" + Files.readString(log));
                }
                Thread.sleep(10);
            }
            final BitSet seen = new BitSet(PACKETS);
            int duplicates = 0;
            int foreign = 0;
            try (DpdkSources sources = new DpdkSources(
                DpdkTesting.EAL_ARGS, "net_memif_inject,role=client,socket-abstract=no,socket=" + socket, 1, 4095))
            {
                final int freeBefore;
                try (DpdkSource source = connect(sources, generator, log))
                {
                    freeBefore = sources.mempool().available();
                    final PacketBurst burst = new PacketBurst(32, 1);
                    final long deadline = System.nanoTime() + RECEIVE_DEADLINE_NS;
                    int received = 0;
                    int emptyPollsAfterExit = 0;
                    while (emptyPollsAfterExit < EMPTY_POLLS_AFTER_EXIT && System.nanoTime() < deadline)
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
                        received += n;
                        // The generator lingers after its last packet, so the ring is drained before it exits.
                        emptyPollsAfterExit = n == 0 && !generator.isAlive() ? emptyPollsAfterExit + 1 : 0;
                    }
                    System.out.println("memif: polled " + received + " packets; generator alive " + generator.isAlive());
                    assertEquals(0, source.held());
                    assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the run");
                    assertEquals(0, source.multiSegmentDrops());
                }
                final String summary = Trafgen.await(generator, log, 60);
                System.out.println("memif: received " + seen.cardinality() + " of " + PACKETS + ", duplicates " +
                    duplicates + ", foreign " + foreign + ", mempool free " + freeBefore + "/" + sources.mempool().size() +
                    "; " + summary.lines().filter(line -> line.startsWith("sluice-trafgen:")).findFirst().orElse(""));
                assertTrue(summary.contains("packets_sent=" + PACKETS + " "), summary);
                assertTrue(summary.contains("tx_failed=0"), summary);
            }
            assertEquals(0, duplicates, "duplicates");
            assertEquals(0, foreign, "packets without a sequence number");
            assertEquals(PACKETS, seen.cardinality(), "distinct sequence numbers");
        }
        finally
        {
            generator.destroyForcibly().waitFor();
        }
    }

    /** Opens the client port, restarting it until the server accepts it (link up). */
    private static DpdkSource connect(final DpdkSources sources, final Process generator, final Path log) throws Exception
    {
        for (int attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++)
        {
            final DpdkSource source = (DpdkSource)sources.open(0);
            final long deadline = System.nanoTime() + LINK_WAIT_NS;
            while (System.nanoTime() < deadline)
            {
                if (sources.port().linkUp())
                {
                    return source;
                }
                Thread.sleep(5);
            }
            source.close();
            sources.close();
            if (!generator.isAlive())
            {
                break;
            }
        }
        fail("memif link never came up:\n" + Files.readString(log));
        return null;
    }

    /** True once a Unix socket bound to {@code path} is listening (/proc/net/unix flag __SO_ACCEPTCON). */
    private static boolean listening(final Path path) throws Exception
    {
        final String suffix = " " + path;
        try (var lines = Files.lines(Path.of("/proc/net/unix")))
        {
            return lines.anyMatch(line -> line.endsWith(suffix) && line.split("\\s+")[3].equals(LISTENING_FLAGS));
        }
    }
}
