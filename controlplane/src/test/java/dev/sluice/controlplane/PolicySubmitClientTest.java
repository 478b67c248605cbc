package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocking CLI client against a control plane launched on its own thread; the client sits on a second
 * media driver, as {@code sluice policy push} in another process would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicySubmitClientTest
{
    private static final long SUBMIT_TIMEOUT_MS = 20_000;

    @TempDir
    Path tempDir;

    private TestMediaDriver controlPlaneHost;
    private TestMediaDriver cliHost;
    private ControlPlaneMain controlPlaneMain;
    private PolicySubmitClient client;
    private String inboundChannel;
    private String pushChannel;

    @BeforeEach
    void setUp()
    {
        controlPlaneHost = new TestMediaDriver();
        cliHost = new TestMediaDriver();
        inboundChannel = "aeron:udp?endpoint=localhost:" + TestMediaDriver.freeUdpPort();
        pushChannel = "aeron:udp?control=localhost:" + TestMediaDriver.freeUdpPort() + "|control-mode=dynamic";
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(client, controlPlaneMain, cliHost, controlPlaneHost);
    }

    @Test
    void submitsAndReceivesEachResult() throws IOException
    {
        controlPlaneMain = ControlPlaneMain.launch(new ControlPlaneContext()
            .aeron(controlPlaneHost.aeron())
            .inboundChannel(inboundChannel)
            .pushChannel(pushChannel)
            .policyStoreDir(tempDir.resolve("store"))
            .policyValidator(new TestPolicyValidator()));
        client = newClient();

        final Path file = tempDir.resolve("policy.yaml");
        Files.writeString(file, ControlPlaneTest.POLICY_V1);
        final PolicySubmitResponse accepted = client.submitFile(file, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.ACCEPTED, accepted.outcome(), accepted.message());
        assertEquals(1, accepted.policyVersion());

        final PolicySubmitResponse unchanged = client.submitFile(file, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.UNCHANGED, unchanged.outcome(), unchanged.message());
        assertEquals(1, unchanged.policyVersion());

        final PolicySubmitResponse invalid =
            client.submit("bad.yaml", ControlPlaneTest.POLICY_WITH_TWO_ERRORS, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.INVALID, invalid.outcome());
        assertEquals(1, invalid.policyVersion());
        assertEquals(2, invalid.message().lines().count(), invalid.message());
        assertTrue(invalid.message().startsWith("bad.yaml:2:11: error: "), invalid.message());

        final PolicySubmitResponse second = client.submit("policy.yaml", ControlPlaneTest.POLICY_V2, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.ACCEPTED, second.outcome(), second.message());
        assertEquals(2, second.policyVersion());
        assertEquals(2, controlPlaneMain.controlPlane().currentPolicyVersion());
    }

    @Test
    void fleetStatusIsReadableFromAnotherThreadWhileTheAgentRuns()
    {
        controlPlaneMain = ControlPlaneMain.launch(new ControlPlaneContext()
            .aeron(controlPlaneHost.aeron())
            .inboundChannel(inboundChannel)
            .pushChannel(pushChannel)
            .policyStoreDir(tempDir.resolve("store"))
            .policyValidator(new TestPolicyValidator()));
        client = newClient();
        assertEquals(
            SubmitOutcome.ACCEPTED, client.submit("p.yaml", ControlPlaneTest.POLICY_V1, SUBMIT_TIMEOUT_MS).outcome());

        try (FakeGateway gateway = new FakeGateway(cliHost.aeron(), "gw-1", controlPlaneMain.context()))
        {
            await(gateway::isConnected);
            await(() -> gateway.hello(0));
            await(() -> gateway.poll() >= 0 && !gateway.pushes().isEmpty());
            final ControlPlane controlPlane = controlPlaneMain.controlPlane();
            await(() -> null != controlPlane.fleetSnapshot().gateway("gw-1"));
            assertEquals(1, gateway.pushes().getFirst().policyVersion());
        }
    }

    @Test
    void closeReleasesTheStoreForTheNextControlPlane()
    {
        final Path store = tempDir.resolve("store");
        controlPlaneMain = ControlPlaneMain.launch(new ControlPlaneContext()
            .aeron(controlPlaneHost.aeron())
            .inboundChannel(inboundChannel)
            .pushChannel(pushChannel)
            .policyStoreDir(store)
            .policyValidator(new TestPolicyValidator()));
        client = newClient();
        assertEquals(
            SubmitOutcome.ACCEPTED, client.submit("p.yaml", ControlPlaneTest.POLICY_V1, SUBMIT_TIMEOUT_MS).outcome());
        controlPlaneMain.close();
        client.close();

        controlPlaneMain = ControlPlaneMain.launch(new ControlPlaneContext()
            .aeronDirectoryName(controlPlaneHost.aeronDirectoryName())
            .inboundChannel(inboundChannel)
            .pushChannel(pushChannel)
            .policyStoreDir(store)
            .policyValidator(new TestPolicyValidator()));
        client = newClient();
        final PolicySubmitResponse second = client.submit("p.yaml", ControlPlaneTest.POLICY_V2, SUBMIT_TIMEOUT_MS);
        assertEquals(SubmitOutcome.ACCEPTED, second.outcome(), second.message());
        assertEquals(2, second.policyVersion());
    }

    @Test
    void withoutControlPlaneTheSubmitIsUnreachable()
    {
        client = newClient();
        final PolicySubmitResponse response = client.submit("p.yaml", ControlPlaneTest.POLICY_V1, 300);
        assertEquals(SubmitOutcome.UNREACHABLE, response.outcome());
        assertTrue(response.message().contains(inboundChannel), response.message());
    }

    private PolicySubmitClient newClient()
    {
        return new PolicySubmitClient(
            cliHost.aeron(),
            inboundChannel,
            ControlPlaneContext.INBOUND_STREAM_ID_DEFAULT,
            ControlPlaneContext.pushSubscriptionChannel(pushChannel),
            ControlPlaneContext.REPLY_STREAM_ID_DEFAULT);
    }

    private static void await(final BooleanSupplier condition)
    {
        while (!condition.getAsBoolean())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
