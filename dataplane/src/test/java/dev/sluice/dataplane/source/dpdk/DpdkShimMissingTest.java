package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host without DPDK: Surefire's dpdk-missing execution points sluice.native.dir at a directory
 * that does not exist. The DPDK source is refused, at load time and at open, with the package
 * to install and the rebuild.
 */
@Timeout(60)
class DpdkShimMissingTest
{
    @TempDir
    Path directory;

    @Test
    void theDpdkSourceIsRefusedWithThePackageToInstall() throws Exception
    {
        assertFalse(DpdkLibrary.isAvailable());
        final String reason = DpdkLibrary.unavailableReason();
        assertTrue(reason.contains("apt-get install libdpdk-dev") && reason.contains("rebuild"), reason);

        final DpdkSources sources = new DpdkSources(List.of("--no-huge"), "net_null0", 1, 4095);
        final DpdkException open = assertThrows(DpdkException.class, () -> sources.open(0));
        assertTrue(open.getMessage().contains("libdpdk-dev"), open.getMessage());
        final DpdkException init = assertThrows(DpdkException.class, () -> DpdkEal.init(List.of("--no-huge")));
        assertTrue(init.getMessage().contains("libdpdk-dev"), init.getMessage());

        final Path config = directory.resolve("gateway.yaml");
        Files.writeString(config, """
            gateway:
              id: gw-1
              site: lab-1
              region: eu-west
            source:
              dpdk:
                eal-args: [--no-huge, -m, 256]
                device: net_pcap0,rx_pcap=/srv/site.pcap
            destinations:
              - region: eu-west
                channel: aeron:ipc
            """);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(config));
        assertTrue(error.getMessage().contains(config + ":7:5: error: source.dpdk: the DPDK source is disabled"),
            error.getMessage());
        assertTrue(error.getMessage().contains("apt-get install libdpdk-dev"), error.getMessage());
    }
}
