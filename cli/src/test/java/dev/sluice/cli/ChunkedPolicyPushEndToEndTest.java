package dev.sluice.cli;

import dev.sluice.controlplane.AckState;
import dev.sluice.controlplane.ControlPlane;
import dev.sluice.controlplane.ControlPlaneContext;
import dev.sluice.controlplane.ControlPlaneCounter;
import dev.sluice.controlplane.ControlPlaneMain;
import dev.sluice.controlplane.GatewayStatus;
import dev.sluice.controlplane.PolicySubmitClient;
import dev.sluice.controlplane.PolicySubmitResponse;
import dev.sluice.controlplane.SubmitOutcome;
import dev.sluice.dataplane.control.GatewayConductor;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.protocol.chunk.ChunkFailure;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A policy several times longer than one Aeron message, submitted through the CLI's client, validated by the
 * real parser, and applied by gateway conductors: one running when it is submitted (broadcast) and one that
 * says hello later with no policy (targeted push). Both directions travel in chunks over a real media
 * driver; a small policy afterwards still travels in one message.
 */
class ChunkedPolicyPushEndToEndTest
{
    /** 4 MiB terms: a message is at most 512 KiB, so the ~5 MiB policy takes about 11 chunks each way. */
    private static final int TERM_LENGTH = 4 * 1024 * 1024;
    private static final int PREFIXES = 120_000;
    private static final long SUBMIT_TIMEOUT_MS = 120_000;
    private static final String SMALL_POLICY = """
        sluice-policy: 1
        name: small
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

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close()
    {
        final List<AutoCloseable> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        CloseHelper.closeAll(reversed);
    }

    @Test
    @Timeout(240)
    void largePolicyIsSubmittedPushedInChunksAndAppliedAtEveryGateway()
    {
        final String inbound = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        final String push = "aeron:udp?control=localhost:" + freeUdpPort() + "|control-mode=dynamic|fc=min";
        final MediaDriver driver = track(MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)));
        final Aeron aeron = track(Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())));
        final ControlPlaneMain controlPlaneMain = track(ControlPlaneMain.launch(new ControlPlaneContext()
            .aeron(aeron)
            .inboundChannel(inbound)
            .pushChannel(push)
            .pushResendIntervalMs(30_000)
            .policyStoreDir(directory.resolve("store"))));
        final ControlPlane controlPlane = controlPlaneMain.controlPlane();

        final PolicyHolder early = new PolicyHolder();
        final GatewayConductor earlyConductor = startGateway(aeron, "gw-early", inbound, push, early);
        await(() -> null != controlPlane.fleetSnapshot().gateway("gw-early"), "gw-early registered");

        final String big = largePolicy();
        final int bigBytes = big.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bigBytes > 5 * 1024 * 1024, "bytes " + bigBytes);
        assertTrue(bigBytes > 8 * (TERM_LENGTH / 8), "several messages long");

        final PolicySubmitClient client = track(new PolicySubmitClient(
            aeron, inbound, ControlPlaneContext.INBOUND_STREAM_ID_DEFAULT,
            ControlPlaneContext.pushSubscriptionChannel(push), ControlPlaneContext.REPLY_STREAM_ID_DEFAULT));
        final long submitted = System.nanoTime();
        final PolicySubmitResponse accepted = client.submit("big.yaml", big, SUBMIT_TIMEOUT_MS);
        System.out.println(bigBytes + " bytes validated and stored in " + (System.nanoTime() - submitted) / 1_000_000 + " ms");
        assertEquals(SubmitOutcome.ACCEPTED, accepted.outcome(), accepted.message());
        assertEquals(1, accepted.policyVersion());
        assertTrue(controlPlane.counter(ControlPlaneCounter.SUBMIT_CHUNKS_RECEIVED) > 8);

        await(() -> early.appliedVersion() == 1, "gw-early applies version 1");
        await(() -> acked(controlPlane, "gw-early", 1), "gw-early acknowledges version 1");
        System.out.println("applied at gw-early " + (System.nanoTime() - submitted) / 1_000_000 + " ms after submit");
        assertEquals("listed", early.current().name());
        assertTrue(earlyConductor.pushChunksReceived() > 8, "chunks " + earlyConductor.pushChunksReceived());

        // A gateway with no policy says hello later and is pushed the current version, targeted, in chunks.
        final PolicyHolder late = new PolicyHolder();
        final GatewayConductor lateConductor = startGateway(aeron, "gw-late", inbound, push, late);
        await(() -> late.appliedVersion() == 1, "gw-late applies version 1");
        await(() -> acked(controlPlane, "gw-late", 1), "gw-late acknowledges version 1");
        // Broadcast and targeted (a third only if a parse outlasted the resend interval).
        final long chunkedPushes = controlPlane.counter(ControlPlaneCounter.PUSHES_CHUNKED);
        assertTrue(chunkedPushes >= 2, "chunked pushes " + chunkedPushes);

        final long started = System.nanoTime();
        final PolicySubmitResponse small = client.submit("small.yaml", SMALL_POLICY, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.ACCEPTED, small.outcome(), small.message());
        await(() -> early.appliedVersion() == 2 && late.appliedVersion() == 2, "both apply version 2");
        await(() -> acked(controlPlane, "gw-early", 2) && acked(controlPlane, "gw-late", 2), "both acknowledge 2");
        assertEquals(chunkedPushes, controlPlane.counter(ControlPlaneCounter.PUSHES_CHUNKED), "the small one went whole");
        System.out.println("small policy applied at both gateways in " + (System.nanoTime() - started) / 1_000_000 + " ms");

        for (final GatewayConductor conductor : List.of(earlyConductor, lateConductor))
        {
            for (final ChunkFailure failure : ChunkFailure.values())
            {
                if (ChunkFailure.ORPHANED != failure)
                {
                    assertEquals(0, conductor.chunkedPushFailures(failure), failure.name());
                }
            }
            assertEquals(0, conductor.pushesRejected());
        }
        assertEquals(0, controlPlane.counter(ControlPlaneCounter.OUTBOUND_DROPPED));
    }

    /**
     * A named list of {@value #PREFIXES} distinct /24 prefixes, one a line with a comment, as an operator's
     * generated inventory would be.
     */
    private static String largePolicy()
    {
        final StringBuilder policy = new StringBuilder(PREFIXES * 48).append("""
            sluice-policy: 1
            name: listed
            match: first
            default: keep
            regions: [eu-west, us-east]
            lists:
              internal:
            """);
        for (int i = 0; i < PREFIXES; i++)
        {
            policy.append("    - ").append(10 + (i >> 16)).append('.').append(i >> 8 & 0xFF).append('.')
                .append(i & 0xFF).append(".0/24  # edge site ").append(String.format("%06d", i / 40))
                .append(", rack ").append(i % 40).append('\n');
        }
        return policy.append("""
            rules:
              - name: internal
                when: ip.src in $internal and ip.dst in $internal
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

