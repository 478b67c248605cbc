package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * DPDK with hugepages rather than --no-huge: the test reserves 2 MB pages, mounts a private
 * hugetlbfs, and runs the EAL on it with a file prefix of its own; a net_pcap capture then arrives
 * byte for byte. Runs in a JVM of its own (Surefire's dpdk-hugepages execution), since the EAL is
 * initialised once per process, and needs root to reserve pages and mount. The reservation and
 * the mount are undone afterwards (the mount lazily, since the EAL keeps its pages mapped until
 * the JVM exits).
 */
@Timeout(120)
class DpdkHugepagesTest
{
    private static final Path NR_HUGEPAGES = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
    private static final Path FREE_HUGEPAGES = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
    /** 128 MB in 2 MB pages: the EAL's 64 MB plus room. */
    private static final int PAGES = 64;
    private static final int EAL_MEMORY_MB = 64;

    private static Path mountPoint;
    private static boolean mounted;
    private static long previousPages = -1;

    @BeforeAll
    static void reserveAndMount() throws Exception
    {
        DpdkTesting.requireShim();
        if (!"root".equals(System.getProperty("user.name")) || !Files.isWritable(NR_HUGEPAGES))
        {
            final String reason = "reserving hugepages and mounting hugetlbfs needs root and " + NR_HUGEPAGES;
            if (Boolean.getBoolean(DpdkTesting.REQUIRED_PROP_NAME))
            {
                fail(reason + " (DPDK tests are required: run as root, as ./sluice test does)");
            }
            abort(reason);
        }
        previousPages = readLong(NR_HUGEPAGES);
        Files.writeString(NR_HUGEPAGES, Long.toString(previousPages + PAGES));
        final long free = readLong(FREE_HUGEPAGES);
        assertTrue(free >= PAGES, "the kernel reserved only " + free + " free 2 MB pages of " + PAGES +
            " asked (memory too fragmented?)");
        mountPoint = Files.createTempDirectory("sluice-hugetlbfs-");
        run("mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", mountPoint.toString());
        mounted = true;
    }

    @AfterAll
    static void unmountAndRelease() throws Exception
    {
        try
        {
            if (mounted)
            {
                run("umount", "-l", mountPoint.toString());
            }
            if (mountPoint != null)
            {
                Files.deleteIfExists(mountPoint);
            }
        }
        finally
        {
            if (previousPages >= 0)
            {
                // Pages still mapped by the EAL become surplus and go back to the kernel when the JVM exits.
                Files.writeString(NR_HUGEPAGES, Long.toString(previousPages));
            }
        }
    }

    @Test
    void netPcapOverHugepageMemoryYieldsTheCaptureByteForByte() throws Exception
    {
        final long freeBefore = readLong(FREE_HUGEPAGES);
        final List<String> ealArgs = List.of(
            "-m", Integer.toString(EAL_MEMORY_MB), "--huge-dir", mountPoint.toString(),
            "--file-prefix", "sluice-test-" + ProcessHandle.current().pid(),
            "--no-pci", "--no-telemetry", "-l", "0", "--log-level=lib.eal:warning");
        DpdkEal.init(ealArgs);
        final long freeAfterInit = readLong(FREE_HUGEPAGES);
        assertTrue(freeAfterInit <= freeBefore - EAL_MEMORY_MB / 2,
            "the EAL took " + (freeBefore - freeAfterInit) + " hugepages of 2 MB, expected " + EAL_MEMORY_MB / 2);

        final Path capture = SharedData.pcap("zeek/http_bro.org.pcap");
        final List<byte[]> expected = DpdkSourceTest.captureFilePackets(capture);
        try (DpdkSources sources = new DpdkSources(ealArgs, "net_pcap_huge,rx_pcap=" + capture, 1, 4095))
        {
            final List<byte[]> received;
            final int freeMbufs;
            try (DpdkSource source = (DpdkSource)sources.open(0))
            {
                freeMbufs = sources.mempool().available();
                received = DpdkSourceTest.drain(source, expected.size());
                assertEquals(freeMbufs, sources.mempool().available(), "free mbufs after the run");
            }
            assertEquals(expected.size(), received.size());
            for (int i = 0; i < expected.size(); i++)
            {
                assertArrayEquals(expected.get(i), received.get(i), "packet " + i);
            }
            System.out.println("hugepages: " + received.size() + " packets byte for byte; 2 MB pages free " + freeBefore +
                " before the EAL, " + freeAfterInit + " after; mbufs free " + freeMbufs + "/" + sources.mempool().size());
        }
    }

    private static long readLong(final Path file) throws IOException
    {
        return Long.parseLong(Files.readString(file).trim());
    }

    private static void run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            fail(String.join(" ", new ArrayList<>(List.of(command))) + " failed: " + output);
        }
    }
}
