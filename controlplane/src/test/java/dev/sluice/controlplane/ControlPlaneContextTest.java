package dev.sluice.controlplane;

import java.io.IOException;
import java.nio.file.Path;

import io.aeron.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlPlaneContextTest
{
    @TempDir
    Path tempDir;

    @Test
    void concludeReportsEveryProblemAtOnce()
    {
        final ControlPlaneContext context = new ControlPlaneContext()
            .inboundChannel("udp://nope")
            .pushStreamId(7)
            .replyStreamId(7)
            .gatewayTimeoutMs(0)
            .policyStoreDir(null);

        final ConfigurationException ex = assertThrows(ConfigurationException.class, context::conclude);
        final String message = ex.getMessage();
        assertTrue(message.contains("inboundChannel is not a valid Aeron channel"), message);
        assertTrue(message.contains("pushStreamId and replyStreamId must differ"), message);
        assertTrue(message.contains("gatewayTimeoutMs must be > 0"), message);
        assertTrue(message.contains("policyStoreDir is required"), message);
    }

    @Test
    @SuppressWarnings("try")
    void lockedStoreIsAConfigurationError() throws IOException
    {
        try (PolicyStore ignored = PolicyStore.open(tempDir))
        {
            final ControlPlaneContext context = new ControlPlaneContext()
                .policyStoreDir(tempDir)
                .policyValidator(new TestPolicyValidator());
            final ConfigurationException ex = assertThrows(ConfigurationException.class, context::conclude);
            assertTrue(ex.getMessage().contains("in use by another control plane"), ex.getMessage());
        }
    }

    @Test
    void gatewayChannelConstantJoinsTheDefaultPushChannel()
    {
        assertEquals(
            ControlPlaneContext.GATEWAY_PUSH_SUBSCRIPTION_CHANNEL,
            ControlPlaneContext.pushSubscriptionChannel(ControlPlaneContext.PUSH_CHANNEL_DEFAULT));
        assertEquals("aeron:ipc", ControlPlaneContext.pushSubscriptionChannel("aeron:ipc"));
        assertEquals(
            "aeron:udp?endpoint=localhost:0|control=10.1.2.3:9000|control-mode=dynamic",
            ControlPlaneContext.pushSubscriptionChannel(
                "aeron:udp?control=10.1.2.3:9000|control-mode=dynamic|term-length=1m"));
    }
}
