package dev.sluice.dataplane.source.dpdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without --no-huge and without usable hugepages the EAL fails, and the error says to add
 * --no-huge or reserve hugepages. Hugepages are made unusable whatever the host has by pointing
 * the EAL at a directory that is not a hugetlbfs mount. Runs in a JVM of its own: a failed EAL
 * init cannot be retried in a process.
 */
@Timeout(60)
class DpdkEalHugepagesErrorTest
{
    @Test
    void missingHugepagesNameNoHugeAndTheSysctl(final @TempDir Path notHugetlbfs)
    {
        DpdkTesting.requireShim();
        final DpdkException error = assertThrows(DpdkException.class, () -> DpdkEal.init(List.of(
            "-m", "64", "--huge-dir", notHugetlbfs.toString(), "--no-shconf", "--no-pci", "--no-telemetry", "-l", "0")));
        System.out.println(error.getMessage());
        assertTrue(error.getMessage().contains("--no-huge"), error.getMessage());
        assertTrue(error.getMessage().contains("vm.nr_hugepages"), error.getMessage());

        final DpdkException again = assertThrows(DpdkException.class, () -> DpdkEal.init(List.of("--no-huge")));
        assertTrue(again.getMessage().contains("cannot be retried"), again.getMessage());
    }
}
