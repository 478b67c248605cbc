package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.codec.GatewayHelloEncoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckEncoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicySubmitChunkEncoder;
import dev.sluice.protocol.codec.PolicySubmitEncoder;
import dev.sluice.protocol.codec.PolicySubmitStatus;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane agent driven by hand through {@code doWork()} with fake gateways and a fake CLI on an
 * embedded media driver; time comes from a cached clock the test advances.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlPlaneTest
{
    static final String POLICY_V1 = """
        rules:
          - when: ip.src == 10.0.0.1
            then: drop
        """;
    static final String POLICY_V2 = """
        rules:
          - when: tcp.dstport == 23
            then: drop
        """;
    static final String POLICY_V3 = """
        rules:
          - when: udp.dstport == 53
            then: sample 1/10
        """;
    static final String POLICY_WITH_TWO_ERRORS = """
        rules:
          - when: INVALID
            then: drop
          - when: ip.src == INVALID
        """;

    @TempDir
    Path tempDir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<FakeGateway> gateways = new ArrayList<>();
    private final List<FakeCli> clis = new ArrayList<>();
    private TestMediaDriver driver;
    private String inboundChannel;
    private String pushChannel;
    private Path policyFile;
    private ControlPlaneContext context;
    private ControlPlane controlPlane;
    private long nextCorrelationId = 100;

    @BeforeEach
    void setUp()
    {
        driver = new TestMediaDriver();
        clock.update(1_000_000);
        inboundChannel = "aeron:udp?endpoint=localhost:" + TestMediaDriver.freeUdpPort();
        pushChannel = "aeron:udp?control=localhost:" + TestMediaDriver.freeUdpPort() + "|control-mode=dynamic|fc=min";
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(gateways);
        CloseHelper.closeAll(clis);
        stopControlPlane();
        CloseHelper.close(driver);
    }

    @Test
    void gatewayWithoutPolicyReceivesCurrentVersionAndItsAckShowsInFleetStatus() throws IOException
    {
        try (PolicyStore store = PolicyStore.open(storeDir()))
        {
            store.append("seed.yaml", POLICY_V1, 42);
        }
        startControlPlane();
        assertEquals(1, controlPlane.currentPolicyVersion());

        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("targeted push received", () -> !gateway.pushes().isEmpty());

        final FakeGateway.ReceivedPush push = gateway.pushes().getFirst();
        assertEquals(1, push.policyVersion());
        assertEquals("gw-1", push.targetGatewayId());
        assertEquals("seed.yaml", push.sourceName());
        assertEquals(POLICY_V1, push.document());
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));

        awaitTrue("ack sent", () -> gateway.ack(1, PolicyAckStatus.APPLIED, 1, ""));
        awaitTrue("fleet shows the ack", () -> hasAck("gw-1", AckState.APPLIED));

        final GatewayStatus status = controlPlane.fleetSnapshot().gateway("gw-1");
        assertEquals("site-gw-1", status.site());
        assertEquals("eu-west", status.region());
        assertEquals(1, status.appliedPolicyVersion());
        assertEquals(1, status.lastAckPolicyVersion());
        assertEquals(1, controlPlane.fleetSnapshot().currentPolicyVersion());

        // Up to date now: further hellos, even after the resend interval, push nothing.
        clock.advance(context.pushResendIntervalMs() + 1);
        awaitTrue("hello sent", () -> gateway.hello(1));
        awaitTrue("hello counted", () -> controlPlane.counter(ControlPlaneCounter.GATEWAY_HELLOS) == 2);
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));
    }

    @Test
    void submitsAreValidatedVersionedPushedAndContinueAfterRestart()
    {
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
        FakeCli cli = connectCli();

        final FakeCli.Result accepted = submit(cli, "policy.yaml", POLICY_V1);
        assertEquals(PolicySubmitStatus.ACCEPTED, accepted.status());
        assertEquals(1, accepted.policyVersion());
        awaitTrue("broadcast received", () -> !gateway.pushes().isEmpty());
        assertEquals("", gateway.pushes().getFirst().targetGatewayId());
        assertEquals(POLICY_V1, gateway.pushes().getFirst().document());
        assertTrue(Files.exists(storeDir().resolve("policy-1.yaml")));
        assertTrue(Files.exists(storeDir().resolve("policy-1.meta")));

        final FakeCli.Result unchanged = submit(cli, "policy.yaml", POLICY_V1);
        assertEquals(PolicySubmitStatus.UNCHANGED, unchanged.status());
        assertEquals(1, unchanged.policyVersion());

        final FakeCli.Result invalid = submit(cli, "bad.yaml", POLICY_WITH_TWO_ERRORS);
        assertEquals(PolicySubmitStatus.INVALID, invalid.status());
        assertEquals(1, invalid.policyVersion());
        assertEquals(
            "bad.yaml:2:11: error: INVALID is not allowed here\n" +
            "bad.yaml:4:21: error: INVALID is not allowed here",
            invalid.message());
        assertEquals(List.of(1L), context.policyStore().versions());
        assertEquals(1, controlPlane.currentPolicyVersion());

        final FakeCli.Result second = submit(cli, "policy.yaml", POLICY_V2);
        assertEquals(PolicySubmitStatus.ACCEPTED, second.status());
        assertEquals(2, second.policyVersion());
        awaitTrue("second broadcast received", () -> gateway.pushes().size() == 2);
        // Pushes arrive in order on one stream: neither the unchanged nor the invalid submit was pushed.
        assertEquals(List.of(1L, 2L), gateway.pushes().stream().map(FakeGateway.ReceivedPush::policyVersion).toList());
        assertEquals(2, controlPlane.counter(ControlPlaneCounter.PUSHES_BROADCAST));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.SUBMITS_INVALID));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.SUBMITS_UNCHANGED));

        clis.remove(cli);
        cli.close();
        stopControlPlane();
        startControlPlane();
        assertEquals(2, controlPlane.currentPolicyVersion());
        cli = connectCli();

        final FakeCli.Result sameAfterRestart = submit(cli, "policy.yaml", POLICY_V2);
        assertEquals(PolicySubmitStatus.UNCHANGED, sameAfterRestart.status());
        final FakeCli.Result third = submit(cli, "policy.yaml", POLICY_V3);
        assertEquals(PolicySubmitStatus.ACCEPTED, third.status());
        assertEquals(3, third.policyVersion());
        assertEquals(List.of(1L, 2L, 3L), context.policyStore().versions());
    }

    @Test
    void rejectedPushShowsInFleetStatusAndIsNotPushedAgain()
    {
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
        final FakeCli cli = connectCli();
        assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V1).status());
        awaitTrue("broadcast received", () -> !gateway.pushes().isEmpty());

        final String compilerErrors =
            "policy.yaml:3:13: error: unknown field ip.srcc\npolicy.yaml:4:11: error: unknown action dorp";
        awaitTrue("ack sent", () -> gateway.ack(1, PolicyAckStatus.REJECTED, 0, compilerErrors));
        awaitTrue("fleet shows the rejection", () -> hasAck("gw-1", AckState.REJECTED));

        final GatewayStatus status = controlPlane.fleetSnapshot().gateway("gw-1");
        assertEquals(compilerErrors, status.lastAckMessage());
        assertEquals(1, status.lastAckPolicyVersion());
        assertEquals(0, status.appliedPolicyVersion());
        assertEquals(1, controlPlane.currentPolicyVersion());

        // It would reject the same version again: no targeted push even after the resend interval.
        clock.advance(context.pushResendIntervalMs() + 1);
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("hello counted", () -> controlPlane.counter(ControlPlaneCounter.GATEWAY_HELLOS) == 2);
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));
        assertEquals(0, controlPlane.fleetSnapshot().gateway("gw-1").appliedPolicyVersion());
    }

    @Test
    void lateGatewayIsPushedAgainAfterResendInterval()
    {
        startControlPlane();
        final FakeCli cli = connectCli();
        assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V1).status());

        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("targeted push received", () -> gateway.pushes().size() == 1);

        // Still behind (applying, or the push was lost): not pushed again before the resend interval.
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("hello counted", () -> controlPlane.counter(ControlPlaneCounter.GATEWAY_HELLOS) == 2);
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));

        clock.advance(context.pushResendIntervalMs());
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("second targeted push received", () -> gateway.pushes().size() == 2);
        assertEquals(2, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));
    }

    @Test
    void changedPolicyFileIsSubmittedAndPushed() throws IOException
    {
        policyFile = tempDir.resolve("watched.yaml");
        Files.writeString(policyFile, POLICY_V1);
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));

        advanceUntil("first version from the file", () -> controlPlane.currentPolicyVersion() == 1);
        awaitTrue("version 1 received", () -> gateway.pushes().size() == 1);
        assertEquals(POLICY_V1, gateway.pushes().getFirst().document());
        assertEquals(policyFile.toString(), gateway.pushes().getFirst().sourceName());

        Files.writeString(policyFile, POLICY_V2 + "# edited\n");
        advanceUntil("second version from the file", () -> controlPlane.currentPolicyVersion() == 2);
        awaitTrue("version 2 broadcast received", () -> gateway.pushes().size() == 2);
        assertEquals(POLICY_V2 + "# edited\n", gateway.pushes().get(1).document());
        assertEquals("", gateway.pushes().get(1).targetGatewayId());

        Files.writeString(policyFile, POLICY_WITH_TWO_ERRORS);
        advanceUntil("invalid file rejected", () -> controlPlane.counter(ControlPlaneCounter.SUBMITS_INVALID) == 1);
        assertEquals(2, controlPlane.currentPolicyVersion());
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.POLICY_FILE_ERRORS));
    }

    @Test
    void garbageFramesAreCountedAndTheAgentKeepsWorking()
    {
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final List<Integer> lengths = new ArrayList<>();

        // Shorter than a header.
        lengths.add(3);
        sendRaw(gateway, frame, 3);

        // Another schema.
        header.wrap(frame, 0).blockLength(0).templateId(20).schemaId(999).version(1);
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH);

        // A template the control plane does not receive (a push sent to it).
        header.wrap(frame, 0).blockLength(0).templateId(21).schemaId(MessageHeaderEncoder.SCHEMA_ID).version(1);
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH);

        // A hello cut short in its block.
        new GatewayHelloEncoder().wrapAndApplyHeader(frame, 0, header).gatewayId("gw-x");
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH + 10);

        // A hello without a gateway id.
        new GatewayHelloEncoder().wrapAndApplyHeader(frame, 0, header).gatewayId("").site("s").region("r");
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH + GatewayHelloEncoder.BLOCK_LENGTH);

        // An ack with an undefined status byte.
        final PolicyAckEncoder ack = new PolicyAckEncoder().wrapAndApplyHeader(frame, 0, header)
            .gatewayId("gw-1").policyVersion(1).appliedPolicyVersion(1).message("");
        frame.putByte(MessageHeaderEncoder.ENCODED_LENGTH + PolicyAckEncoder.statusEncodingOffset(), (byte)7);
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength());

        // A submit whose document claims almost 4 GiB.
        final PolicySubmitEncoder submit = new PolicySubmitEncoder().wrapAndApplyHeader(frame, 0, header)
            .correlationId(1).sourceName("x.yaml").document("rules: []");
        final int documentLengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + PolicySubmitEncoder.BLOCK_LENGTH + 4 + 6;
        frame.putInt(documentLengthOffset, 0xFFFF_FFF0, ByteOrder.LITTLE_ENDIAN);
        sendRaw(gateway, frame, MessageHeaderEncoder.ENCODED_LENGTH + submit.encodedLength());

        // Noise.
        final Random random = new Random(7);
        final byte[] noise = new byte[200];
        for (int i = 0; i < 20; i++)
        {
            random.nextBytes(noise);
            frame.putBytes(0, noise);
            sendRaw(gateway, frame, 1 + random.nextInt(noise.length));
        }

        final int sent = 7 + 20;
        awaitTrue("every bad frame counted", () -> badFrames() == sent);
        assertEquals(3, controlPlane.counter(ControlPlaneCounter.FRAMES_TRUNCATED) -
            countNoiseShorterThanHeader(), "truncated");
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.HANDLER_ERRORS));
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.POLICY_SUBMITS));

        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered after garbage", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
        final FakeCli cli = connectCli();
        assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V1).status());
        assertNull(controlPlane.fleetSnapshot().gateway("gw-x"));
    }

    @Test
    void everyGatewayReceivesBroadcastPushes()
    {
        startControlPlane();
        try (TestMediaDriver otherHost = new TestMediaDriver())
        {
            // Two drivers stand for two gateway hosts: each joins the multi-destination-cast publication.
            final FakeGateway gatewayA = connectGateway("gw-a");
            final FakeGateway gatewayB = new FakeGateway(otherHost.aeron(), "gw-b", context);
            gateways.add(gatewayB);
            awaitTrue("gw-b connected", gatewayB::isConnected);
            awaitTrue("hello a", () -> gatewayA.hello(0));
            awaitTrue("hello b", () -> gatewayB.hello(0));
            awaitTrue("both registered", () -> controlPlane.fleetSnapshot().gateways().size() == 2);

            final FakeCli cli = connectCli();
            assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V1).status());
            assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V2).status());
            awaitTrue("gw-a received both", () -> gatewayA.pushes().size() == 2);
            awaitTrue("gw-b received both", () -> gatewayB.pushes().size() == 2);
            for (final FakeGateway gateway : List.of(gatewayA, gatewayB))
            {
                assertEquals(
                    List.of("", ""),
                    gateway.pushes().stream().map(FakeGateway.ReceivedPush::targetGatewayId).toList());
                assertEquals(POLICY_V2, gateway.pushes().get(1).document());
            }
            assertEquals(0, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));

            awaitTrue("ack a", () -> gatewayA.ack(2, PolicyAckStatus.APPLIED, 2, ""));
            awaitTrue("ack b", () -> gatewayB.ack(2, PolicyAckStatus.APPLIED, 2, ""));
            awaitTrue("both applied", () -> hasAck("gw-a", AckState.APPLIED) && hasAck("gw-b", AckState.APPLIED));

            gateways.remove(gatewayB);
            gatewayB.close();
        }
    }

    @Test
    void silentGatewayExpires()
    {
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));

        clock.advance(context.gatewayTimeoutMs() - 1);
        controlPlane.doWork();
        assertNotNull(controlPlane.fleetSnapshot().gateway("gw-1"));

        clock.advance(ControlPlane.HOUSEKEEPING_INTERVAL_MS);
        awaitTrue("gateway expired", () -> controlPlane.fleetSnapshot().gateways().isEmpty());
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.GATEWAYS_EXPIRED));
    }

    @Test
    void documentAboveTheParserLimitIsInvalid()
    {
        startControlPlane();
        final String huge = "#" + "x".repeat(DocumentChunking.MAX_DOCUMENT_BYTES) + "\n";
        final ControlPlane.SubmitDecision decision = controlPlane.submit("huge.yaml", huge);
        assertEquals(PolicySubmitStatus.INVALID, decision.status());
        assertEquals(
            "huge.yaml: error: document is 16777218 bytes; a policy is at most 16777216 bytes (16 MiB): " +
            "split it or shorten its lists",
            decision.message());
        assertEquals(0, controlPlane.currentPolicyVersion());
        assertTrue(context.policyStore().versions().isEmpty());
    }

    @Test
    void documentLongerThanOneMessageTravelsInChunksBothWays()
    {
        startControlPlane();
        final FakeGateway early = connectGateway("gw-1");
        awaitTrue("hello sent", () -> early.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
        final FakeCli cli = connectCli();

        // 256 KiB terms: a message is at most 32 KiB, so this takes about 20 chunks each way.
        final String big = largeDocument(600 * 1024);
        final int chunks = submitInChunks(cli, 500, "big.yaml", big.getBytes(StandardCharsets.UTF_8));
        assertTrue(chunks > 10, "chunks " + chunks);
        final FakeCli.Result accepted = cli.result(500);
        assertEquals(PolicySubmitStatus.ACCEPTED, accepted.status(), accepted.message());
        assertEquals(1, accepted.policyVersion());
        assertEquals(big, context.policyStore().current().document());
        assertEquals(chunks, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_RECEIVED));

        awaitTrue("broadcast reassembled", () -> !early.pushes().isEmpty());
        assertEquals(new FakeGateway.ReceivedPush(1, "", "big.yaml", big), early.pushes().getFirst());
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.PUSHES_CHUNKED));

        // A gateway that joins later gets the same version as a targeted chunked push.
        final FakeGateway late = connectGateway("gw-2");
        awaitTrue("hello sent", () -> late.hello(0));
        awaitTrue("targeted push reassembled", () -> !late.pushes().isEmpty());
        assertEquals(new FakeGateway.ReceivedPush(1, "gw-2", "big.yaml", big), late.pushes().getFirst());
        assertEquals(2, controlPlane.counter(ControlPlaneCounter.PUSHES_CHUNKED));
        awaitTrue("gw-1 saw the targeted push go by", () -> early.allPushes().size() == 2);

        // A small document still goes in one PolicyPush, which gateways of schema version 4 read too.
        final int chunksBefore = early.chunksReceived();
        assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "small.yaml", POLICY_V2).status());
        awaitTrue("small push received", () -> early.pushes().size() == 2);
        assertEquals(POLICY_V2, early.pushes().get(1).document());
        assertEquals(chunksBefore, early.chunksReceived());
        assertEquals(List.of(), early.chunkFailures());
        assertEquals(List.of(), late.chunkFailures());
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.OUTBOUND_DROPPED));
    }

    @Test
    void brokenChunkedSubmitsAreAnsweredCountedAndNeverStored()
    {
        startControlPlane();
        final FakeCli cli = connectCli();
        final byte[] document = largeDocument(3000).substring(0, 3000).getBytes(StandardCharsets.UTF_8);
        final long crc = DocumentChunking.crc32c(document);

        sendChunk(cli, 1, 0, 3, document.length, crc, "a.yaml", document, 0, 1000);
        sendChunk(cli, 1, 2, 3, document.length, crc, "", document, 2000, 1000);
        assertBroken(cli, 1, "missing_chunk");

        sendChunk(cli, 2, 0, 2, document.length, crc + 1, "b.yaml", document, 0, 1500);
        sendChunk(cli, 2, 1, 2, document.length, crc + 1, "", document, 1500, 1500);
        assertBroken(cli, 2, "crc_mismatch");

        sendChunk(cli, 3, 0, 20, DocumentChunking.MAX_DOCUMENT_BYTES + 1L, crc, "c.yaml", document, 0, 1000);
        assertBroken(cli, 3, "too_large");

        sendChunk(cli, 4, 0, 0, document.length, crc, "d.yaml", document, 0, 1000);
        assertBroken(cli, 4, "invalid_header");
        sendChunk(cli, 5, 3, 3, document.length, crc, "e.yaml", document, 0, 1000);
        assertBroken(cli, 5, "invalid_header");

        sendChunk(cli, 6, 0, 2, document.length, crc, "f.yaml", document, 0, 1000);
        sendChunk(cli, 6, 0, 2, document.length, crc, "f.yaml", document, 0, 1000);
        assertBroken(cli, 6, "superseded");
        sendChunk(cli, 7, 0, 2, document.length, crc, "g.yaml", document, 0, 1500);
        assertBroken(cli, 6, "superseded");
        // A refused chunk 0 of another submit neither stops nor renames the transfer in progress.
        sendChunk(cli, 8, 0, 0, document.length, crc, "renamed.yaml", document, 0, 10);
        assertBroken(cli, 8, "invalid_header");
        sendChunk(cli, 7, 1, 2, document.length, crc, "", document, 1500, 1500);
        awaitTrue("result 7", () -> null != cli.result(7));
        assertEquals(PolicySubmitStatus.ACCEPTED, cli.result(7).status(), cli.result(7).message());

        // The rest of the superseded transfer is ignored: counted, not answered again, and 7 stands.
        sendChunk(cli, 6, 1, 2, document.length, crc, "", document, 1000, 2000);
        awaitTrue("orphan counted", () -> 1 == controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_ORPHANED));

        assertEquals(1, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_MISSING));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_CRC_MISMATCH));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_TOO_LARGE));
        assertEquals(3, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_INVALID_HEADER));
        assertEquals(2, controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_SUPERSEDED));
        assertEquals(8, controlPlane.counter(ControlPlaneCounter.SUBMITS_INVALID));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.POLICY_SUBMITS));
        assertEquals(List.of(1L), context.policyStore().versions());
        assertEquals("g.yaml", context.policyStore().current().sourceName());
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.HANDLER_ERRORS));
    }

    @Test
    void incompleteAckIsNotARejectionAndTheVersionIsPushedAgain()
    {
        startControlPlane();
        final FakeGateway gateway = connectGateway("gw-1");
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("gateway registered", () -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
        final FakeCli cli = connectCli();
        assertEquals(PolicySubmitStatus.ACCEPTED, submit(cli, "policy.yaml", POLICY_V1).status());
        awaitTrue("broadcast received", () -> gateway.pushes().size() == 1);

        awaitTrue("ack sent", () -> gateway.ack(1, PolicyAckStatus.INCOMPLETE, 0, "policy version 1 did not arrive whole"));
        awaitTrue("fleet shows it", () -> hasAck("gw-1", AckState.INCOMPLETE));
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.POLICY_ACKS_INCOMPLETE));

        clock.advance(context.pushResendIntervalMs());
        awaitTrue("hello sent", () -> gateway.hello(0));
        awaitTrue("pushed again", () -> gateway.pushes().size() == 2);
        assertEquals(1, controlPlane.counter(ControlPlaneCounter.PUSHES_TARGETED));
    }

    @Test
    void longResultMessagesAreCutAtLineBoundaries()
    {
        final String message = "line one\nline two\nline three\n" + "x".repeat(200);
        assertEquals(message, new String(ControlPlane.fitMessage(message, 1000), StandardCharsets.UTF_8));

        final String fitted = new String(ControlPlane.fitMessage(message, 100), StandardCharsets.UTF_8);
        assertEquals("line one\nline two\nline three\n... 1 more lines not shown", fitted);
    }

    /**
     * A valid (for the test validator) document of about the given length: a policy and comment lines.
     */
    static String largeDocument(final int approximateLength)
    {
        final StringBuilder document = new StringBuilder(POLICY_V1);
        for (int line = 0; document.length() < approximateLength; line++)
        {
            document.append("# padding line ").append(line).append(" of a long policy document\n");
        }
        return document.toString();
    }

    private int submitInChunks(final FakeCli cli, final long correlationId, final String sourceName, final byte[] document)
    {
        final int overhead = MessageHeaderEncoder.ENCODED_LENGTH + PolicySubmitChunkEncoder.BLOCK_LENGTH + 4 +
            sourceName.length() + 4;
        final int chunkLength = DocumentChunking.chunkLength(cli.maxMessageLength(), overhead);
        final int count = DocumentChunking.chunkCount(document.length, chunkLength);
        final long crc = DocumentChunking.crc32c(document);
        for (int index = 0; index < count; index++)
        {
            final int offset = index * chunkLength;
            sendChunk(cli, correlationId, index, count, document.length, crc, 0 == index ? sourceName : "", document,
                offset, Math.min(chunkLength, document.length - offset));
        }
        awaitTrue("submit result", () -> null != cli.result(correlationId));
        return count;
    }

    private void sendChunk(
        final FakeCli cli,
        final long correlationId,
        final long index,
        final long count,
        final long total,
        final long crc,
        final String sourceName,
        final byte[] document,
        final int offset,
        final int length)
    {
        awaitTrue("chunk sent", () -> cli.submitChunk(correlationId, index, count, total, crc, sourceName, document,
            offset, length));
    }

    private void assertBroken(final FakeCli cli, final long correlationId, final String reason)
    {
        awaitTrue("result " + correlationId, () -> null != cli.result(correlationId));
        final FakeCli.Result result = cli.result(correlationId);
        assertEquals(PolicySubmitStatus.INVALID, result.status());
        assertTrue(result.message().startsWith("error: the document did not arrive whole (" + reason + "): "),
            result.message());
        assertTrue(result.message().contains("submit it again"), result.message());
    }

    private long countNoiseShorterThanHeader()
    {
        final Random random = new Random(7);
        final byte[] noise = new byte[200];
        long count = 0;
        for (int i = 0; i < 20; i++)
        {
            random.nextBytes(noise);
            if (1 + random.nextInt(noise.length) < MessageHeaderEncoder.ENCODED_LENGTH)
            {
                count++;
            }
        }
        return count;
    }

    private long badFrames()
    {
        return controlPlane.counter(ControlPlaneCounter.FRAMES_TRUNCATED) +
            controlPlane.counter(ControlPlaneCounter.FRAMES_UNKNOWN) +
            controlPlane.counter(ControlPlaneCounter.FRAMES_MALFORMED);
    }

    private void sendRaw(final FakeGateway gateway, final UnsafeBuffer frame, final int length)
    {
        awaitTrue("raw frame sent", () -> gateway.offerRaw(frame, 0, length));
    }

    private boolean hasAck(final String gatewayId, final AckState state)
    {
        final GatewayStatus status = controlPlane.fleetSnapshot().gateway(gatewayId);
        return null != status && state == status.lastAckState();
    }

    private Path storeDir()
    {
        return tempDir.resolve("store");
    }

    private void startControlPlane()
    {
        context = new ControlPlaneContext()
            .aeron(driver.aeron())
            .inboundChannel(inboundChannel)
            .pushChannel(pushChannel)
            .policyStoreDir(storeDir())
            .policyFile(policyFile)
            .policyValidator(new TestPolicyValidator())
            .epochClock(clock)
            .conclude();
        controlPlane = new ControlPlane(context);
        controlPlane.onStart();
    }

    private void stopControlPlane()
    {
        if (null != controlPlane)
        {
            controlPlane.onClose();
            context.close();
            controlPlane = null;
        }
    }

    private FakeGateway connectGateway(final String gatewayId)
    {
        final FakeGateway gateway = new FakeGateway(driver.aeron(), gatewayId, context);
        gateways.add(gateway);
        awaitTrue(gatewayId + " connected", gateway::isConnected);
        return gateway;
    }

    private FakeCli connectCli()
    {
        final FakeCli cli = new FakeCli(driver.aeron(), context);
        clis.add(cli);
        awaitTrue("cli connected", cli::isConnected);
        return cli;
    }

    private FakeCli.Result submit(final FakeCli cli, final String sourceName, final String document)
    {
        final long correlationId = nextCorrelationId++;
        awaitTrue("submit sent", () -> cli.submit(correlationId, sourceName, document));
        awaitTrue("submit result", () -> null != cli.result(correlationId));
        return cli.result(correlationId);
    }

    /**
     * Advance the clock in poll-interval steps, doing work in between, until the condition holds.
     */
    private void advanceUntil(final String description, final BooleanSupplier condition)
    {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++)
        {
            clock.advance(context.policyFilePollIntervalMs());
            work();
        }
        assertTrue(condition.getAsBoolean(), description);
    }

    /**
     * Drive the agent and poll the fakes until the condition holds; the test's timeout bounds the wait.
     */
    private void awaitTrue(final String description, final BooleanSupplier condition)
    {
        while (!condition.getAsBoolean())
        {
            if (Thread.currentThread().isInterrupted())
            {
                throw new AssertionError("interrupted while waiting for: " + description);
            }
            if (0 == work())
            {
                LockSupport.parkNanos(100_000);
            }
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private int work()
    {
        int workCount = null == controlPlane ? 0 : controlPlane.doWork();
        for (final FakeGateway gateway : gateways)
        {
            workCount += gateway.poll();
        }
        for (final FakeCli cli : clis)
        {
            workCount += cli.poll();
        }
        return workCount;
    }
}