    private GatewayConductor startGateway(
        final Aeron aeron, final String gatewayId, final String inbound, final String push, final PolicyHolder holder)
    {
        final Subscription subscription = track(aeron.addSubscription(
            ControlPlaneContext.pushSubscriptionChannel(push), ControlPlaneContext.PUSH_STREAM_ID_DEFAULT));
        // Joined before the first hello: a push answering a hello sent earlier could go out before this
        // gateway is a destination, and would only arrive again after the resend interval.
        await(subscription::isConnected, gatewayId + " joined the push channel");
        final GatewayConductor conductor = new GatewayConductor(
            gatewayId,
            "lab-1",
            "eu-west",
            subscription,
            track(aeron.addPublication(inbound, ControlPlaneContext.INBOUND_STREAM_ID_DEFAULT)),
            holder,
            new PolicyInstaller("eu-west", List.of("eu-west", "us-east"), false),
            SystemEpochClock.INSTANCE,
            50);
        final AgentRunner runner = new AgentRunner(
            new BackoffIdleStrategy(10, 20, 1_000, 1_000_000), Throwable::printStackTrace, null, conductor);
        AgentRunner.startOnThread(runner);
        track(runner);
        return conductor;
    }

    private static boolean acked(final ControlPlane controlPlane, final String gatewayId, final long version)
    {
        final GatewayStatus status = controlPlane.fleetSnapshot().gateway(gatewayId);
        return null != status && AckState.APPLIED == status.lastAckState() && version == status.lastAckPolicyVersion();
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for: " + what);
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
