package dev.sluice.dataplane.source.dpdk;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * What every DPDK test in one Surefire fork shares: the EAL arguments (DPDK initialises once per
 * process) and the check that the shim is there. With {@code -Dsluice.dpdk.required=true} (what
 * {@code ./sluice test} passes) a missing shim fails the tests instead of skipping them.
 */
final class DpdkTesting
{
    /** Property that turns a skip for a missing shim into a failure. */
    static final String REQUIRED_PROP_NAME = "sluice.dpdk.required";

    /**
     * No hugepages, no PCI scan, no shared runtime files (so DPDK processes running at the same
     * time never collide), one lcore. Every test hot-plugs its own virtual devices.
     */
    static final List<String> EAL_ARGS = List.of(
        "--no-huge", "-m", "512", "--no-shconf", "--no-pci", "--no-telemetry", "-l", "0", "--log-level=lib.eal:warning");

    private DpdkTesting()
    {
    }

    /** Skips (or, when required, fails) when the shim is not built; otherwise initialises the EAL. */
    static DpdkEal eal() throws DpdkException
    {
        requireShim();
        return DpdkEal.init(EAL_ARGS);
    }

    static void requireShim()
    {
        final String reason = DpdkLibrary.unavailableReason();
        if (reason != null)
        {
            if (Boolean.getBoolean(REQUIRED_PROP_NAME))
            {
                fail("DPDK tests are required (-D" + REQUIRED_PROP_NAME + "=true) but cannot run: " + reason);
            }
            System.err.println("SKIPPED DPDK test: " + reason);
            abort("DPDK shim unavailable: " + reason);
        }
    }
}
