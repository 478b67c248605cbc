package dev.sluice.dataplane.anonymize.keys;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.policy.keys.KeyEpochs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.dataplane.anonymize.keys.KeyScheduleTest.DEC;
import static dev.sluice.dataplane.anonymize.keys.KeyScheduleTest.HOUR_NS;
import static dev.sluice.dataplane.anonymize.keys.KeyScheduleTest.NOV;
import static dev.sluice.dataplane.anonymize.keys.KeyScheduleTest.epoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conductor's side of the keys, with a clock the test sets: what a policy's key section
 * needs from the key directory, reuse of loaded keys (a rollback within the overlap needs no
 * file), switches noticed once, and replaced keys dropped when their overlap ends.
 */
class KeyCustodianTest
{
    private static final int WORKERS = 2;

    @TempDir
    Path root;

    private final AtomicLong nowNs = new AtomicLong(NOV + HOUR_NS);

    private KeyCustodian custodian(final Path keyFile) throws IOException
    {
        return new KeyCustodian("eu-west", new KeyDirectory(root, "eu-west"), keyFile, WORKERS, 16, nowNs::get, null);
    }

    private static KeyEpochs novemberDecember(final long overlapNs)
    {
        return new KeyEpochs(true, overlapNs, List.of(
            epoch("eu-west", "2026-11", "2026-11-01T00:00:00Z"),
            epoch("eu-west", "2026-12", "2026-12-01T00:00:00Z"),
            epoch("us-east", "2026-11", "2026-11-01T00:00:00Z")));
    }

    private void provisionBoth() throws IOException
    {
        KeyDirectoryTest.provision(root, "eu-west", "2026-11", SiteKeyTest.sequentialKey());
        KeyDirectoryTest.provision(root, "eu-west", "2026-12", SiteKeyTest.reversedKey());
    }

    @Test
    void aLaterEpochsKeyMustBeProvisionedBeforeThePolicyIsAccepted() throws IOException
    {
        KeyDirectoryTest.provision(root, "eu-west", "2026-11", SiteKeyTest.sequentialKey());
        try (KeyCustodian keys = custodian(null))
        {
            final KeyCustodian.Resolution resolution = keys.resolve(novemberDecember(24 * HOUR_NS));
            assertNull(resolution.ring());
            assertEquals(List.of("key epoch eu-west/2026-12 (from 2026-12-01T00:00:00Z): key file " +
                root.resolve("eu-west/2026-12.key") + " of epoch eu-west/2026-12 is not provisioned: put the epoch's key " +
                "there inside region eu-west (32 raw bytes or 64 hex characters, mode 600)"), resolution.errors());
            assertEquals(List.of(), keys.loadedEpochs(), "a rejected policy's keys are zeroed and forgotten");
        }
    }

    @Test
    void switchesAreNoticedOnceAndTheReplacedKeyIsDroppedWhenTheOverlapEnds() throws IOException
    {
        provisionBoth();
        try (KeyCustodian keys = custodian(null))
        {
            final KeyCustodian.Resolution resolution = keys.resolve(novemberDecember(24 * HOUR_NS));
            assertTrue(resolution.errors().isEmpty(), resolution.errors().toString());
            assertTrue(resolution.canTransform());
            final KeyRing ring = resolution.ring();
            keys.commit(ring);
            assertEquals(List.of("2026-11", "2026-12"), keys.loadedEpochs());
            assertEquals("eu-west/2026-11", ring.select(1, nowNs.get()).label());
            assertEquals(0, keys.doWork());

            nowNs.set(DEC);
            assertEquals(1, keys.doWork());
            assertEquals(1, keys.switches());
            assertEquals("eu-west/2026-12", ring.select(0, nowNs.get()).label());
            assertEquals(List.of("2026-11", "2026-12"), keys.loadedEpochs(), "retained for the overlap");
            assertEquals(0, keys.doWork());

            nowNs.set(DEC + 24 * HOUR_NS);
            assertEquals(1, keys.doWork());
            assertEquals(1, keys.switches());
            assertEquals(List.of("2026-12"), keys.loadedEpochs(), "dropped when the overlap ended");
            assertTrue(!ring.isLoaded(0) && ring.isLoaded(1));
        }
    }

