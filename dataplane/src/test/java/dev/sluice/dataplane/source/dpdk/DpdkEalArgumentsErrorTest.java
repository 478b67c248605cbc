package dev.sluice.dataplane.source.dpdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid EAL arguments: a clear error that shows the arguments and points at valid ones. In a JVM of its own. */
@Timeout(60)
class DpdkEalArgumentsErrorTest
{
    @Test
    void invalidArgumentsAreNamed()
    {
        DpdkTesting.requireShim();
        final DpdkException error = assertThrows(DpdkException.class,
            () -> DpdkEal.init(List.of("--no-huge", "--definitely-not-an-eal-option")));
        System.out.println(error.getMessage());
        assertTrue(error.getMessage().contains("invalid EAL arguments"), error.getMessage());
        assertTrue(error.getMessage().contains("--definitely-not-an-eal-option"), error.getMessage());
    }
}
