package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.keys.KeyEpoch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a worker does per burst for its keys (check for a switch, switch, move to a new
 * snapshot's ring) allocates nothing: every instance was built when the policy was applied.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerKeysAllocationTest
{
    private static final int EPOCHS = 256;
    private static final long EPOCH_LENGTH_NS = 1_000;
    private static final long STEP_NS = 250;

    private final long[] nowNs = {0};

    private static KeyRing ring(final byte seed)
    {
        final String[] ids = new String[EPOCHS];
        final long[] fromNs = new long[EPOCHS];
        final EpochMethods[][] methods = new EpochMethods[EPOCHS][];
        final byte[] bytes = SiteKeyTest.sequentialKey();
        for (int epoch = 0; epoch < EPOCHS; epoch++)
        {
            ids[epoch] = "e" + epoch;
            fromNs[epoch] = epoch * EPOCH_LENGTH_NS;
            bytes[0] = (byte)epoch;
            bytes[1] = seed;
            methods[epoch] = new EpochMethods[]{EpochMethods.of(new SiteKey("eu-west", ids[epoch], bytes), 0)};
        }
        final List<KeyEpoch> epochs = new ArrayList<>();
        for (int epoch = 0; epoch < EPOCHS; epoch++)
        {
            epochs.add(new KeyEpoch("eu-west", ids[epoch], Instant.ofEpochSecond(0, fromNs[epoch]), SourcePosition.START));
        }
        return new KeyRing(KeySchedule.of("eu-west", epochs, 0), methods, KeySchedule.NO_EPOCH);
    }

    @Test
    void refreshingAndSwitchingAllocateNothing()
    {
        final KeyRing[] rings = {ring((byte)1), ring((byte)2)};
        final WorkerKeys keys = new WorkerKeys(0, () -> nowNs[0]);
        final int[] current = {0};
        final long[] checksum = {0};
        new AllocationProbe("key refresh + switch + one address", 200_000, 100_000, 5).assertNoAllocation(() ->
        {
            nowNs[0] += STEP_NS;
            if (nowNs[0] >= EPOCHS * EPOCH_LENGTH_NS)
            {
                // A new policy snapshot: another ring, from its first epoch again.
                nowNs[0] = 0;
                current[0] ^= 1;
            }
            keys.refresh(rings[current[0]]);
            checksum[0] += keys.cryptoPan().anonymizeIpv4((int)nowNs[0]);
            return 1;
        });
        assertTrue(keys.switches() > EPOCHS, "the pass switched epochs");
    }
}