    @Test
    void aRollbackWithinTheOverlapNeedsNoKeyFile() throws IOException
    {
        provisionBoth();
        try (KeyCustodian keys = custodian(null))
        {
            final KeyRing first = keys.resolve(novemberDecember(24 * HOUR_NS)).ring();
            keys.commit(first);
            final EpochMethods november = first.select(0, nowNs.get());
            nowNs.set(DEC + HOUR_NS);
            keys.doWork();
            Files.delete(root.resolve("eu-west/2026-11.key"));

            // The rollback: the December epoch withdrawn, November active again.
            final KeyCustodian.Resolution rollback = keys.resolve(new KeyEpochs(true, 24 * HOUR_NS,
                List.of(epoch("eu-west", "2026-11", "2026-11-01T00:00:00Z"))));
            assertTrue(rollback.errors().isEmpty(), rollback.errors().toString());
            keys.commit(rollback.ring());
            final EpochMethods active = rollback.ring().select(0, nowNs.get());
            assertEquals("eu-west/2026-11", active.label());
            assertSame(november, active, "the loaded instances are reused, warm caches and all");
            assertEquals(List.of("2026-11"), keys.loadedEpochs(), "December's key is zeroed: no policy needs it");
        }
    }

    @Test
    void beforeTheFirstEpochNothingCanBeTransformed() throws IOException
    {
        provisionBoth();
        nowNs.set(NOV - 1);
        try (KeyCustodian keys = custodian(null))
        {
            final KeyCustodian.Resolution resolution = keys.resolve(novemberDecember(0));
            assertNotNull(resolution.ring());
            assertEquals("no key epoch of region eu-west is active yet: the first, 2026-11, starts at 2026-11-01T00:00:00Z",
                resolution.noKeyReason());
            assertNull(resolution.ring().select(0, nowNs.get()));

            final KeyCustodian.Resolution otherRegionOnly = keys.resolve(new KeyEpochs(true, 0,
                List.of(epoch("us-east", "2026-11", "2026-11-01T00:00:00Z"))));
            assertEquals("the policy's 'keys:' section has no key epoch of region eu-west", otherRegionOnly.noKeyReason());
        }
    }

    @Test
    void theKeyFileServesPoliciesWithoutAKeysSection() throws IOException
    {
        final Path keyFile = root.resolve("site.key");
        CryptoPan.writeKeyFile(keyFile, SiteKeyTest.sequentialKey());
        try (KeyCustodian withFile = custodian(keyFile);
            KeyCustodian withoutDirectory = new KeyCustodian("eu-west", null, keyFile, 1, 0, nowNs::get, null))
        {
            final KeyCustodian.Resolution resolution = withFile.resolve(KeyEpochs.NONE);
            assertTrue(resolution.canTransform());
            assertSame(resolution.ring(), withFile.resolve(KeyEpochs.NONE).ring(), "one ring for every such policy");
            assertEquals("eu-west/key-file", resolution.ring().select(1, Long.MIN_VALUE).label());

            final KeyCustodian.Resolution needsDirectory = withoutDirectory.resolve(novemberDecember(0));
            assertNull(needsDirectory.ring());
            assertTrue(needsDirectory.errors().getFirst().contains("this gateway has no anonymization.key-dir: set " +
                "anonymization.key-dir in the gateway configuration"), needsDirectory.errors().toString());
        }
        try (KeyCustodian none = new KeyCustodian("eu-west", null, null, 1, 0, nowNs::get, null))
        {
            assertEquals("this gateway has no anonymization key; set anonymization.key-file in the gateway configuration",
                none.resolve(KeyEpochs.NONE).noKeyReason());
        }
    }

    @Test
    void workersSwitchAtTheirNextRefreshAndOnlyThen() throws IOException
    {
        provisionBoth();
        try (KeyCustodian keys = custodian(null))
        {
            final KeyRing ring = keys.resolve(novemberDecember(HOUR_NS)).ring();
            keys.commit(ring);
            final WorkerKeys worker = new WorkerKeys(1, nowNs::get);
            assertNull(worker.cryptoPan());
            final EpochMethods november = worker.refresh(ring);
            assertEquals("eu-west/2026-11", november.label());
            assertSame(november, worker.refresh(ring));
            nowNs.set(DEC - 1);
            assertSame(november, worker.refresh(ring));
            nowNs.set(DEC);
            assertSame(november, worker.current(), "nothing changes between refreshes");
            final EpochMethods december = worker.refresh(ring);
            assertEquals("eu-west/2026-12", december.label());
            assertSame(december.cryptoPan(), worker.cryptoPan());
            assertSame(december.textAddresses(), worker.textAddresses());
            assertEquals(1, worker.switches());
            assertSame(december, worker.refresh(null), "a snapshot without a ring keeps the keys");

            final CryptoPan handMade = new CryptoPan(SiteKeyTest.sequentialKey(), 0);
            final WorkerKeys fixed = WorkerKeys.fixed(handMade);
            assertSame(handMade, fixed.refresh(null).cryptoPan(), "fixed keys stay without a ring");
            final String byWallClock = System.currentTimeMillis() * 1_000_000L < DEC ? "eu-west/2026-11" : "eu-west/2026-12";
            assertEquals(byWallClock, fixed.refresh(ring).label(), "a ring replaces fixed keys, by the wall clock");
            assertNull(WorkerKeys.fixed(null).cryptoPan());
        }
    }
}
