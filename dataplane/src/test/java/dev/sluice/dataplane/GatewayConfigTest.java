package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.afpacket.AfPacketSettings;
import dev.sluice.dataplane.source.afpacket.AfPacketSources;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.protocol.Channels;
import dev.sluice.spool.FsyncPolicy;
import dev.sluice.spool.OverflowRule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway's configuration file: the example in {@code config/gateway.yaml} reads into a
 * context that concludes, and every kind of mistake is reported at its exact line and column,
 * all of them at once.
 */
class GatewayConfigTest
{
    private static final Path EXAMPLE = Path.of("..", "config", "gateway.yaml");

    /** Valid sections around the line under test; the capture exists in {@link #directory}. */
    private static final String VALID = """
        gateway:
          id: gw-1
          site: paris-1
          region: eu-west
        source:
          pcap: site.pcap
        destinations:
          - region: eu-west
            channel: aeron:ipc
        """;

    @TempDir
    Path directory;

    @BeforeEach
    void deploymentFiles() throws IOException
    {
        writeCapture(directory.resolve("site.pcap"));
        Files.createDirectories(directory.resolve("replay"));
        writeCapture(directory.resolve("replay/site.pcap"));
        Files.createDirectories(directory.resolve("keys"));
        CryptoPan.writeKeyFile(directory.resolve("keys/cryptopan.key"), new byte[CryptoPan.KEY_LENGTH_BYTES]);
        Files.createDirectories(directory.resolve("policies"));
        Files.writeString(directory.resolve("policies/bootstrap.yaml"), TestPolicies.resource("edge-demo-policy.yaml"));
    }

    @Test
    void exampleConfigurationReadsIntoAContextThatConcludes() throws IOException
    {
        final Path copy = directory.resolve("gateway.yaml");
        Files.copy(example(), copy);
        final GatewayConfig config = GatewayConfig.load(copy);
        final GatewayContext context = config.context();

        assertEquals("gw-paris-1", context.gatewayId());
        assertEquals("paris-1", context.site());
        assertEquals("eu-west", context.region());
        assertEquals(directory.resolve("replay/site.pcap"), context.captureFile(), "relative to the file's directory");
        assertEquals(List.of(
            new GatewayContext.Destination("eu-west", "aeron:udp?endpoint=core.eu-west.example.net:20121", 1001),
            new GatewayContext.Destination("us-east", "aeron:udp?endpoint=core.us-east.example.net:20121", 1001)),
            context.destinations());
        assertEquals("aeron:udp?endpoint=control.example.net:20110", context.controlInboundChannel());
        assertEquals(2001, context.controlInboundStreamId());
        assertEquals("aeron:udp?endpoint=gw-paris-1.example.net:0|control=control.example.net:20111|control-mode=dynamic",
            context.policyPushChannel());
        assertEquals(2002, context.policyPushStreamId());
        assertEquals(directory.resolve("keys/cryptopan.key"), context.anonymizationKeyFile());
        assertEquals(directory.resolve("policies/bootstrap.yaml"), context.bootstrapPolicyFile());
        assertEquals(Path.of("/var/lib/sluice/gateway"), context.stateDirectory());
        assertNull(config.aeronDirectory(), "the example embeds its media driver");
        assertEquals(256, context.burstCapacity());
        assertEquals(5_000_000_000L, context.notConnectedTimeoutNs());

        assertSame(context, context.conclude());
        assertTrue(context.isConcluded());
    }

