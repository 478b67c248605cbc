package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.source.event.EventIngest;
import dev.sluice.dataplane.source.event.IngestCounters;
import dev.sluice.dataplane.testing.EventBatches;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.EventKind;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway configured with event listeners and no packet source: syslog over TCP (octet
 * counting) and UDP reaches the event worker through the ingest ring, is filtered and anonymized
 * by the policy, and leaves on the event stream of each destination; the listeners', the
 * worker's and the destinations' counters agree.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayEventsTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7300);
    private static final String POLICY = """
        sluice-policy: 1
        name: security-logs
        match: first
        default: drop
        regions: [eu-west, us-east]
        rules:
          - name: warnings-and-worse
            when: syslog.severity <= 4
            then: keep
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """;

    private static TestMediaDriver media;

    @TempDir
    Path directory;

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

    private GatewayConfig config(final int homeStream, final int abroadStream) throws IOException
    {
        Files.writeString(directory.resolve("policy.yaml"), POLICY);
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(31 * i + 1);
        }
        CryptoPan.writeKeyFile(directory.resolve("cryptopan.key"), key);
        final String yaml = """
            gateway: {id: gw-logs-1, site: paris-1, region: eu-west}
            ingest:
              transport: nio
              listeners:
                - {name: syslog-tcp, kind: syslog-tcp, bind: 127.0.0.1, port: 0}
                - {name: syslog-udp, kind: syslog-udp, bind: 127.0.0.1, port: 0}
            destinations:
              - {region: eu-west, channel: "aeron:ipc", stream: %d}
              - {region: us-east, channel: "aeron:ipc", stream: %d}
            control-plane:
              channel: "aeron:ipc?alias=unused-control"
              push-channel: "aeron:ipc?alias=unused-push"
            anonymization: {key-file: cryptopan.key}
            policy-file: policy.yaml
            state-dir: state
            """.formatted(homeStream, abroadStream);
        final GatewayConfig config = GatewayConfig.parse("gateway.yaml", yaml, directory);
        config.context().aeron(media.aeron);
        return config;
    }

    private static String image(final CryptoPan cryptoPan, final int a, final int b, final int c, final int d)
    {
        final int image = cryptoPan.anonymizeIpv4((a << 24) | (b << 16) | (c << 8) | d);
        return (image >>> 24) + "." + ((image >>> 16) & 0xFF) + "." + ((image >>> 8) & 0xFF) + "." + (image & 0xFF);
    }

    @Test
    void syslogOverTcpAndUdpIsFilteredAnonymizedAndForwarded() throws IOException
    {
        final int homeStream = STREAM_IDS.getAndIncrement();
        final int abroadStream = STREAM_IDS.getAndIncrement();
        final GatewayConfig config = config(homeStream, abroadStream);
        final List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            sent.add("<" + (8 + i % 8) + ">1 2024-05-01T10:00:00Z host sshd " + i + " - - login from 10.0.0." + (i % 250) +
                " port 22");
        }
        try (Subscription home = media.aeron.addSubscription("aeron:ipc", homeStream);
            Subscription abroad = media.aeron.addSubscription("aeron:ipc", abroadStream);
            Gateway gateway = Gateway.assemble(config.context()))
        {
            assertEquals(0, gateway.workerCount(), "no packet source, no packet worker");
            final EventIngest ingest = gateway.eventIngest();
            try (Socket tcp = new Socket())
            {
                tcp.connect(ingest.localAddress(0));
                final OutputStream out = tcp.getOutputStream();
                for (int i = 0; i < 100; i++)
                {
                    final byte[] message = sent.get(i).getBytes(StandardCharsets.UTF_8);
                    out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(message);
                }
                out.flush();
            }
            try (DatagramSocket udp = new DatagramSocket())
            {
                final InetSocketAddress target = ingest.localAddress(1);
                for (int i = 100; i < 200; i++)
                {
                    final byte[] message = sent.get(i).getBytes(StandardCharsets.UTF_8);
                    udp.send(new DatagramPacket(message, message.length, target));
                }
            }
            udpAndTcpArrive(gateway, ingest);

            final EventBatches atHome = new EventBatches();
            final EventBatches atAbroad = new EventBatches();
            try
            {
                TestMediaDriver.until(() -> atHome.events().size() == 125 && atAbroad.events().size() == 125, () ->
                {
                    gateway.eventWorker().doWork();
                    atHome.poll(home);
                    atAbroad.poll(abroad);
                }, "125 warning-or-worse events at both destinations");
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + ": " + gateway.eventSnapshot() + " " +
                    gateway.eventDestinationSnapshots() + " home " + atHome.events().size() + " abroad " +
                    atAbroad.events().size(), ex);
            }

            final CryptoPan cryptoPan = CryptoPan.fromKeyFile(directory.resolve("cryptopan.key"));
            final List<String> expectedHome = new ArrayList<>();
            final List<String> expectedAbroad = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                if (i % 8 <= 4)
                {
                    expectedHome.add(sent.get(i));
                    expectedAbroad.add(sent.get(i).replace("10.0.0." + (i % 250) + " ", image(cryptoPan, 10, 0, 0, i % 250) + " "));
                }
            }
            assertEquals(expectedHome, sortedLike(expectedHome, atHome.bodies()));
            assertEquals(expectedAbroad, sortedLike(expectedAbroad, atAbroad.bodies()));
            for (final EventBatches.Event event : atHome.events())
            {
                assertEquals(EventKind.SYSLOG.code(), event.kind());
                assertEquals(GatewayEvents.WORKER_INDEX, event.workerIndex());
            }

            final EventCounters.Snapshot events = gateway.eventSnapshot();
            assertEquals(200, events.received());
            assertEquals(125, events.forwarded(), "severities 0..4 of every 8");
            assertEquals(75, events.filtered());
            assertEquals(events.received(), events.forwarded() + events.filtered() + events.sampledOut() + events.dropped());
            long accepted = 0;
            for (int listener = 0; listener < 2; listener++)
            {
                final IngestCounters.Snapshot counters = ingest.counters(listener).snapshot();
                accepted += counters.accepted();
            }
            assertEquals(accepted, events.received(), "every message the listeners accepted reached the worker");
            final List<EventDestinationCounters.Snapshot> destinations = gateway.eventDestinationSnapshots();
            assertEquals(125, destinations.get(0).raw());
            assertEquals(125, destinations.get(0).sent());
            assertEquals(125, destinations.get(1).transformed());
            assertEquals(125, destinations.get(1).sent());
            assertTrue(Files.exists(directory.resolve("state").resolve(GatewayEvents.sequenceFileName("gw-logs-1", "us-east"))));
        }
    }

    /** UDP has no delivery guarantee even on loopback; wait until both listeners took all 100, or fail saying so. */
    private static void udpAndTcpArrive(final Gateway gateway, final EventIngest ingest)
    {
        TestMediaDriver.until(() -> ingest.counters(0).snapshot().accepted() == 100 &&
            ingest.counters(1).snapshot().accepted() == 100, () -> gateway.eventWorker().doWork(),
            "100 messages accepted by each listener");
    }

    /** {@code actual} in the order of {@code expected} when it holds the same elements (TCP and UDP interleave). */
    private static List<String> sortedLike(final List<String> expected, final List<String> actual)
    {
        final List<String> sorted = new ArrayList<>(actual);
        sorted.sort((x, y) -> Integer.compare(expected.indexOf(x), expected.indexOf(y)));
        return sorted;
    }

    @Test
    void eventsFlowWhileTheGatewayRunsOnItsThreads() throws IOException
    {
        final int homeStream = STREAM_IDS.getAndIncrement();
        final int abroadStream = STREAM_IDS.getAndIncrement();
        final GatewayConfig config = config(homeStream, abroadStream);
        final EventBatches atHome = new EventBatches();
        try (Subscription home = media.aeron.addSubscription("aeron:ipc", homeStream);
            Subscription abroad = media.aeron.addSubscription("aeron:ipc", abroadStream))
        {
            final Gateway gateway = Gateway.assemble(config.context()).start();
            try (gateway; Socket tcp = new Socket())
            {
                tcp.connect(gateway.eventIngest().localAddress(0));
                final OutputStream out = tcp.getOutputStream();
                for (int i = 0; i < 1_000; i++)
                {
                    // LF framing this time; every other line has a PRI out of range: rejected.
                    out.write(((i % 2 == 0 ? "<12>1 2024-05-01T10:00:00Z host app - - - n=" + i : "<999>1 garbage line " + i) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                TestMediaDriver.until(() -> atHome.events().size() == 500, () ->
                {
                    atHome.poll(home);
                    abroad.poll(fragmentsIgnored(), 100);
                }, "500 events at home");
                final EventCounters.Snapshot events = gateway.eventSnapshot();
                assertEquals(1_000, events.received());
                assertEquals(500, events.forwarded());
                assertEquals(500, events.dropped());
                assertEquals(500L, events.droppedByReason().values().stream().mapToLong(Long::longValue).sum());
                assertTrue(gateway.eventRejectSamples().getLast().text().startsWith("<999>1 garbage line "),
                    gateway.eventRejectSamples().toString());
            }
            assertEquals(0, gateway.errorCount());
        }
    }

    private static io.aeron.logbuffer.FragmentHandler fragmentsIgnored()
    {
        return (buffer, offset, length, header) -> {};
    }

    @Test
    void aGatewayWithNeitherPacketsNorEventsIsRefused()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.parse(
            "gateway.yaml", """
                gateway: {id: gw-1, site: s, region: eu-west}
                destinations:
                  - {region: eu-west, channel: "aeron:ipc", stream: 1}
                """, directory));
        assertTrue(refused.getMessage().contains("source"), refused.getMessage());
    }

    @Test
    void anEventOnlyConfigurationHasNoPacketSource() throws IOException
    {
        final GatewayConfig config = config(1, 2);
        assertNull(config.context().packetSources());
        assertEquals(2, config.context().eventIngest().listeners().size());
    }
}
