package dev.sluice.cli;

import dev.sluice.cli.demo.DemoTraffic;
import dev.sluice.dataplane.Gateway;
import dev.sluice.dataplane.GatewayContext;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.regional.RegionalCoreContext;
import dev.sluice.regional.RegionalCoreMain;
import dev.sluice.regional.RegionalCountersSnapshot;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Capture → gateway with a policy that cuts web payloads to 64 bytes and strips every other IP
 * payload → two regional cores (raw to eu-west, Crypto-PAn addresses to us-east) → their pcapng
 * files, read back by tshark with IP, TCP and UDP checksum validation on: every frame is a whole
 * packet, every checksum tshark checks is good (also where the addresses were rewritten), nothing
 * is malformed, no TCP payload is longer than 64 bytes and no other payload survives; the gateway's
 * and the cores' counters agree. Fails, never skips, when tshark is missing.
 */
class PayloadActionEndToEndTest
{
    private static final String HOME = "eu-west";
    private static final String FOREIGN = "us-east";
    private static final int PACKETS = 4_000;
    private static final String POLICY = """
        sluice-policy: 1
        name: cut-payloads
        match: first
        default: keep
        regions: [eu-west, us-east]
        rules:
          - name: drop-ntp
            when: udp.port == 123
            then: drop
          - name: web
            when: tcp.port in {80, 443}
            then: [keep, truncate payload 64]
          - name: headers-only
            when: ip.version in {4, 6}
            then: strip payload
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """;
    private static final List<String> FIELDS = List.of(
        "frame.len", "frame.cap_len", "frame.protocols", "ip.src", "ipv6.src",
        "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status",
        "icmpv6.checksum.status", "tcp.len", "udp.length", "_ws.malformed", "_ws.expert.severity", "_ws.expert.message");
    private static final String SEVERITY_ERROR = "8388608";

    @TempDir
    Path directory;

