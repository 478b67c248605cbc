package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class DpdkEalTest
{
    @Test
    void initIsOncePerProcessAndDifferentArgumentsAreAClearError() throws Exception
    {
        final DpdkEal eal = DpdkTesting.eal();
        assertSame(eal, DpdkEal.init(DpdkTesting.EAL_ARGS));
        final List<String> other = new ArrayList<>(DpdkTesting.EAL_ARGS);
        other.add("--vdev=net_null9");
        final DpdkException error = assertThrows(DpdkException.class, () -> DpdkEal.init(other));
        assertTrue(error.getMessage().contains("already initialised"), error.getMessage());
        assertTrue(error.getMessage().contains("same eal-args"), error.getMessage());
    }

    @Test
    void aMissingShimNamesThePackageToInstallAndTheRebuild(final @TempDir Path empty)
    {
        final DpdkException missing = assertThrows(DpdkException.class, () -> DpdkLibrary.locate(empty.toString()));
        assertTrue(missing.getMessage().contains("apt-get install libdpdk-dev"), missing.getMessage());
        assertTrue(missing.getMessage().contains("rebuild"), missing.getMessage());
        final DpdkException unset = assertThrows(DpdkException.class, () -> DpdkLibrary.locate(null));
        assertTrue(unset.getMessage().contains("libdpdk-dev"), unset.getMessage());
        assertTrue(unset.getMessage().contains("-D" + DpdkLibrary.NATIVE_DIR_PROP_NAME), unset.getMessage());
    }

    @Test
    void aPortThatDoesNotExistSaysHowToNameOne() throws Exception
    {
        DpdkTesting.eal();
        final DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "0000:99:00.0", 1, 4095);
        final DpdkException error = assertThrows(DpdkException.class, () -> sources.open(0));
        assertTrue(error.getMessage().contains("no DPDK port named 0000:99:00.0"), error.getMessage());
        assertTrue(error.getMessage().contains("net_pcap0,rx_pcap="), error.getMessage());
        sources.close();

        final DpdkSources badVdev = new DpdkSources(DpdkTesting.EAL_ARGS, "net_pcap_missing,rx_pcap=/nonexistent.pcap", 1, 4095);
        final DpdkException vdevError = assertThrows(DpdkException.class, () -> badVdev.open(0));
        assertTrue(vdevError.getMessage().contains("cannot create DPDK virtual device"), vdevError.getMessage());
        badVdev.close();
        assertEquals(null, badVdev.mempool());

        final DpdkSources tooManyQueues = new DpdkSources(DpdkTesting.EAL_ARGS,
            "net_pcap_onefile,rx_pcap=" + SharedData.pcap("zeek/dnp3_dnp3.pcap"), 2, 4095);
        final DpdkException queueError = assertThrows(DpdkException.class, () -> tooManyQueues.open(0));
        assertTrue(queueError.getMessage().contains("at most 1 rx queues, 2 asked"), queueError.getMessage());
        tooManyQueues.close();
    }

    @Test
    void theHintsNameTheFix()
    {
        final String hugepages = DpdkEal.explain(List.of("-m", "64"), 13, "Permission denied",
            "EAL: No free 2048 kB hugepages reported on node 0\nEAL: Cannot get hugepage information.");
        assertTrue(hugepages.contains("--no-huge") && hugepages.contains("vm.nr_hugepages"), hugepages);
        final String permission = DpdkEal.explain(List.of(), 13, "Permission denied",
            "EAL: Cannot open /dev/vfio/vfio: Permission denied");
        assertTrue(permission.contains("run the gateway as root") && permission.contains("CAP_NET_ADMIN"), permission);
    }
}
