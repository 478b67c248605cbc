package dev.sluice.dataplane.control;

import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.GatewayHelloDecoder;
import dev.sluice.protocol.codec.GatewayHelloEncoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckDecoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushChunkEncoder;
import dev.sluice.protocol.codec.PolicyPushEncoder;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway conductor driven by {@code doWork()} against a fake control plane on an
 * embedded driver: hellos, and every outcome of a policy push (APPLIED, STALE, REJECTED for
 * an invalid document or for Crypto-PAn without a key), keeping the version in effect
 * whenever a push fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayConductorTest
{
    private static final String GATEWAY = "gw-paris-1";
    private static final String SITE = "paris-1";
    private static final String REGION = "eu-west";
    private static final long HELLO_INTERVAL_MS = 1_000;
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(8000);

    private static final String PLAIN_POLICY = """
        sluice-policy: 1
        name: plain
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west, us-east]
        """;

    private static final String INVALID_POLICY = """
        sluice-policy: 1
        name: broken
        match: first
        default: keep
        rules:
          - name: typo
            when: udp.prot == 123
            then: drop
          - name: bad-ratio
            when: udp.port == 53
            then: sample 1/0
        """;

    private static final String ANONYMIZING_POLICY = """
        sluice-policy: 1
        name: anonymizing
        match: first
        default: keep
        rules:
          - name: hide
            when: tcp.port == 443
            then: [keep, anonymize ip.addr with cryptopan]
        """;

    private static TestMediaDriver media;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CachedEpochClock clock = new CachedEpochClock();
    private final PolicyHolder holder = new PolicyHolder();
    private final ControlPlaneInbox inbox = new ControlPlaneInbox();
    private final ExpandableArrayBuffer pushBuffer = new ExpandableArrayBuffer(64 * 1024);
    private Publication pushPublication;
    private Subscription inboundSubscription;
    private Publication controlPublication;
    private GatewayConductor conductor;

    @BeforeAll
    static void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterAll
    static void closeDriver()
    {
        CloseHelper.close(media);
    }

    @AfterEach
    void closeResources()
    {
        CloseHelper.closeAll(resources);
    }

    private void start(final boolean canTransform)
    {
        final int pushStream = STREAM_IDS.incrementAndGet();
        final int inboundStream = STREAM_IDS.incrementAndGet();
        pushPublication = track(media.aeron.addPublication("aeron:ipc", pushStream));
        final Subscription pushSubscription = track(media.aeron.addSubscription("aeron:ipc", pushStream));
        controlPublication = track(media.aeron.addPublication("aeron:ipc", inboundStream));
        inboundSubscription = track(media.aeron.addSubscription("aeron:ipc", inboundStream));
        // Until the driver first sets a publisher limit, an offer is refused as back-pressured.
        TestMediaDriver.until(() -> pushPublication.positionLimit() > 0 && controlPublication.positionLimit() > 0,
            () -> {}, "control links connected");
        clock.update(1_000_000);
        conductor = new GatewayConductor(
            GATEWAY,
            SITE,
            REGION,
            pushSubscription,
            controlPublication,
            holder,
            new PolicyInstaller(REGION, List.of("eu-west", "us-east"), canTransform),
            clock,
            HELLO_INTERVAL_MS);
    }

    @Test
    void saysHelloAtOnceAndThenEveryInterval()
    {
        start(false);
        assertTrue(conductor.doWork() > 0);
        awaitHellos(1);
        final Hello first = inbox.hellos.get(0);
        assertEquals(new Hello(GATEWAY, SITE, REGION, 0, 1_000_000), first);

        clock.advance(HELLO_INTERVAL_MS - 1);
        conductor.doWork();
        assertEquals(1, drainInbox().hellos.size(), "not before the interval");

        clock.advance(1);
        conductor.doWork();
        awaitHellos(2);
        assertEquals(1_000_000 + HELLO_INTERVAL_MS, inbox.hellos.get(1).timestampMs());

        push(4, "", "plain.yaml", PLAIN_POLICY);
        awaitAcks(1);
        clock.advance(HELLO_INTERVAL_MS);
        conductor.doWork();
        awaitHellos(3);
        assertEquals(4, inbox.hellos.get(2).appliedPolicyVersion(), "hellos carry the version in effect");
    }

    @Test
    void appliedStaleAndRejectedKeepTheVersionInEffect()
    {
        start(false);

        push(1, "", "plain-v1.yaml", PLAIN_POLICY);
        awaitAcks(1);
        assertEquals(new Ack(GATEWAY, 1, PolicyAckStatus.APPLIED, 1, ""), inbox.acks.get(0));
        final PolicySnapshot v1 = holder.current();
        assertEquals(1, v1.version());
        assertEquals("plain", v1.name());

        push(1, "", "plain-v1.yaml", PLAIN_POLICY);
        awaitAcks(2);
        assertEquals(new Ack(GATEWAY, 1, PolicyAckStatus.STALE, 1, "version 1 is not newer than the applied version 1"),
            inbox.acks.get(1));

        push(0, "", "old.yaml", PLAIN_POLICY);
        awaitAcks(3);
        assertEquals(PolicyAckStatus.STALE, inbox.acks.get(2).status());
        assertEquals(1, inbox.acks.get(2).appliedPolicyVersion());

        push(2, "", "broken-v2.yaml", INVALID_POLICY);
        awaitAcks(4);
        final Ack invalid = inbox.acks.get(3);
        assertEquals(2, invalid.policyVersion());
        assertEquals(PolicyAckStatus.REJECTED, invalid.status());
        assertEquals(1, invalid.appliedPolicyVersion());
        final List<String> errors = List.of(invalid.message().split("\n"));
        assertEquals(2, errors.stream().filter(line -> line.startsWith("broken-v2.yaml:")).count(), invalid.message());
        assertTrue(errors.get(0).startsWith("broken-v2.yaml:7:11: error: unknown field 'udp.prot'"), errors.get(0));
        assertTrue(invalid.message().contains("broken-v2.yaml:11:20: error: 'sample 1/0' is not a ratio"), invalid.message());
        assertSame(v1, holder.current(), "an invalid push leaves the policy in effect");
        assertEquals(invalid.message(), conductor.lastRejection());

        push(3, "", "anonymizing-v3.yaml", ANONYMIZING_POLICY);
        awaitAcks(5);
        final Ack keyless = inbox.acks.get(4);
        assertEquals(PolicyAckStatus.REJECTED, keyless.status());
        assertEquals(1, keyless.appliedPolicyVersion());
        assertEquals("anonymizing-v3.yaml: the policy needs an anonymization key for cryptopan (an anonymize rule) but this gateway has no " +
            "anonymization key; set anonymization.key-file in the gateway configuration", keyless.message());
        assertSame(v1, holder.current());

        push(4, "", "demo-v4.yaml", TestPolicies.resource("edge-demo-policy.yaml"));
        awaitAcks(6);
        final Ack residency = inbox.acks.get(5);
        assertEquals(PolicyAckStatus.REJECTED, residency.status());
        assertTrue(residency.message().contains("(residency to us-east)"), residency.message());
        assertSame(v1, holder.current());

        push(5, "", "plain-v5.yaml", PLAIN_POLICY);
        awaitAcks(7);
        assertEquals(new Ack(GATEWAY, 5, PolicyAckStatus.APPLIED, 5, ""), inbox.acks.get(6));
        assertEquals(5, holder.appliedVersion());
        assertEquals(7, conductor.pushesReceived());
        assertEquals(3, conductor.pushesRejected());
    }

    @Test
    void gatewayWithKeyAppliesPoliciesThatTransform()
    {
        start(true);
        push(1, "", "anonymizing.yaml", ANONYMIZING_POLICY);
        push(2, "", "demo.yaml", TestPolicies.resource("edge-demo-policy.yaml"));
        awaitAcks(2);
        assertEquals(PolicyAckStatus.APPLIED, inbox.acks.get(0).status());
        assertEquals(new Ack(GATEWAY, 2, PolicyAckStatus.APPLIED, 2, ""), inbox.acks.get(1));
        assertEquals("eu-edge-demo", holder.current().name());
    }

    @Test
    void pushesForOtherGatewaysAndForeignFramesAreIgnored()
    {
        start(false);
        push(1, "gw-lyon-1", "other.yaml", PLAIN_POLICY);
        final UnsafeBuffer hello = new UnsafeBuffer(new byte[256]);
        final int helloLength = MessageHeaderEncoder.ENCODED_LENGTH + new GatewayHelloEncoder()
            .wrapAndApplyHeader(hello, 0, new MessageHeaderEncoder()).gatewayId(GATEWAY).encodedLength();
        offer(hello, helloLength);
        offer(new UnsafeBuffer(new byte[4]), 4);
        push(2, GATEWAY, "mine.yaml", PLAIN_POLICY);

        awaitAcks(1);
        assertEquals(new Ack(GATEWAY, 2, PolicyAckStatus.APPLIED, 2, ""), inbox.acks.get(0));
        drainInbox();
        assertEquals(1, inbox.acks.size(), "no ack for a push addressed to another gateway");
        assertEquals(1, conductor.pushesReceived());
        assertEquals(2, conductor.framesIgnored());
    }

    @Test
    void documentLargerThanOneFrameIsReassembled()
    {
        start(false);
        final StringBuilder document = new StringBuilder(PLAIN_POLICY);
        final int insertAt = document.indexOf("residency:");
        final StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            rules.append("  - name: port-").append(i).append("\n    when: tcp.dstport == ").append(10_000 + i)
                .append("\n    then: keep\n");
        }
        document.insert(insertAt, rules);
        assertTrue(document.length() > 16 * 1024);

        push(1, "", "large.yaml", document.toString());
        awaitAcks(1);
        assertEquals(PolicyAckStatus.APPLIED, inbox.acks.get(0).status(), inbox.acks.get(0).message());
        assertEquals(401, holder.current().rules().ruleCount());
    }

    @Test
    void documentLongerThanOneMessageArrivesInChunksAndIsApplied()
    {
        start(false);
        final byte[] document = policyWithList(40_000).getBytes(StandardCharsets.UTF_8);
        assertTrue(document.length > 4 * pushPublication.maxMessageLength(), "bytes " + document.length);

        final int chunks = pushChunks(1, "", "big.yaml", document, 32 * 1024);
        awaitAcks(1);
        assertEquals(new Ack(GATEWAY, 1, PolicyAckStatus.APPLIED, 1, ""), inbox.acks.get(0));
        assertEquals(1, holder.appliedVersion());
        assertEquals(2, holder.current().rules().ruleCount());
        assertEquals(1, conductor.pushesReceived());
        assertEquals(chunks, conductor.pushChunksReceived());
        for (final ChunkFailure failure : ChunkFailure.values())
        {
            assertEquals(0, conductor.chunkedPushFailures(failure), failure.name());
        }

        // A small version after it still comes in one PolicyPush.
        push(2, "", "small.yaml", PLAIN_POLICY);
        awaitAcks(2);
        assertEquals(new Ack(GATEWAY, 2, PolicyAckStatus.APPLIED, 2, ""), inbox.acks.get(1));
    }

    @Test
    void brokenChunkedPushesAreAcknowledgedIncompleteAndThePolicyIsKept()
    {
        start(false);
        push(1, "", "plain.yaml", PLAIN_POLICY);
        awaitAcks(1);
        final PolicySnapshot v1 = holder.current();
        final byte[] document = policyWithList(200).getBytes(StandardCharsets.UTF_8);
        final int length = document.length;
        final long crc = DocumentChunking.crc32c(document);
        final int third = length / 3;

        chunk(2, GATEWAY, 0, 3, length, crc, "two.yaml", document, 0, third);
        chunk(2, GATEWAY, 2, 3, length, crc, "", document, 2 * third, length - 2 * third);
        assertIncomplete(2, 2, "a chunk is missing");

        chunk(3, "", 0, 2, length, crc ^ 1, "three.yaml", document, 0, third);
        chunk(3, "", 1, 2, length, crc ^ 1, "", document, third, length - third);
        assertIncomplete(3, 3, "fails its CRC32C");

        chunk(4, "", 0, 17, DocumentChunking.MAX_DOCUMENT_BYTES + 1L, crc, "four.yaml", document, 0, third);
        assertIncomplete(4, 4, "claims more than 16777216 bytes");

        chunk(5, "", 0, 0, length, crc, "five.yaml", document, 0, third);
        assertIncomplete(5, 5, "impossible");
        chunk(6, "", 7, 3, length, crc, "six.yaml", document, 0, third);
        assertIncomplete(6, 6, "impossible");

        // A newer version starting before the older completes: the older is dropped, the newer applied.
        chunk(7, "", 0, 2, length, crc, "seven.yaml", document, 0, third);
        pushChunks(8, "", "eight.yaml", document, third + 1);
        awaitAcks(8);
        assertEquals(7, inbox.acks.get(6).policyVersion());
        assertEquals(PolicyAckStatus.INCOMPLETE, inbox.acks.get(6).status());
        assertTrue(inbox.acks.get(6).message().contains("a newer transfer started"), inbox.acks.get(6).message());
        assertEquals(1, inbox.acks.get(6).appliedPolicyVersion());
        assertEquals(new Ack(GATEWAY, 8, PolicyAckStatus.APPLIED, 8, ""), inbox.acks.get(7));

        // The rest of version 7, and a push for another gateway: no ack, the policy stays.
        chunk(7, "", 1, 2, length, crc, "", document, third, length - third);
        pushChunks(9, "gw-lyon-1", "lyon.yaml", document, third + 1);
        push(10, GATEWAY, "ten.yaml", PLAIN_POLICY);
        awaitAcks(9);
        assertEquals(10, inbox.acks.get(8).policyVersion(), "nothing acknowledged in between");
        assertEquals(1, conductor.chunkedPushFailures(ChunkFailure.ORPHANED));
        assertEquals(1, conductor.chunkedPushFailures(ChunkFailure.MISSING_CHUNK));
        assertEquals(1, conductor.chunkedPushFailures(ChunkFailure.CRC_MISMATCH));
        assertEquals(1, conductor.chunkedPushFailures(ChunkFailure.TOO_LARGE));
        assertEquals(2, conductor.chunkedPushFailures(ChunkFailure.INVALID_HEADER));
        assertEquals(1, conductor.chunkedPushFailures(ChunkFailure.SUPERSEDED));
        assertEquals(0, conductor.framesIgnored());
        assertEquals(0, conductor.pushesRejected());
        assertTrue(v1 != holder.current());
        assertEquals(10, holder.appliedVersion());
    }

    @Test
    void localPoliciesGetTheSameChecks()
    {
        start(false);
        assertEquals(List.of(), conductor.applyLocal(0, "bootstrap.yaml", PLAIN_POLICY));
        final PolicySnapshot bootstrap = holder.current();
        assertEquals(0, bootstrap.version());

        final List<String> invalid = conductor.applyLocal(0, "bad.yaml", INVALID_POLICY);
        assertEquals(2, invalid.size());
        assertTrue(invalid.get(0).startsWith("bad.yaml:7:11: error:"), invalid.get(0));
        final List<String> keyless = conductor.applyLocal(0, "anon.yaml", ANONYMIZING_POLICY);
        assertEquals(1, keyless.size());
        assertTrue(keyless.get(0).startsWith("anon.yaml: the policy needs an anonymization key for cryptopan"), keyless.get(0));
        assertSame(bootstrap, holder.current());

        // A bootstrap policy is version 0: any pushed version replaces it, a push of 0 is stale.
        push(0, "", "zero.yaml", PLAIN_POLICY);
        push(1, "", "one.yaml", PLAIN_POLICY);
        awaitAcks(2);
        assertEquals(PolicyAckStatus.STALE, inbox.acks.get(0).status());
        assertEquals(PolicyAckStatus.APPLIED, inbox.acks.get(1).status());
        assertEquals(1, holder.appliedVersion());
    }

    @Test
    void nothingIsAppliedBeforeTheFirstPush()
    {
        start(false);
        drainInbox();
        assertNull(holder.current());
        assertEquals(0, holder.appliedVersion());
        assertTrue(inbox.acks.isEmpty());
    }

    private void push(final long version, final String target, final String sourceName, final String document)
    {
        final PolicyPushEncoder encoder = new PolicyPushEncoder()
            .wrapAndApplyHeader(pushBuffer, 0, new MessageHeaderEncoder())
            .policyVersion(version)
            .issuedTimestampMs(clock.time())
            .targetGatewayId(target)
            .sourceName(sourceName)
            .document(document);
        offer(pushBuffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private void assertIncomplete(final int ackCount, final long version, final String reason)
    {
        awaitAcks(ackCount);
        final Ack ack = inbox.acks.get(ackCount - 1);
        assertEquals(version, ack.policyVersion());
        assertEquals(PolicyAckStatus.INCOMPLETE, ack.status(), ack.message());
        assertEquals(1, ack.appliedPolicyVersion());
        assertTrue(ack.message().startsWith("policy version " + version + " did not arrive whole: "), ack.message());
        assertTrue(ack.message().contains(reason), ack.message());
        assertTrue(ack.message().contains("keeping version 1"), ack.message());
        assertEquals(1, holder.appliedVersion());
    }

    /**
     * PLAIN_POLICY with a named list of distinct /24 prefixes that a second rule uses.
     */
    static String policyWithList(final int prefixes)
    {
        final StringBuilder document = new StringBuilder("""
            sluice-policy: 1
            name: listed
            match: first
            default: keep
            regions: [eu-west, us-east]
            lists:
              internal:
            """);
        for (int i = 0; i < prefixes; i++)
        {
            document.append("    - 10.").append(i >> 8 & 0xFF).append('.').append(i & 0xFF).append(".0/24\n");
        }
        return document.append("""
            rules:
              - name: internal
                when: ip.src in $internal
                then: keep
              - name: drop-ntp
                when: udp.port == 123
                then: drop
            residency:
              - class: pii.ip
                origin: eu-west
                raw: [eu-west, us-east]
            """).toString();
    }

    private int pushChunks(
        final long version, final String target, final String sourceName, final byte[] document, final int chunkLength)
    {
        final int count = DocumentChunking.chunkCount(document.length, chunkLength);
        final long crc = DocumentChunking.crc32c(document);
        for (int index = 0; index < count; index++)
        {
            final int offset = index * chunkLength;
            chunk(version, target, index, count, document.length, crc, 0 == index ? sourceName : "", document, offset,
                Math.min(chunkLength, document.length - offset));
        }
        return count;
    }

    private void chunk(
        final long version,
        final String target,
        final long index,
        final long count,
        final long total,
        final long crc,
        final String sourceName,
        final byte[] document,
        final int offset,
        final int length)
    {
        final PolicyPushChunkEncoder encoder = new PolicyPushChunkEncoder()
            .wrapAndApplyHeader(pushBuffer, 0, new MessageHeaderEncoder())
            .policyVersion(version)
            .issuedTimestampMs(clock.time())
            .targetGatewayId(target)
            .chunkIndex(index)
            .chunkCount(count)
            .totalLength(total)
            .documentCrc32c(crc)
            .sourceName(sourceName)
            .putChunk(document, offset, length);
        final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        // The conductor keeps draining meanwhile, so a long transfer never waits on a full term.
        TestMediaDriver.until(() -> pushPublication.offer(pushBuffer, 0, frameLength) > 0, this::duty, "chunk offered");
    }

    private void offer(final org.agrona.DirectBuffer buffer, final int length)
    {
        TestMediaDriver.until(() -> pushPublication.offer(buffer, 0, length) > 0, () -> {}, "push offered");
    }

    private void awaitAcks(final int count)
    {
        TestMediaDriver.until(() -> inbox.acks.size() >= count, this::duty, count + " acks");
    }

    private void awaitHellos(final int count)
    {
        TestMediaDriver.until(() -> inbox.hellos.size() >= count,
            () -> inboundSubscription.poll(inbox.assembler, 10), count + " hellos");
    }

    private void duty()
    {
        conductor.doWork();
        inboundSubscription.poll(inbox.assembler, 10);
    }

    private ControlPlaneInbox drainInbox()
    {
        for (int i = 0; i < 50; i++)
        {
            duty();
            Thread.onSpinWait();
        }
        return inbox;
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    record Hello(String gatewayId, String site, String region, long appliedPolicyVersion, long timestampMs)
    {
    }

    record Ack(String gatewayId, long policyVersion, PolicyAckStatus status, long appliedPolicyVersion, String message)
    {
    }

    /** What the fake control plane received from the gateway. */
    static final class ControlPlaneInbox
    {
        final List<Hello> hellos = new ArrayList<>();
        final List<Ack> acks = new ArrayList<>();
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final GatewayHelloDecoder hello = new GatewayHelloDecoder();
        private final PolicyAckDecoder ack = new PolicyAckDecoder();
        final FragmentHandler assembler = new FragmentAssembler((buffer, offset, length, frameHeader) ->
        {
            header.wrap(buffer, offset);
            if (header.templateId() == GatewayHelloDecoder.TEMPLATE_ID)
            {
                hello.wrapAndApplyHeader(buffer, offset, header);
                hellos.add(new Hello(hello.gatewayId(), hello.site(), hello.region(), hello.appliedPolicyVersion(),
                    hello.timestampMs()));
            }
            else if (header.templateId() == PolicyAckDecoder.TEMPLATE_ID)
            {
                ack.wrapAndApplyHeader(buffer, offset, header);
                acks.add(new Ack(ack.gatewayId(), ack.policyVersion(), ack.status(), ack.appliedPolicyVersion(),
                    ack.message()));
            }
            else
            {
                throw new AssertionError("unexpected template " + header.templateId());
            }
        });
    }
}
