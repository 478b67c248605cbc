package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.source.event.EventIngest;
import dev.sluice.dataplane.testing.EventBatches;
import dev.sluice.dataplane.testing.TestMediaDriver;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canaries: events over TCP (JSON telemetry and CEF over syslog) carry an IPv4 and an IPv6
 * address, a user name, an e-mail address, an IMSI, a VIN, a driver id and a precise position,
 * under a policy that lets each go raw only to eu-west and transformed (or not at all) to
 * us-east. Everything the gateway produces is then searched for every canary and for the key:
 * what reaches us-east, every line it logged or printed, and every counter's label and value.
 * The canaries must reach eu-west (so the search would have found them), and the whole key,
 * either half, in hex of either case, base64 or raw, must appear nowhere.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayCanaryTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7900);
    private static final List<String> CANARIES = List.of(
        "10.99.88.77", "2001:db8:dead:beef::77", "canaryuser", "canary.person@example.org", "310260999888777",
        "1HGCM82633A004352", "drv-canary-7", "48.85661", "2.35222");
    private static final String POLICY = """
        sluice-policy: 1
        name: canaries
        match: first
        default: keep
        regions: [eu-west, us-east]
        classes:
          pii.contact: [json.email]
          pii.subscriber: [json.imsi]
        anonymization: {k-anonymity: 1}
        rules: []
        residency:
          - {class: pii.ip, origin: eu-west, raw: [eu-west], after: {cryptopan: [us-east]}}
          - {class: pii.user, origin: eu-west, raw: [eu-west], after: {user: [us-east]}}
          - {class: pii.vehicle, origin: eu-west, raw: [eu-west], after: {vin: [us-east]}}
          - {class: loc.precise, origin: eu-west, raw: [eu-west], after: {geohash: [us-east]}}
          - {class: pii.contact, origin: eu-west, raw: [eu-west], after: {email: [us-east]}}
          - {class: pii.subscriber, origin: eu-west, raw: [eu-west], after: {imsi: [us-east]}}
        """;
    private static final String[] EVENTS = {
        "{\"vin\":\"1HGCM82633A004352\",\"driver_id\":\"drv-canary-7\",\"lat\":48.85661,\"lon\":2.35222," +
            "\"email\":\"canary.person@example.org\",\"imsi\":\"310260999888777\",\"peer\":\"10.99.88.77\"}",
        "{\"email\":\"canary.person@example.org\",\"note\":\"from 2001:db8:dead:beef::77 and 10.99.88.77\"}",
        "{\"imsi\":\"310260999888777\",\"speed\":12}",
    };
    private static final String CEF =
        "<111>1 2024-05-01T10:00:00Z fw sec - - - CEF:0|V|P|1|100|login|8|src=10.99.88.77 dst=2001:db8:dead:beef::77 " +
        "suser=canaryuser msg=login failed for canaryuser";

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

    @Test
    void noCanaryNorKeyLeavesWhereThePolicyForbidsIt() throws IOException
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(0x5A ^ (37 * i + 11));
        }
        CryptoPan.writeKeyFile(directory.resolve("site.key"), key);
        Files.writeString(directory.resolve("policy.yaml"), POLICY);
        final int homeStream = STREAM_IDS.getAndIncrement();
        final int abroadStream = STREAM_IDS.getAndIncrement();
        final GatewayConfig config = GatewayConfig.parse("gateway.yaml", """
            gateway: {id: gw-canary, site: paris-1, region: eu-west}
            ingest:
              transport: nio
              listeners:
                - {name: json, kind: json-tcp, bind: 127.0.0.1, port: 0}
                - {name: syslog, kind: syslog-tcp, bind: 127.0.0.1, port: 0}
            destinations:
              - {region: eu-west, channel: "aeron:ipc", stream: %d}
              - {region: us-east, channel: "aeron:ipc", stream: %d}
            control-plane:
              channel: "aeron:ipc?alias=unused-control"
              push-channel: "aeron:ipc?alias=unused-push"
            anonymization: {key-file: site.key}
            policy-file: policy.yaml
            state-dir: state
            """.formatted(homeStream, abroadStream), directory);
        config.context().aeron(media.aeron);

        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final List<String> logged = new ArrayList<>();
        final Handler handler = new Handler()
        {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(final LogRecord record)
            {
                synchronized (logged)
                {
                    logged.add(formatter.format(record));
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        final Logger root = Logger.getLogger("");
        root.addHandler(handler);
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final EventBatches atHome = new EventBatches();
        final EventBatches abroad = new EventBatches();
        final StringBuilder counters = new StringBuilder();
        try (Subscription homeSubscription = media.aeron.addSubscription("aeron:ipc", homeStream);
            Subscription abroadSubscription = media.aeron.addSubscription("aeron:ipc", abroadStream))
        {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
            try (Gateway gateway = Gateway.assemble(config.context()))
            {
                final EventIngest ingest = gateway.eventIngest();
                send(ingest, 0, String.join("\n", EVENTS) + "\n");
                send(ingest, 1, CEF + "\n");
                final int expected = EVENTS.length + 1;
                TestMediaDriver.until(() -> atHome.events().size() == expected && abroad.events().size() + blocked(gateway) == expected,
                    () ->
                    {
                        gateway.eventWorker().doWork();
                        atHome.poll(homeSubscription);
                        abroad.poll(abroadSubscription);
                    }, "every event at home, and abroad or blocked");
                assertEquals(0, blocked(gateway), "every canary has a transform abroad: nothing needed blocking " +
                    gateway.eventSnapshot());
                media.aeron.countersReader().forEach((value, id, label) ->
                    counters.append(id).append(' ').append(label).append(" = ").append(value).append('\n'));
            }
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(handler);
        }

        final String home = String.join("\n", atHome.bodies());
        final String abroadText = String.join("\n", abroad.bodies());
        final String log = console.toString(StandardCharsets.UTF_8) + String.join("", logged);
        for (final String canary : CANARIES)
        {
            assertTrue(home.contains(canary), canary + " reaches eu-west raw, so the search can find it: " + home);
            assertFalse(abroadText.contains(canary), canary + " reached us-east: " + abroadText);
            assertFalse(log.contains(canary), canary + " is in the log: " + log);
            assertFalse(counters.toString().contains(canary), canary + " is in a counter: " + counters);
        }
        final String everything = abroadText + home + log + counters;
        for (final String form : keyForms(key))
        {
            assertFalse(everything.contains(form), "key material appears in the gateway's output, log or counters");
        }
        assertTrue(abroadText.contains("CEF:0|V|P|1|100|login|8|src="), "the events themselves still arrive: " + abroadText);
    }

    private static long blocked(final Gateway gateway)
    {
        return gateway.eventDestinationSnapshots().get(1).blocked();
    }

    private static void send(final EventIngest ingest, final int listener, final String lines) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(ingest.localAddress(listener));
            final OutputStream stream = socket.getOutputStream();
            stream.write(lines.getBytes(StandardCharsets.UTF_8));
            stream.flush();
        }
    }

    /** The key and each half, in hex (both cases), base64 and as raw bytes read as Latin-1. */
    private static List<String> keyForms(final byte[] key)
    {
        final List<String> forms = new ArrayList<>();
        final byte[][] parts = { key, java.util.Arrays.copyOf(key, 16), java.util.Arrays.copyOfRange(key, 16, 32) };
        for (final byte[] part : parts)
        {
            final String hex = HexFormat.of().formatHex(part);
            forms.add(hex);
            forms.add(hex.toUpperCase(Locale.ROOT));
            forms.add(Base64.getEncoder().encodeToString(part));
            forms.add(new String(part, StandardCharsets.ISO_8859_1));
        }
        return forms;
    }
}
