package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.EventAnonymizer;
import dev.sluice.dataplane.anonymize.keys.EpochMethods;
import dev.sluice.dataplane.anonymize.keys.SiteKey;
import dev.sluice.dataplane.classify.detect.IdentifierKind;
import dev.sluice.dataplane.classify.event.EventDispatcher;
import dev.sluice.dataplane.classify.event.EventItemHandler;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.FieldReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.sluice.dataplane.residency.EventResidencyPlan.BLOCK;
import static dev.sluice.dataplane.residency.EventResidencyPlan.RAW;
import static dev.sluice.dataplane.residency.EventResidencyPlan.TRANSFORM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identifiers found in an event's text decide what each destination receives, as the event
 * worker decides it ({@link EventDelivery}): a class a residency rule names makes the event at
 * least that strict, an identifier whose class may go abroad only transformed is replaced by its
 * pseudonym in the transformed form, a class no rule names changes nothing, and an event with
 * more identifiers than can be transformed is treated as the most restrictive class.
 */
@Timeout(60)
class EventDeliveryDetectionTest
{
    private static final List<String> REGIONS = List.of("eu-west", "us-east");
    private static final String POLICY = """
        sluice-policy: 1
        name: detect
        match: first
        default: keep
        regions: [eu-west, us-east]
        residency:
          - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
          - {class: pii.email, origin: eu-west, raw: [eu-west], after: {email: [us-east]}}
          - {class: pii.card, origin: eu-west, raw: [eu-west]}
        """;

    private final Harness harness = new Harness(TestPolicies.parse(POLICY));

    @AfterEach
    void close()
    {
        harness.close();
    }

    @Test
    void anEmailInTheTextGoesAbroadOnlyAsItsPseudonym()
    {
        final String form = harness.deliver("<34>Nov 27 10:00:02 host1 app: mail from alice@example.com to bob");
        assertEquals(RAW, harness.delivery.decision(0));
        assertEquals(TRANSFORM, harness.delivery.decision(1));
        assertTrue(IdentifierKind.EMAIL.isIn(harness.delivery.detectedKinds()));
        assertFalse(form.contains("alice@"), form);
        assertTrue(form.startsWith("<34>Nov 27 10:00:02 host1 app: mail from ") && form.endsWith("@example.com to bob"), form);
    }

    @Test
    void aCardNumberKeepsTheEventAtHome()
    {
        assertEquals(null, harness.deliver("<34>Nov 27 10:00:03 host1 shop: paid with 4111 1111 1111 1111"));
        assertEquals(RAW, harness.delivery.decision(0));
        assertEquals(BLOCK, harness.delivery.decision(1));
    }

    @Test
    void aClassNoResidencyRuleNamesChangesNothing()
    {
        assertEquals(null, harness.deliver("<34>Nov 27 10:00:04 host1 app: call +44 20 7946 0958 from 00:1a:2b:3c:4d:5e"));
        assertEquals(RAW, harness.delivery.decision(0));
        assertEquals(RAW, harness.delivery.decision(1));
        assertEquals(0, harness.delivery.detectedKinds());
    }

    @Test
    void moreIdentifiersThanCanBeTransformedAreTheMostRestrictiveClass()
    {
        final StringBuilder text = new StringBuilder("<34>Nov 27 10:00:05 host1 app: list");
        for (int i = 0; i <= EventDelivery.MAX_IDENTIFIERS; i++)
        {
            text.append(" user").append(i).append("@example.com");
        }
        assertEquals(null, harness.deliver(text.toString()));
        assertTrue(harness.delivery.undetermined());
        assertEquals(EventDelivery.MAX_IDENTIFIERS + 1, harness.delivery.identifiersFound());
        assertEquals(RAW, harness.delivery.decision(0));
        assertEquals(BLOCK, harness.delivery.decision(1), "pii.card (not allowed abroad) is the most restrictive named class");
    }

    @Test
    void everyDetectedKindIsAClassAPolicyMayName()
    {
        for (final IdentifierKind kind : IdentifierKind.values())
        {
            assertTrue(harness.policy.dataClasses().contains(kind.dataClass()), kind.dataClass());
        }
    }

