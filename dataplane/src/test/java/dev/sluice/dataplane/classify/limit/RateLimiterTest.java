package dev.sluice.dataplane.classify.limit;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token buckets over simulated time (each item's receive time is given, no clock is read):
 * per key the limit holds, keys are independent, a rule without keys has one bucket, a new
 * version starts afresh, a full table evicts its stalest bucket, and deciding allocates nothing.
 */
class RateLimiterTest
{
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static final String POLICY = """
        sluice-policy: 1
        name: limits
        match: first
        default: keep
        rules:
          - name: per-source
            when: tcp.dstport == 22
            then: rate-limit 100/s by ip.src
          - name: one-bucket
            when: tcp.dstport == 23
            then: rate-limit 10/s burst 3
          - name: per-minute
            when: tcp.dstport == 24
            then: rate-limit 20/m by ip.src burst 5
          - name: per-host-and-flag
            when: syslog.severity >= 0
            then: rate-limit 2/s by syslog.hostname, tcp.flags.syn, vlan.id
          - name: keep
            when: true
            then: keep
        """;

    private static final int PER_SOURCE = 0;
    private static final int ONE_BUCKET = 1;
    private static final int PER_MINUTE = 2;
    private static final int PER_HOST = 3;

    private final Policy policy = TestPolicies.parse(POLICY);
    private final RateLimiter limiter = new RateLimiter();
    private final Item item = new Item();

    @Test
    void planGivesKeyedRulesATableAndAKeylessRuleOneBucket()
    {
        final RateLimitPlan plan = RateLimitPlan.of(policy, 64);
        assertEquals(64, plan.entries(PER_SOURCE));
        assertEquals(1, plan.entries(ONE_BUCKET));
        assertEquals(0, plan.entries(4), "keep does not rate-limit");
        assertEquals(0, plan.entries(5), "nor does the default");
        assertEquals(64 + 1 + 64 + 64, plan.totalEntries());
        assertTrue(plan.any());
        assertFalse(RateLimitPlan.of(TestPolicies.parse(POLICY.replaceAll("then: rate-limit.*", "then: keep"))).any());
    }

    @Test
    void eachKeyGetsItsLimitOverTenSimulatedSeconds()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        final int keys = 5;
        final long[] passed = new long[keys];
        // Every key offers 1,000 items a second (ten times its limit) for ten seconds.
        for (long t = 0; t < 10 * SECOND; t += MS)
        {
            for (int key = 0; key < keys; key++)
            {
                if (limiter.admit(PER_SOURCE, item.source(key), T0 + t))
                {
                    passed[key]++;
                }
            }
        }
        for (int key = 0; key < keys; key++)
        {
            assertTrue(passed[key] >= 100 * 10 && passed[key] <= 100 * 10 + 100,
                "key " + key + ": " + passed[key] + " passed; the limit is 100/s over 10 s plus a burst of 100");
        }
        assertEquals(0, limiter.evictions());
    }

    @Test
    void aKeyWithinItsLimitIsNotHeldBackByAnotherOverIt()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        long quietPassed = 0;
        for (long t = 0; t < 5 * SECOND; t += MS)
        {
            limiter.admit(PER_SOURCE, item.source(1), T0 + t);
            if (0 == t % (20 * MS))
            {
                quietPassed += limiter.admit(PER_SOURCE, item.source(2), T0 + t) ? 1 : 0;
            }
        }
        assertEquals(5 * SECOND / (20 * MS), quietPassed, "50 items a second, under 100/s: every one passes");
    }

    @Test
    void aRuleWithoutKeysHasOneBucketForEveryItem()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        long passed = 0;
        for (long t = 0; t < 2 * SECOND; t += MS)
        {
            passed += limiter.admit(ONE_BUCKET, item.source((int)(t / MS)), T0 + t) ? 1 : 0;
        }
        assertTrue(passed >= 10 * 2 && passed <= 10 * 2 + 3, passed + " passed; 10/s over 2 s plus a burst of 3, whatever the source");
    }

    @Test
    void aRatePerMinuteRefillsOverMinutesAndTheBurstCapsASpike()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        long spike = 0;
        for (int i = 0; i < 100; i++)
        {
            spike += limiter.admit(PER_MINUTE, item.source(7), T0) ? 1 : 0;
        }
        assertEquals(5, spike, "the burst, all at once");
        long passed = spike;
        for (long t = SECOND; t <= 3 * 60 * SECOND; t += SECOND)
        {
            passed += limiter.admit(PER_MINUTE, item.source(7), T0 + t) ? 1 : 0;
        }
        assertTrue(passed >= 5 + 20 * 3 - 1 && passed <= 5 + 20 * 3, passed + " passed over 3 minutes at 20/m after a burst of 5");
    }

    @Test
    void textDerivedAndRepeatedKeysAndAbsentFieldsTellKeysApart()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        // Two tokens each: the third item of a key at the same instant is held back.
        final Item[] keys = {
            new Item().host("a"), new Item().host("b"), new Item().host("ab"), new Item().host("a").syn(1),
            new Item().host("a").vlans(1), new Item().host("a").vlans(1, 2), new Item().host("a").vlans(2, 1), new Item()};
        for (final Item key : keys)
        {
            assertTrue(limiter.admit(PER_HOST, key, T0), key.toString());
            assertTrue(limiter.admit(PER_HOST, key, T0), key.toString());
        }
        for (final Item key : keys)
        {
            assertFalse(limiter.admit(PER_HOST, key, T0), key.toString());
        }
        assertFalse(limiter.admit(PER_HOST, new Item().host("a").flags(0x02), T0), "a derived key is its bits: other flags do not count");
        assertTrue(limiter.admit(PER_HOST, new Item().host("a").syn(0), T0), "a SYN bit of 0 is a value, not an absent field");
    }

    @Test
    void aNewVersionStartsWithFreshBuckets()
    {
        final RateLimitPlan plan = RateLimitPlan.of(policy);
        limiter.onNewPolicy(plan);
        assertTrue(limiter.admit(PER_HOST, item.host("h"), T0));
        assertTrue(limiter.admit(PER_HOST, item.host("h"), T0));
        assertFalse(limiter.admit(PER_HOST, item.host("h"), T0));
        limiter.onNewPolicy(plan);
        assertTrue(limiter.admit(PER_HOST, item.host("h"), T0));
    }

    @Test
    void aClockSteppedFarBackStartsTheBucketAfreshAndASmallStepIsLimited()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        while (limiter.admit(PER_HOST, item.host("h"), T0))
        {
            // drain the burst
        }
        assertFalse(limiter.admit(PER_HOST, item.host("h"), T0 - MS), "a millisecond back: still over the limit");
        assertTrue(limiter.admit(PER_HOST, item.host("h"), T0 - 3 * SECOND), "seconds back: the bucket starts afresh");
    }

    @Test
    void aFullTableGivesWayToTheStalestBucketAndCountsOnlyThoseStillLimiting()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        limiter.onNewPolicy(RateLimitPlan.of(policy, 8));
        // Eight keys fit an eight-entry table: no eviction, whatever the order.
        for (int i = 0; i < 1_000; i++)
        {
            limiter.admit(PER_SOURCE, item.source(random.nextInt(8)), T0 + i * MS);
        }
        assertEquals(0, limiter.evictions(), "seed " + seed);

        // A ninth key while all eight still hold tokens back (drawn at one instant): the stalest gives way.
        limiter.onNewPolicy(RateLimitPlan.of(policy, 8));
        for (int key = 0; key < 8; key++)
        {
            limiter.admit(PER_SOURCE, item.source(key), T0 + key);
        }
        assertTrue(limiter.admit(PER_SOURCE, item.source(100), T0 + 8));
        assertEquals(1, limiter.evictions());

        // Idle buckets (refilled long ago) are reused without loss, so not counted.
        assertTrue(limiter.admit(PER_SOURCE, item.source(200), T0 + 10 * SECOND));
        assertEquals(1, limiter.evictions());
    }

    @Test
    void decidingAllocatesNothing()
    {
        limiter.onNewPolicy(RateLimitPlan.of(policy));
        final Item[] items = {new Item().source(1), new Item().source(2), new Item().host("gateway-7").syn(1).vlans(10, 20)};
        final long[] now = {T0};
        final long[] passed = {0};
        final Runnable pass = () ->
        {
            for (int i = 0; i < 1_000; i++)
            {
                now[0] += 100_000;
                passed[0] += limiter.admit(PER_SOURCE, items[i & 1], now[0]) ? 1 : 0;
                passed[0] += limiter.admit(ONE_BUCKET, items[i & 1], now[0]) ? 1 : 0;
                passed[0] += limiter.admit(PER_HOST, items[2], now[0]) ? 1 : 0;
            }
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 200, 20, 8);
        assertTrue(passed[0] > 0);
        assertEquals(0, bytes, "bytes allocated deciding 60,000 items");
    }

    @Test
    void switchingVersionsAllocatesNothingOnceTheArenaHoldsTheLargest()
    {
        final RateLimitPlan large = RateLimitPlan.of(policy);
        final RateLimitPlan none = RateLimitPlan.of(TestPolicies.parse(POLICY.replaceAll("then: rate-limit.*", "then: keep")));
        final long[] passed = {0};
        final long[] swaps = {0};
        final Runnable pass = () ->
        {
            for (int i = 0; i < 100; i++)
            {
                final boolean limits = 0 == (swaps[0]++ & 1);
                limiter.onNewPolicy(limits ? large : none);
                if (limits)
                {
                    passed[0] += limiter.admit(PER_SOURCE, item.source(i), T0 + i) ? 1 : 0;
                }
            }
        };
        final long bytes = AllocationProbe.fewestBytes(pass, 200, 20, 8);
        assertTrue(passed[0] > 0);
        assertEquals(0, bytes, "bytes allocated switching versions 2,000 times");
    }

    /** A reusable item with an address, a host name, a flag and VLAN tags; everything else absent. */
    private static final class Item implements FieldReader
    {
        private long source = -1;
        private String host;
        private long flags = -1;
        private long[] vlans = new long[0];

        Item source(final int key)
        {
            source = 0x0A00_0000L + key;
            return this;
        }

        Item host(final String name)
        {
            host = name;
            return this;
        }

        Item syn(final int bit)
        {
            flags = (long)bit << 1 | 0x10;
            return this;
        }

        Item flags(final long value)
        {
            flags = value;
            return this;
        }

        Item vlans(final long... ids)
        {
            vlans = ids;
            return this;
        }

        @Override
        public boolean isPresent(final int fieldId)
        {
            return occurrences(fieldId) > 0;
        }

        @Override
        public int occurrences(final int fieldId)
        {
            return switch (fieldId)
            {
                case PacketFields.IP_SRC -> source >= 0 ? 1 : 0;
                case EventFields.SYSLOG_HOSTNAME -> null != host ? 1 : 0;
                case PacketFields.TCP_FLAGS -> flags >= 0 ? 1 : 0;
                case PacketFields.VLAN_ID -> vlans.length;
                default -> 0;
            };
        }

        @Override
        public long integer(final int fieldId, final int occurrence)
        {
            return PacketFields.VLAN_ID == fieldId ? vlans[occurrence] : flags;
        }

        @Override
        public CharSequence text(final int fieldId)
        {
            return host;
        }

        @Override
        public int addressVersion(final int fieldId)
        {
            return 4;
        }

        @Override
        public long addressHigh(final int fieldId)
        {
            return 0;
        }

        @Override
        public long addressLow(final int fieldId)
        {
            return source;
        }

        @Override
        public String toString()
        {
            return "host " + host + " flags " + flags + " vlans " + Arrays.toString(vlans);
        }
    }
}
