package dev.sluice.dataplane;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckDecoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushEncoder;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole gateway with region-scoped keys ({@code anonymization.key-dir}), driven by hand under
 * a wall clock the test sets: a pushed policy whose key epoch is not provisioned is rejected,
 * naming the file, and the policy in effect stays; and no key, of this region or another, ever
 * shows in the gateway's log, standard output and error, counters (labels, keys and values),
 * data and control frames or state files, in hex (either case), base64 or raw, whole or either
 * half. Canary addresses that only eu-west may receive raw do not reach us-east, nor the log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayKeysTest
{
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7700);
    private static final long NOVEMBER_NS = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final long DECEMBER_NS = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final long HOUR_NS = 3_600_000_000_000L;
    private static final int PACKETS = 600;
    private static final String CANARY = "10.99.88.77";
    private static final byte[] CANARY_BYTES = {10, 99, 88, 77};
    private static final String EPOCHS = """
        keys:
          overlap: 1h
          epochs:
            - {region: eu-west, id: "2026-11", from: "2026-11-01T00:00:00Z"}
            - {region: eu-west, id: "2026-12", from: "2026-12-01T00:00:00Z"}
            - {region: us-east, id: "2026-11", from: "2026-11-01T00:00:00Z"}
        """;
    private static final String POLICY = """
        sluice-policy: 1
        name: rotating
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
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        """ + EPOCHS;

    private static TestMediaDriver media;

    @TempDir
    Path directory;

    private final AtomicLong wallClockNs = new AtomicLong(NOVEMBER_NS + HOUR_NS);
    private final ExpandableArrayBuffer pushBuffer = new ExpandableArrayBuffer(16 * 1024);
    private final List<Ack> acks = new ArrayList<>();
    private Path keyRoot;
    private byte[] novemberKey;
    private byte[] decemberKey;
    private byte[] usEastKey;

    private record Ack(long version, PolicyAckStatus status, long appliedVersion, String message)
    {
    }

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
    void aPushNamingAnUnprovisionedKeyIsRejectedAndThePolicyInEffectStays() throws IOException
    {
        final GatewayContext context = context();
        try (Gateway gateway = Gateway.assemble(context);
            Publication push = media.aeron.addPublication("aeron:ipc", context.policyPushStreamId());
            Subscription control = media.aeron.addSubscription("aeron:ipc", context.controlInboundStreamId()))
        {
            assertEquals(0, gateway.policyHolder().appliedVersion(), "the bootstrap policy runs");
            final String nextYear = POLICY.replace(EPOCHS, EPOCHS +
                "    - {region: eu-west, id: \"2027-01\", from: \"2027-01-01T00:00:00Z\"}\n");

            push(push, 1, "rotating.yaml", nextYear);
            awaitAck(gateway, control, 1);
            final Ack rejected = acks.getLast();
            assertEquals(PolicyAckStatus.REJECTED, rejected.status());
            assertEquals(0, rejected.appliedVersion());
            assertEquals("rotating.yaml: key epoch eu-west/2027-01 (from 2027-01-01T00:00:00Z): key file " +
                keyRoot.resolve("eu-west/2027-01.key") + " of epoch eu-west/2027-01 is not provisioned: put the epoch's key " +
                "there inside region eu-west (32 raw bytes or 64 hex characters, mode 600)", rejected.message());
            assertEquals(0, gateway.policyHolder().appliedVersion(), "the last good policy stays");
            assertEquals(1, gateway.conductor().pushesRejected());

            CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2027-01.key"), key(2027));
            push(push, 2, "rotating.yaml", nextYear);
            awaitAck(gateway, control, 2);
            assertEquals(PolicyAckStatus.APPLIED, acks.getLast().status());
            assertEquals(2, gateway.policyHolder().appliedVersion());

            // A policy with transforms whose region has no epoch yet is refused with the reason.
            final String future = POLICY.replace(EPOCHS, EPOCHS.replace("2026-11-01", "2028-11-01").replace("2026-12-01", "2028-12-01"));
            push(push, 3, "future.yaml", future);
            awaitAck(gateway, control, 3);
            assertEquals(PolicyAckStatus.REJECTED, acks.getLast().status());
            assertEquals("future.yaml: the policy needs an anonymization key for cryptopan (residency to us-east) but no key epoch of region eu-west " +
                "is active yet: the first, 2026-11, starts at 2028-11-01T00:00:00Z", acks.getLast().message());
            assertEquals(2, gateway.policyHolder().appliedVersion());
        }
    }

    @Test
    void noKeyShowsInLogsCountersOrOutputs() throws IOException
    {
        final Logger root = Logger.getLogger("");
        final StringBuilder log = new StringBuilder();
        final Handler capture = new Handler()
        {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(final LogRecord record)
            {
                synchronized (log)
                {
                    log.append(formatter.format(record)).append('\n').append(record.getMessage()).append('\n');
                    if (null != record.getParameters())
                    {
                        log.append(Arrays.toString(record.getParameters())).append('\n');
                    }
                    if (null != record.getThrown())
                    {
                        final StringWriter trace = new StringWriter();
                        record.getThrown().printStackTrace(new PrintWriter(trace));
                        log.append(trace).append('\n');
                    }
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
        capture.setLevel(Level.ALL);
        final Level rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final Map<String, byte[]> outputs = new LinkedHashMap<>();
        final ByteArrayOutputStream euWestFrames = new ByteArrayOutputStream();
        final ByteArrayOutputStream usEastFrames = new ByteArrayOutputStream();
        final ByteArrayOutputStream controlFrames = new ByteArrayOutputStream();
        final DataBatches usEastReceived = new DataBatches();
        final StringBuilder counterDump = new StringBuilder();
        final ByteArrayOutputStream counterBytes = new ByteArrayOutputStream();
        long switches;
        try
        {
            System.setOut(new PrintStream(new TeeStream(console, out), true));
            System.setErr(new PrintStream(new TeeStream(console, err), true));
            final GatewayContext context = context();
            final int euWestStream = context.destinations().get(0).streamId();
            final int usEastStream = context.destinations().get(1).streamId();
            try (Subscription euWest = media.aeron.addSubscription("aeron:ipc", euWestStream);
                Subscription usEast = media.aeron.addSubscription("aeron:ipc", usEastStream);
                Gateway gateway = Gateway.assemble(context);
                Publication push = media.aeron.addPublication("aeron:ipc", context.policyPushStreamId());
                Subscription control = media.aeron.addSubscription("aeron:ipc", context.controlInboundStreamId()))
            {
                final FragmentHandler euWestHandler = raw(euWestFrames, null);
                final FragmentHandler usEastHandler = raw(usEastFrames, usEastReceived);
                final FragmentHandler controlHandler = new FragmentAssembler(raw(controlFrames, null));
                final Runnable duty = () ->
                {
                    gateway.conductor().doWork();
                    gateway.worker().doWork();
                    euWest.poll(euWestHandler, 100);
                    usEast.poll(usEastHandler, 100);
                    control.poll(controlHandler, 10);
                };
                for (int i = 0; i < 5; i++)
                {
                    duty.run();
                }
                // Rotation mid-stream, the end of the overlap, then a rejected push that names a key file.
                wallClockNs.set(DECEMBER_NS);
                for (int i = 0; i < 5; i++)
                {
                    duty.run();
                }
                wallClockNs.set(DECEMBER_NS + HOUR_NS);
                push(push, 1, "rotating.yaml", POLICY.replace("2026-12", "2027-02"));
                TestMediaDriver.until(gateway::isDrained, duty, "gateway drained");
                TestMediaDriver.until(() -> gateway.conductor().pushesRejected() == 1, duty, "push rejected");
                final long forwarded = gateway.sourceSnapshot().forwarded();
                TestMediaDriver.until(() -> usEastReceived.records() == forwarded, duty, "us-east received everything");
                for (int i = 0; i < 20; i++)
                {
                    duty.run();
                }
                switches = gateway.keyEpochSwitches();
                final CountersReader counters = media.aeron.countersReader();
                counters.forEach((counterId, typeId, keyBuffer, label) ->
                {
                    final long value = counters.getCounterValue(counterId);
                    counterDump.append(counterId).append(' ').append(typeId).append(' ').append(label).append(" = ").append(value).append('\n');
                    final byte[] key = new byte[keyBuffer.capacity()];
                    keyBuffer.getBytes(0, key);
                    counterBytes.writeBytes(key);
                    counterBytes.writeBytes(label.getBytes(StandardCharsets.UTF_8));
                    for (int shift = 56; shift >= 0; shift -= 8)
                    {
                        counterBytes.write((int)(value >>> shift));
                    }
                });
                assertTrue(forwarded > 0 && gateway.sourceSnapshot().received() == PACKETS);
                assertEquals(forwarded, gateway.destinationSnapshots().get(1).transformed(), "us-east receives images only");
            }
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(capture);
            root.setLevel(rootLevel);
        }

        final String logText;
        synchronized (log)
        {
            logText = log.toString();
        }
        assertEquals(1, switches, "one switch, counted once: " + counterDump);
        assertTrue(counterDump.toString().contains("sluice gateway gw-k key_epoch_switches = 1"), counterDump.toString());
        assertTrue(logText.contains("anonymization key epoch eu-west/2026-12 active, previous eu-west/2026-11 retained until " +
            "2026-12-01T01:00:00Z"), "the log is captured: " + logText);
        assertTrue(logText.contains("anonymization key of epoch eu-west/2026-11 dropped: its overlap ended at 2026-12-01T01:00:00Z"), logText);
        assertTrue(logText.contains("eu-west/2027-02.key"), "the rejection names the file: " + logText);

        outputs.put("log", logText.getBytes(StandardCharsets.UTF_8));
        outputs.put("stdout and stderr", console.toByteArray());
        outputs.put("counters", counterBytes.toByteArray());
        outputs.put("counter dump", counterDump.toString().getBytes(StandardCharsets.UTF_8));
        outputs.put("eu-west frames", euWestFrames.toByteArray());
        outputs.put("us-east frames", usEastFrames.toByteArray());
        outputs.put("control frames", controlFrames.toByteArray());
        try (var files = Files.list(directory.resolve("state")))
        {
            for (final Path file : files.toList())
            {
                if (Files.isDirectory(file))
                {
                    continue; // the spools: encoded batches, checked as the frames they are sent as
                }
                outputs.put("state file " + file.getFileName(), Files.readAllBytes(file));
            }
        }
        assertTrue(usEastFrames.size() > 10_000 && euWestFrames.size() > 10_000, "outputs were captured");

        final Map<String, byte[]> needles = new LinkedHashMap<>();
        for (final Map.Entry<String, byte[]> key : Map.of("eu-west/2026-11", novemberKey, "eu-west/2026-12", decemberKey,
            "us-east/2026-11", usEastKey).entrySet())
        {
            addForms(needles, key.getKey(), key.getValue());
            addForms(needles, key.getKey() + " AES half", Arrays.copyOf(key.getValue(), 16));
            addForms(needles, key.getKey() + " pad half", Arrays.copyOfRange(key.getValue(), 16, 32));
        }
        // The scan finds what it looks for: a positive control.
        assertTrue(indexOf(("x" + HexFormat.of().withUpperCase().formatHex(decemberKey) + "y").getBytes(StandardCharsets.US_ASCII),
            needles.get("eu-west/2026-12 hex upper")) == 1);
        for (final Map.Entry<String, byte[]> output : outputs.entrySet())
        {
            for (final Map.Entry<String, byte[]> needle : needles.entrySet())
            {
                assertEquals(-1, indexOf(output.getValue(), needle.getValue()), needle.getKey() + " found in " + output.getKey());
            }
        }

        assertTrue(indexOf(euWestFrames.toByteArray(), CANARY_BYTES) >= 0, "eu-west may receive the canary raw");
        assertEquals(-1, indexOf(usEastFrames.toByteArray(), CANARY_BYTES), "the canary address reached us-east raw");
        assertFalse(logText.contains(CANARY), "the canary address is in the log");
        assertFalse(counterDump.toString().contains(CANARY));
    }

    private static void addForms(final Map<String, byte[]> needles, final String name, final byte[] bytes)
    {
        needles.put(name + " raw", bytes);
        needles.put(name + " hex lower", HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
        needles.put(name + " hex upper", HexFormat.of().formatHex(bytes).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        needles.put(name + " base64", Base64.getEncoder().withoutPadding().encode(bytes));
        needles.put(name + " base64url", Base64.getUrlEncoder().withoutPadding().encode(bytes));
        // A base64 text of a longer string that starts elsewhere shifts the alphabet: look for the stable middle.
        final byte[] shifted = Base64.getEncoder().withoutPadding().encode(bytes);
        needles.put(name + " base64 middle", Arrays.copyOfRange(shifted, 4, shifted.length - 4));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static FragmentHandler raw(final ByteArrayOutputStream sink, final DataBatches decoded)
    {
        return (buffer, offset, length, header) ->
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            sink.writeBytes(frame);
            if (null != decoded)
            {
                decoded.onFragment(buffer, offset, length, header);
            }
        };
    }

    private void push(final Publication publication, final long version, final String sourceName, final String document)
    {
        final PolicyPushEncoder encoder = new PolicyPushEncoder()
            .wrapAndApplyHeader(pushBuffer, 0, new MessageHeaderEncoder())
            .policyVersion(version)
            .issuedTimestampMs(1)
            .targetGatewayId("")
            .sourceName(sourceName)
            .document(document);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        TestMediaDriver.until(() -> publication.offer(pushBuffer, 0, length) > 0, () -> {}, "push offered");
    }

    private void awaitAck(final Gateway gateway, final Subscription control, final long version)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final PolicyAckDecoder ack = new PolicyAckDecoder();
        final FragmentHandler handler = new FragmentAssembler((buffer, offset, length, frameHeader) ->
        {
            header.wrap(buffer, offset);
            if (header.templateId() == PolicyAckDecoder.TEMPLATE_ID)
            {
                ack.wrapAndApplyHeader(buffer, offset, header);
                acks.add(new Ack(ack.policyVersion(), ack.status(), ack.appliedPolicyVersion(), ack.message()));
            }
        });
        TestMediaDriver.until(() -> !acks.isEmpty() && acks.getLast().version() == version, () ->
        {
            gateway.conductor().doWork();
            control.poll(handler, 10);
        }, "ack of version " + version);
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 131 + i * 29 + 7);
        }
        return key;
    }

    /**
     * Keys of eu-west (two epochs) and of us-east, the capture (canary sources among others), and
     * a bootstrap policy naming the epochs.
     */
    private GatewayContext context() throws IOException
    {
        keyRoot = directory.resolve("keys");
        Files.createDirectories(keyRoot.resolve("eu-west"));
        Files.createDirectories(keyRoot.resolve("us-east"));
        novemberKey = key(11);
        decemberKey = key(12);
        usEastKey = key(13);
        CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2026-11.key"), novemberKey);
        final Path december = keyRoot.resolve("eu-west/2026-12.key");
        Files.write(december, decemberKey);
        Files.setPosixFilePermissions(december, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CryptoPan.writeKeyFile(keyRoot.resolve("us-east/2026-11.key"), usEastKey);

        final Path capture = directory.resolve("site.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int i = 0; i < PACKETS; i++)
            {
                final String src = i % 3 == 0 ? CANARY : "10.0." + (i >> 8) + "." + (i & 0xFF);
                final byte[] frame = i % 7 == 6 ?
                    Packets.ipv6Udp("2001:db8::" + Integer.toHexString(i + 1), "2001:db8::53", 40_000 + i, 53) :
                    Packets.ipv4Udp(NO_VLAN, src, "192.0.2.9", 40_000 + i, i % 10 == 9 ? 123 : 5000);
                writer.write(1_700_000_000_000_000_000L + i * 1_000L, frame);
            }
        }
        final Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        return new GatewayContext()
            .aeron(media.aeron)
            .gatewayId("gw-k")
            .site("lab-1")
            .region("eu-west")
            .controlInboundChannel("aeron:ipc")
            .controlInboundStreamId(STREAM_IDS.getAndIncrement())
            .policyPushChannel("aeron:ipc")
            .policyPushStreamId(STREAM_IDS.getAndIncrement())
            .captureFiles(List.of(capture))
            .stateDirectory(directory.resolve("state"))
            .bootstrapPolicyFile(policy)
            .anonymizationKeyDirectory(keyRoot)
            .keyClock(wallClockNs::get)
            .addDestination("eu-west", "aeron:ipc", STREAM_IDS.getAndIncrement())
            .addDestination("us-east", "aeron:ipc", STREAM_IDS.getAndIncrement());
    }

    /** Writes to two streams: what the test captures, and where it went before. */
    private static final class TeeStream extends java.io.OutputStream
    {
        private final ByteArrayOutputStream copy;
        private final PrintStream original;

        TeeStream(final ByteArrayOutputStream copy, final PrintStream original)
        {
            this.copy = copy;
            this.original = original;
        }

        @Override
        public void write(final int b)
        {
            synchronized (copy)
            {
                copy.write(b);
            }
            original.write(b);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            synchronized (copy)
            {
                copy.write(bytes, offset, length);
            }
            original.write(bytes, offset, length);
        }
    }
}
