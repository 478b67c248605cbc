package dev.sluice.dataplane;

import dev.sluice.protocol.Channels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GatewayContext#conclude()} checks every setting and reports all problems at once,
 * one per line; a valid context keeps its defaults.
 */
class GatewayContextTest
{
    @TempDir
    Path directory;

    @Test
    void emptyContextReportsEveryRequiredSetting()
    {
        final GatewayContext context = new GatewayContext();
        assertEquals(List.of(
            "invalid gateway configuration:",
            "  gateway.id: required",
            "  gateway.site: required",
            "  gateway.region: required",
            "  destinations: at least one destination region is required",
            "  source: a packet source (source.pcap, source.dpdk, source.af-packet) or event listeners (ingest.listeners) " +
                "are required: a gateway with neither has nothing to forward"),
            problems(context));
        assertFalse(context.isConcluded());
    }

    @Test
    void everyInvalidSettingIsReportedTogether() throws IOException
    {
        final GatewayContext context = valid()
            .gatewayId("gw 1")
            .site("s".repeat(33))
            .region("eu-west-and-more!")
            .addDestination("eu-west", "aeron:ipc", 1001)
            .addDestination("us-east", "udp://core:20121", 1001)
            .captureFile(directory.resolve("missing.pcap"))
            .burstCapacity(0)
            .anonymizationKeyFile(directory.resolve("missing.key"))
            .bootstrapPolicyFile(directory.resolve("missing.yaml"))
            .notConnectedTimeoutNs(0)
            .helloIntervalMs(-1)
            .stateDirectory(null);

        final List<String> problems = problems(context);
        assertEquals(List.of(
            "invalid gateway configuration:",
            "  gateway.id: 'gw 1' must be 1..32 characters of letters, digits, '.', '_' or '-', starting with a letter or digit",
            "  gateway.site: '" + "s".repeat(33) + "' must be 1..32 characters of letters, digits, '.', '_' or '-', " +
                "starting with a letter or digit",
            "  gateway.region: 'eu-west-and-more!' must be 1..16 characters of letters, digits, '.', '_' or '-', " +
                "starting with a letter or digit",
            "  destinations: region 'eu-west' is listed twice",
            "  destinations[us-east].channel: an Aeron channel URI is required (e.g. aeron:udp?endpoint=core.example:20121), " +
                "got 'udp://core:20121'",
            "  source.pcap: cannot read '" + directory.resolve("missing.pcap") + "'",
            "  burst-capacity: must be in 1..4096, got 0",
            "  anonymization.key-file: cannot read '" + directory.resolve("missing.key") + "'",
            "  policy-file: cannot read '" + directory.resolve("missing.yaml") + "'",
            "  not-connected-timeout-ms: must be positive",
            "  hello-interval: must be positive",
            "  state-dir: required"),
            problems);
        assertFalse(context.isConcluded());
    }

    @Test
    void validContextConcludesWithDefaults() throws IOException
    {
        final GatewayContext context = valid();
        assertSame(context, context.conclude());
        assertTrue(context.isConcluded());
        assertEquals(GatewayContext.BURST_CAPACITY_DEFAULT, context.burstCapacity());
        assertEquals(GatewayContext.NOT_CONNECTED_TIMEOUT_NS_DEFAULT, context.notConnectedTimeoutNs());
        assertEquals(GatewayContext.HELLO_INTERVAL_MS_DEFAULT, context.helloIntervalMs());
        assertEquals(GatewayContext.STATE_DIRECTORY_DEFAULT, context.stateDirectory());
        assertEquals(Channels.CONTROL_INBOUND_CHANNEL_DEFAULT, context.controlInboundChannel());
        assertEquals(Channels.CONTROL_INBOUND_STREAM_ID_DEFAULT, context.controlInboundStreamId());
        assertEquals(Channels.POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT, context.policyPushChannel());
        assertEquals(Channels.POLICY_PUSH_STREAM_ID_DEFAULT, context.policyPushStreamId());
        assertEquals(List.of(new GatewayContext.Destination("eu-west", "aeron:ipc", 1001)), context.destinations());
        assertThrows(UnsupportedOperationException.class,
            () -> context.destinations().add(new GatewayContext.Destination("x", "aeron:ipc", 1)));
    }

    @Test
    void namesAtTheirLongestAreAccepted() throws IOException
    {
        final GatewayContext context = valid().gatewayId("g".repeat(32)).site("S.1_x-" + "s".repeat(26)).region("r".repeat(16));
        context.conclude();
        assertTrue(context.isConcluded());
    }

    private GatewayContext valid() throws IOException
    {
        final Path capture = directory.resolve("site.pcap");
        if (!Files.exists(capture))
        {
            Files.write(capture, new byte[]{1});
        }
        return new GatewayContext()
            .gatewayId("gw-1")
            .site("paris-1")
            .region("eu-west")
            .addDestination("eu-west", "aeron:ipc", 1001)
            .captureFile(capture);
    }

    private static List<String> problems(final GatewayContext context)
    {
        final IllegalStateException error = assertThrows(IllegalStateException.class, context::conclude);
        return error.getMessage().lines().toList();
    }
}