    @Test
    void exampleInPlaceLacksOnlyTheFilesADeploymentProvides() throws IOException
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> GatewayConfig.load(example()));
        final Path base = example().toAbsolutePath().getParent();
        final String file = example().toString();
        assertEquals(List.of(
            "invalid gateway configuration:",
            file + ":15:9: error: source.pcap: cannot read '" + base.resolve("replay/site.pcap").normalize() + "'",
            "  hint: no such file",
            file + ":72:13: error: anonymization.key-file: cannot read '" + base.resolve("keys/cryptopan.key").normalize() + "'",
            "  hint: no such file",
            file + ":76:14: error: policy-file: cannot read '" + base.resolve("policies/bootstrap.yaml").normalize() + "'",
            "  hint: no such file"),
            error.getMessage().lines().toList());
    }

    @Test
    void minimalConfigurationTakesTheDefaults()
    {
        final GatewayContext context = parse(VALID).context();
        assertEquals(Channels.CONTROL_INBOUND_CHANNEL_DEFAULT, context.controlInboundChannel());
        assertEquals(Channels.POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT, context.policyPushChannel());
        assertEquals(Channels.DATA_STREAM_ID_DEFAULT, context.destinations().get(0).streamId());
        assertEquals(GatewayContext.BURST_CAPACITY_DEFAULT, context.burstCapacity());
        assertEquals(GatewayContext.STATE_DIRECTORY_DEFAULT, context.stateDirectory());
        assertNull(context.anonymizationKeyFile());
        assertNull(context.bootstrapPolicyFile());
        context.conclude();
    }

    @Test
    void unknownKeyIsReportedWhereItIsWithTheAllowedKeys()
    {
        assertErrors(VALID.replace("  region: eu-west\nsource:", "  region: eu-west\n  colour: blue\nsource:"),
            "gw.yaml:5:3: error: unknown key 'colour' in gateway",
            "  hint: allowed keys: id, site, region");
        assertErrors(VALID + "destination: eu-west\n",
            "gw.yaml:10:1: error: unknown key 'destination' in the gateway configuration",
            "  hint: did you mean 'destinations'?");
        assertErrors(VALID + "    strem: 7\n",
            "gw.yaml:10:5: error: unknown key 'strem' in a destination",
            "  hint: did you mean 'stream'?");
    }

    @Test
    void missingGatewayIdIsReportedAtItsSection()
    {
        assertErrors(VALID.replace("  id: gw-1\n", ""), "gw.yaml:2:3: error: missing required key 'id' in gateway");
        assertErrors(VALID.substring(VALID.indexOf("source:")),
            "gw.yaml:1:1: error: missing required key 'gateway' in the gateway configuration");
    }

    @Test
    void captureReplayRateIsReadAndChecked()
    {
        assertEquals(0, parse(VALID).context().captureReplayRate(), "full speed unless set");
        final GatewayContext paced = parse(VALID.replace("  pcap: site.pcap\n", "  pcap: site.pcap\n  replay-rate: 5000\n")).context();
        assertEquals(5000, paced.captureReplayRate());
        assertTrue(paced.packetSources().describe().endsWith(" at 5000 packets/s"), paced.packetSources().describe());
        assertErrors(VALID.replace("  pcap: site.pcap\n", "  pcap: site.pcap\n  replay-rate: 0\n"),
            "gw.yaml:7:16: error: source.replay-rate must be between 1 and 100000000, found 0");
        assertErrors(VALID.replace("  pcap: site.pcap\n", "  af-packet: {interface: eth0}\n  replay-rate: 10\n"),
            "gw.yaml:7:16: error: source.replay-rate paces a capture replay",
            "  hint: use it with source.pcap, or leave it out");
    }

    @Test
    void wrongTypesAreReportedAtTheValue()
    {
        assertErrors(VALID + "burst-capacity: lots\n",
            "gw.yaml:10:17: error: burst-capacity must be a whole number, found 'lots'");
        assertErrors(VALID + "burst-capacity: 5000\n",
            "gw.yaml:10:17: error: burst-capacity must be between 1 and 4096, found 5000");
        assertErrors(VALID + "not-connected-timeout-ms: [5000]\n",
            "gw.yaml:10:27: error: not-connected-timeout-ms must be a value, found a list");
        assertErrors(VALID.replace("gateway:\n  id: gw-1\n  site: paris-1\n  region: eu-west\n", "gateway: eu-west\n"),
            "gw.yaml:1:10: error: gateway must be a mapping (key: value lines), found a scalar");
        assertErrors(VALID.replace("channel: aeron:ipc", "channel: udp://core:20121"),
            "gw.yaml:9:14: error: destination channel must be an Aeron URI",
            "  hint: e.g. aeron:udp?endpoint=core.example:20121");
        assertErrors(VALID + "control-plane:\n  stream: two\n",
            "gw.yaml:11:11: error: control-plane.stream must be a whole number, found 'two'");
    }

    @Test
    void spoolSettingsReadIntoTheDestination()
    {
        final GatewayContext defaults = parse(VALID).context();
        assertEquals(GatewayContext.SpoolSettings.DEFAULT, defaults.destinations().get(0).spool());
        assertEquals(defaults.stateDirectory().resolve("spool"), defaults.spoolDirectory());

        final GatewayContext context = parse(VALID + """
                ack-channel: aeron:udp?endpoint=0.0.0.0:0|control=core:20122|control-mode=dynamic
                ack-stream: 3333
                spool:
                  max-bytes: 268435456
                  segment-bytes: 1048576
                  overflow: drop-newest
                  fsync: every-record
                  fsync-interval-ms: 7
            spool-dir: spools
            replay-timeout-ms: 250
            """).context();
        final GatewayContext.Destination destination = context.destinations().get(0);
        assertEquals("aeron:udp?endpoint=0.0.0.0:0|control=core:20122|control-mode=dynamic", destination.resolvedAckChannel());
        assertEquals(3333, destination.ackStreamId());
        assertEquals(new GatewayContext.SpoolSettings(true, 268_435_456L, 1_048_576, OverflowRule.DROP_NEWEST,
            FsyncPolicy.EVERY_RECORD, TimeUnit.MILLISECONDS.toNanos(7)), destination.spool());
        assertEquals(directory.resolve("spools").normalize(), context.spoolDirectory().normalize());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(250), context.replayTimeoutNs());
    }

    @Test
    void spoolMistakesAreReportedAtTheirValue()
    {
        assertErrors(VALID + "    spool:\n      overflow: drop-everything\n      fsync: sometimes\n      enabled: maybe\n",
            "gw.yaml:11:17: error: spool.overflow must be one of pause, drop-newest, drop-oldest, found 'drop-everything'",
            "gw.yaml:12:14: error: spool.fsync must be one of never, every-n-records, interval, every-record, found 'sometimes'",
            "gw.yaml:13:16: error: spool.enabled must be true or false, found 'maybe'");
        assertErrors(VALID + "    spool:\n      segment-bytes: 1048576\n      max-bytes: 1048576\n",
            "gw.yaml:12:18: error: spool.max-bytes must hold at least two segments (2097152 bytes)");
        assertErrors(VALID + "    spool: {colour: red}\n",
            "gw.yaml:10:13: error: unknown key 'colour' in spool",
            "  hint: allowed keys: enabled, max-bytes, segment-bytes, overflow, fsync, fsync-interval-ms");
    }

    @Test
    void afPacketSourceReadsIntoItsSettings()
    {
        final GatewayContext context = parse(VALID.replace("  pcap: site.pcap\n", """
              af-packet:
                interface: eth1
                workers: 3
                fanout: lb
                fanout-group: 4242
                block-size: 262144
                block-count: 16
                frame-size: 4096
                retire-timeout-ms: 2
                promiscuous: false
            """)).context();
        final AfPacketSources sources = (AfPacketSources)context.packetSources();
        final AfPacketSettings settings = sources.settings();
        assertEquals("eth1", settings.interfaceName());
        assertEquals(3, sources.workerCount());
        assertEquals(AfPacketSettings.FanoutMode.LB, settings.fanoutMode());
        assertEquals(4242, sources.fanoutGroupId());
        assertEquals(262144, settings.blockSizeBytes());
        assertEquals(16, settings.blockCount());
        assertEquals(4096, settings.frameSizeBytes());
        assertEquals(2, settings.retireTimeoutMs());
        assertEquals(false, settings.promiscuous());
        assertNull(context.captureFile());

        final AfPacketSettings defaults =
            ((AfPacketSources)parse(VALID.replace("pcap: site.pcap", "af-packet: {interface: eth0}")).context()
                .packetSources()).settings();
        assertEquals(1, defaults.workers());
        assertEquals(AfPacketSettings.FanoutMode.HASH, defaults.fanoutMode());
        assertEquals(AfPacketSettings.BLOCK_SIZE_DEFAULT, defaults.blockSizeBytes());
        assertEquals(AfPacketSettings.BLOCK_COUNT_DEFAULT, defaults.blockCount());
    }

    @Test
    void afPacketMistakesAreReportedAtTheirValue()
    {
        assertErrors(VALID.replace("  pcap: site.pcap\n", """
              af-packet:
                interface: eth0
                fanout: random
                block-size: 5000
                workers: 0
                colour: blue
            """),
            "gw.yaml:8:13: error: source.af-packet.fanout: unknown mode 'random'",
            "  hint: one of hash (by flow, the default), lb (round robin), cpu (by receiving CPU)",
            "gw.yaml:9:17: error: source.af-packet.block-size must be a multiple of the page size 4096, found 5000",
            "gw.yaml:10:14: error: source.af-packet.workers must be between 1 and 64, found 0",
            "gw.yaml:11:5: error: unknown key 'colour' in source.af-packet",
            "  hint: allowed keys: interface, workers, fanout, fanout-group, block-size, block-count, frame-size, " +
                "retire-timeout-ms, promiscuous");
        assertErrors(VALID.replace("  pcap: site.pcap\n", "  af-packet:\n    workers: 2\n"),
            "gw.yaml:7:5: error: missing required key 'interface' in source.af-packet");
        assertErrors(VALID.replace("  pcap: site.pcap\n", "  pcap: site.pcap\n  af-packet: {interface: eth0}\n"),
            "gw.yaml:6:3: error: source needs exactly one of pcap, dpdk, af-packet",
            "  hint: pcap: FILE replays a capture; dpdk: {device: ...} reads a DPDK port; af-packet: {interface: eth0} reads an interface");
        assertErrors(VALID.replace("  pcap: site.pcap\n", "  af-packet:\n    interface: eth0\n    block-size: 1073741824\n" +
                "    block-count: 8\n"),
            "gw.yaml:7:5: error: source.af-packet.block-count x block-size: the ring of 8589934592 bytes exceeds the " +
                "kernel's limit of 4294967295 bytes; lower block-count or block-size");
    }

    @Test
    void unreadableFilesAreReportedAtTheirPath() throws IOException
    {
        assertErrors(VALID.replace("pcap: site.pcap", "pcap: captures/missing.pcap"),
            "gw.yaml:6:9: error: source.pcap: cannot read '" + directory.resolve("captures/missing.pcap") + "'",
            "  hint: no such file");
        Files.createDirectories(directory.resolve("captures"));
        assertErrors(VALID.replace("pcap: site.pcap", "pcap: captures"),
            "gw.yaml:6:9: error: source.pcap: cannot read '" + directory.resolve("captures") + "'",
            "  hint: not a file");
        assertErrors(VALID + "anonymization:\n  key-file: /nonexistent/site.key\n",
            "gw.yaml:11:13: error: anonymization.key-file: cannot read '/nonexistent/site.key'",
            "  hint: no such file");
    }

    @Test
    void everyErrorIsReportedTogetherInFileOrder()
    {
        final String text = """
            gateway:
              site: paris-1
              region: eu-west
              colour: blue
            source:
              pcap: missing.pcap
            destinations:
              - region: eu-west
                channel: udp://core
                strem: 1
              - region: us-east
            burst-capacity: zero
            """;
        assertErrors(text,
            "gw.yaml:2:3: error: missing required key 'id' in gateway",
            "gw.yaml:4:3: error: unknown key 'colour' in gateway",
            "  hint: allowed keys: id, site, region",
            "gw.yaml:6:9: error: source.pcap: cannot read '" + directory.resolve("missing.pcap") + "'",
            "  hint: no such file",
            "gw.yaml:9:14: error: destination channel must be an Aeron URI",
            "  hint: e.g. aeron:udp?endpoint=core.example:20121",
            "gw.yaml:10:5: error: unknown key 'strem' in a destination",
            "  hint: did you mean 'stream'?",
            "gw.yaml:11:5: error: missing required key 'channel' in a destination",
            "gw.yaml:12:17: error: burst-capacity must be a whole number, found 'zero'");
    }

    @Test
    void emptyOrMalformedFileIsAnError()
    {
        assertErrors("", "gw.yaml:1:1: error: the file holds no configuration");
        assertErrors("- just\n- a list\n",
            "gw.yaml:1:1: error: the gateway configuration must be a mapping (key: value lines), found a list");
    }

    private GatewayConfig parse(final String text)
    {
        return GatewayConfig.parse("gw.yaml", text, directory);
    }

    private void assertErrors(final String text, final String... lines)
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> parse(text), text);
        final List<String> expected = new ArrayList<>();
        expected.add("invalid gateway configuration:");
        expected.addAll(List.of(lines));
        assertEquals(expected, error.getMessage().lines().toList(), text);
    }

    private static Path example()
    {
        if (!Files.isRegularFile(EXAMPLE))
        {
            return fail("example configuration not found at " + EXAMPLE.toAbsolutePath());
        }
        return EXAMPLE;
    }

    private static void writeCapture(final Path file) throws IOException
    {
        try (CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            writer.write(1_700_000_000_000_000_000L, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 443, 0x002));
        }
    }
}