    @Test
    void aPolicyThatNamesNoDetectedClassScansNothing()
    {
        final Harness plain = new Harness(TestPolicies.parse(POLICY.replaceAll("(?m)^  - \\{class: pii\\.(email|card).*\\n", "")));
        try
        {
            assertEquals(0, plain.residency.detectedKinds());
            plain.deliver("<34>Nov 27 10:00:02 host1 app: mail from alice@example.com, card 4111 1111 1111 1111");
            assertEquals(RAW, plain.delivery.decision(1));
        }
        finally
        {
            plain.close();
        }
    }

    @Test
    void detectingAndTransformingAllocatesNothingPerEvent()
    {
        final byte[][] lines = {
            bytes("<34>Nov 27 10:00:02 host1 app: mail from alice@example.com to bob@example.org"),
            bytes("<34>Nov 27 10:00:03 host1 shop: paid with 4111 1111 1111 1111"),
            bytes("<34>Nov 27 10:00:04 host1 app: nothing to see at 10.1.2.3"),
        };
        final MemorySegment[] segments = new MemorySegment[lines.length];
        for (int i = 0; i < lines.length; i++)
        {
            segments[i] = Arena.ofAuto().allocate(lines[i].length);
            MemorySegment.copy(MemorySegment.ofArray(lines[i]), 0, segments[i], 0, lines[i].length);
        }
        new AllocationProbe("detect + transform", 60_000, 30_000, 5).assertNoAllocation(() ->
        {
            for (int i = 0; i < segments.length; i++)
            {
                harness.dispatch(segments[i], lines[i].length);
            }
            return segments.length;
        });
        assertTrue(harness.transformed > 0);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An event worker's decision path without the ring and egress: dispatcher, rules, delivery. */
    private static final class Harness implements EventItemHandler
    {
        final Policy policy;
        final EventRules rules;
        final EventResidencyPlan residency;
        final EventDelivery delivery;
        final EventDispatcher dispatcher;
        final EpochMethods methods;
        final IngestRecord header = new IngestRecord();
        final UnsafeBuffer target = new UnsafeBuffer(new byte[64 * 1024]);
        int written;
        long transformed;

        Harness(final Policy policy)
        {
            this.policy = policy;
            rules = EventRules.of(policy);
            residency = EventResidencyPlan.build(policy, "eu-west", REGIONS);
            final EventAnonymizer anonymizer = new EventAnonymizer(16 * 1024);
            anonymizer.use(policy);
            delivery = new EventDelivery(anonymizer, REGIONS.size());
            delivery.use(rules, residency);
            dispatcher = new EventDispatcher(policy.catalogue(), null, new NetflowParser()).items(this);
            final byte[] key = new byte[SiteKey.LENGTH_BYTES];
            for (int i = 0; i < key.length; i++)
            {
                key[i] = (byte)(i * 13 + 1);
            }
            methods = EpochMethods.of(new SiteKey("eu-west", "test", key), CryptoPan.DEFAULT_CACHE_SLOTS);
            header.wrap(Arena.ofAuto().allocate(IngestRecord.HEADER_LENGTH), 0);
        }

        /** @return the transformed form, or null when none was written. */
        String deliver(final String line)
        {
            final byte[] bytes = bytes(line);
            written = Integer.MIN_VALUE;
            dispatch(MemorySegment.ofArray(bytes), bytes.length);
            assertTrue(written != Integer.MIN_VALUE, "not parsed: " + line);
            return written >= 0 ? target.getStringWithoutLengthUtf8(0, written) : null;
        }

        void dispatch(final MemorySegment segment, final int length)
        {
            dispatcher.onEvent(EventFormat.SYSLOG, header, segment, 0, length);
        }

        @Override
        public void onEvent(
            final int kind,
            final FieldReader reader,
            final MemorySegment segment,
            final long offset,
            final int length,
            final long receiveTimeNs)
        {
            final int slot = rules.slot(policy.firstMatch(reader));
            final boolean addressMustChange = delivery.decide(reader, slot);
            written = delivery.transformText(reader, slot, addressMustChange, methods, segment, offset, length,
                target, 0, target.capacity(), receiveTimeNs, false);
            if (written >= 0)
            {
                transformed++;
            }
        }

        @Override
        public void onFlowRecord(final FieldReader reader, final NetflowParser parser, final long receiveTimeNs)
        {
            throw new AssertionError("no flow records here");
        }

        @Override
        public void onRejected(
            final String key,
            final int position,
            final MemorySegment segment,
            final long offset,
            final int length,
            final long receiveTimeNs)
        {
            throw new AssertionError("rejected: " + key + " at " + position);
        }

        void close()
        {
            delivery.close();
        }
    }
}