    @Test
    @Timeout(180)
    void cutFramesReachThePcapngAsValidPackets() throws Exception
    {
        final Path tshark = tshark();
        final Path capture = directory.resolve("site.pcap");
        final DemoTraffic.Summary traffic = DemoTraffic.write(capture, PACKETS, 11);
        final Path policyFile = directory.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        final Path keyFile = directory.resolve("cryptopan.key");
        CryptoPan.writeKeyFile(keyFile, CryptoPan.generateKey(new SecureRandom()));
        final Path output = directory.resolve("regional");

        final SourceCounters.Snapshot source;
        final List<DestinationCounters.Snapshot> destinations;
        final List<RegionalCountersSnapshot> cores = new ArrayList<>();
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.resolve("aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            RegionalCoreMain home = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(aeron).regionName(HOME).channel("aeron:ipc").streamId(3101).outputDir(output));
            RegionalCoreMain foreign = RegionalCoreMain.launch(new RegionalCoreContext()
                .aeron(aeron).regionName(FOREIGN).channel("aeron:ipc").streamId(3102).outputDir(output)))
        {
            final GatewayContext context = new GatewayContext()
                .aeron(aeron)
                .gatewayId("gw-cut-1")
                .site("lab-1")
                .region(HOME)
                .controlInboundChannel("aeron:ipc?alias=unused-control")
                .policyPushChannel("aeron:ipc?alias=unused-push")
                .captureFile(capture)
                .stateDirectory(directory.resolve("gateway"))
                .anonymizationKeyFile(keyFile)
                .bootstrapPolicyFile(policyFile)
                .addDestination(HOME, "aeron:ipc", 3101)
                .addDestination(FOREIGN, "aeron:ipc", 3102);
            try (Gateway gateway = Gateway.assemble(context).start())
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!gateway.isDrained() || !delivered(gateway, home, foreign))
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("traffic did not drain: " + gateway.sourceSnapshot() + " " + gateway.destinationSnapshots() +
                            " " + home.counters().snapshot() + " " + foreign.counters().snapshot());
                    }
                    Thread.sleep(10);
                }
                source = gateway.sourceSnapshot();
                destinations = gateway.destinationSnapshots();
                cores.add(home.counters().snapshot());
                cores.add(foreign.counters().snapshot());
            }
        }

        assertEquals(traffic.packets(), source.received());
        assertEquals(source.received(), source.forwarded() + source.filtered() + source.sampledOut() + source.dropped(),
            "a cut packet is forwarded: " + source);
        final long framesExpected = source.forwarded() - traffic.count(DemoTraffic.Kind.ARP);
        for (int d = 0; d < 2; d++)
        {
            final DestinationCounters.Snapshot destination = destinations.get(d);
            assertEquals(framesExpected, destination.sentFrames(), "every forwarded IP packet leaves as a frame: " + destination);
            assertEquals(0, destination.framesTooLarge());
            assertEquals(0, destination.framesDroppedUnavailable());
            assertTrue(destination.frameBytesSaved() > 0);
            assertEquals(destination.sentRecords(), cores.get(d).packetRecords());
            assertEquals(destination.sentFrames(), cores.get(d).frameRecords());
        }

        final List<List<List<String>>> home = dissect(tshark, output.resolve(HOME + ".pcapng"));
        final List<List<List<String>>> foreign = dissect(tshark, output.resolve(FOREIGN + ".pcapng"));
        assertEquals(framesExpected, home.size());
        assertEquals(framesExpected, foreign.size());
        final int[] good = new int[1];
        checkFrames(home, good);
        checkFrames(foreign, good);
        // Two regions, each frame with an IP (IPv4) and a transport checksum.
        assertTrue(good[0] > 3 * framesExpected, "tshark verified " + good[0] + " checksums");
        // Each source address in us-east is the Crypto-PAn image of eu-west's (not merely another
        // address: Crypto-PAn leaves about 1 in 15,000 addresses unchanged).
        final CryptoPanImages images = new CryptoPanImages(keyFile);
        for (int i = 0; i < home.size(); i++)
        {
            final List<String> homeSource = value(home.get(i), "ip.src").isEmpty() ?
                value(home.get(i), "ipv6.src") : value(home.get(i), "ip.src");
            final List<String> foreignSource = value(foreign.get(i), "ip.src").isEmpty() ?
                value(foreign.get(i), "ipv6.src") : value(foreign.get(i), "ip.src");
            assertEquals(homeSource.size(), foreignSource.size(), "frame " + (i + 1) + ": " + homeSource + " " + foreignSource);
            for (int layer = 0; layer < homeSource.size(); layer++)
            {
                assertTrue(images.isImage(homeSource.get(layer), foreignSource.get(layer)),
                    "frame " + (i + 1) + " reached us-east with source " + foreignSource.get(layer) + ", not " +
                    images.imageText(homeSource.get(layer)) + ", the image of " + homeSource.get(layer));
            }
        }
        System.out.println("payload actions end to end: " + framesExpected + " frames per region, " + good[0] +
            " checksums good, bytes saved " + destinations.get(0).frameBytesSaved() + " / " + destinations.get(1).frameBytesSaved());
    }

    private static boolean delivered(final Gateway gateway, final RegionalCoreMain home, final RegionalCoreMain foreign)
    {
        final List<DestinationCounters.Snapshot> destinations = gateway.destinationSnapshots();
        final RegionalCountersSnapshot homeCounters = home.counters().snapshot();
        final RegionalCountersSnapshot foreignCounters = foreign.counters().snapshot();
        return homeCounters.records() >= destinations.get(0).sentRecords() + destinations.get(0).sentFrames() &&
            foreignCounters.records() >= destinations.get(1).sentRecords() + destinations.get(1).sentFrames();
    }

    private static void checkFrames(final List<List<List<String>>> frames, final int[] good)
    {
        for (int i = 0; i < frames.size(); i++)
        {
            final List<List<String>> frame = frames.get(i);
            final String where = "frame " + (i + 1) + " (" + value(frame, "frame.protocols") + ")";
            assertEquals(value(frame, "frame.len"), value(frame, "frame.cap_len"), where + ": a whole packet");
            for (final String field : List.of(
                "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status",
                "icmpv6.checksum.status"))
            {
                for (final String status : value(frame, field))
                {
                    assertEquals("1", status, where + ": " + field + " not good");
                    good[0]++;
                }
            }
            assertTrue(value(frame, "_ws.malformed").isEmpty() && !value(frame, "_ws.expert.severity").contains(SEVERITY_ERROR),
                where + ": " + value(frame, "_ws.expert.message"));
            for (final String tcpLength : value(frame, "tcp.len"))
            {
                assertTrue(Integer.parseInt(tcpLength) <= 64, where + ": TCP payload of " + tcpLength);
            }
            for (final String udpLength : value(frame, "udp.length"))
            {
                assertEquals("8", udpLength, where + ": UDP payload left");
            }
        }
    }

    private static List<String> value(final List<List<String>> frame, final String field)
    {
        return frame.get(FIELDS.indexOf(field));
    }

    /** One entry per packet; per field, every occurrence. */
    private static List<List<List<String>>> dissect(final Path tshark, final Path pcapng) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcapng.toString(),
            "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
            "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=;"));
        for (final String field : FIELDS)
        {
            command.add("-e");
            command.add(field);
        }
        final Path errors = directory(pcapng).resolve(pcapng.getFileName() + ".tshark.err");
        final Process process = new ProcessBuilder(command)
            .redirectError(errors.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
        final String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, process.exitValue(), "tshark on " + pcapng + ": " + Files.readString(errors));
        final List<List<List<String>>> packets = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (line.isEmpty())
            {
                continue;
            }
            final String[] columns = line.split("\t", -1);
            assertEquals(FIELDS.size(), columns.length, line);
            final List<List<String>> packet = new ArrayList<>();
            for (final String column : columns)
            {
                packet.add(column.isEmpty() ? List.of() : List.of(column.split(";", -1)));
            }
            packets.add(packet);
        }
        return packets;
    }

    private static Path directory(final Path file)
    {
        return file.toAbsolutePath().getParent();
    }

    private static Path tshark()
    {
        for (final String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final Path candidate = Path.of(entry, "tshark");
            if (!entry.isEmpty() && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return fail("tshark not installed: run ./sluice test, which installs it");
    }
}
