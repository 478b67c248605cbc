package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.KeyCustodian;
import dev.sluice.dataplane.anonymize.keys.KeyDirectory;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.classify.ClassifyStage;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.FlowCounters;
import dev.sluice.dataplane.counters.SourceCounters;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.egress.BatchEgress;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.reduce.ReduceStage;
import dev.sluice.dataplane.residency.ResidencyStage;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that crosses a key epoch's start in the middle of a capture, under a clock the test
 * sets: the bursts before the switch leave with Crypto-PAn images under the old epoch's key,
 * those after under the new one's, no burst is split between the two, and every packet is
 * counted and sent exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayWorkerKeyEpochTest
{
    private static final int PACKETS = 200;
    private static final int BURST = 20;
    private static final int BURSTS_BEFORE_SWITCH = 4;
    private static final int FIRST_SRC_PORT = 20_000;
    private static final long NOVEMBER_NS = epochNs("2026-11-01T00:00:00Z");
    private static final long DECEMBER_NS = epochNs("2026-12-01T00:00:00Z");
    private static final String POLICY = """
        sluice-policy: 1
        name: rotating
        match: first
        default: keep
        regions: [eu-west, us-east]
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        keys:
          overlap: 1h
          epochs:
            - {region: eu-west, id: "2026-11", from: "2026-11-01T00:00:00Z"}
            - {region: eu-west, id: "2026-12", from: "2026-12-01T00:00:00Z"}
        """;

    private static TestMediaDriver media;

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicLong wallClockNs = new AtomicLong(NOVEMBER_NS + 3_600_000_000_000L);

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

    @AfterEach
    void closeResources()
    {
        CloseHelper.closeAll(resources.reversed());
    }

    private static long epochNs(final String instant)
    {
        return Instant.parse(instant).getEpochSecond() * 1_000_000_000L;
    }

    /** Packet i: IPv4 from 10.0.i/256.i%256 on most, IPv6 from 2001:db8::i on every fifth; source port names it. */
    private static byte[] packet(final int i)
    {
        final int srcPort = FIRST_SRC_PORT + i;
        return i % 5 == 4 ?
            Packets.ipv6Udp("2001:db8::" + Integer.toHexString(i + 1), "2001:db8::ffff", srcPort, 5000) :
            Packets.ipv4Udp(NO_VLAN, "10.0." + (i >> 8) + "." + (i & 0xFF), "192.0.2.9", srcPort, 5000);
    }

    private static byte[] source(final int i) throws IOException
    {
        return InetAddress.getByName(i % 5 == 4 ? "2001:db8::" + Integer.toHexString(i + 1) : "10.0." + (i >> 8) + "." + (i & 0xFF))
            .getAddress();
    }

    private static List<Byte> image(final CryptoPan cryptoPan, final byte[] address)
    {
        if (address.length == 4)
        {
            final int anonymized = cryptoPan.anonymizeIpv4(ByteBuffer.wrap(address).getInt());
            return DataBatches.addressField(ByteBuffer.allocate(4).putInt(anonymized).array());
        }
        final ByteBuffer in = ByteBuffer.wrap(address);
        cryptoPan.anonymizeIpv6(in.getLong(), in.getLong());
        return DataBatches.addressField(ByteBuffer.allocate(16).putLong(cryptoPan.resultHigh()).putLong(cryptoPan.resultLow()).array());
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 31 + i * 11);
        }
        return key;
    }

    @Test
    void burstsBeforeTheSwitchUseTheOldKeyAndAfterItTheNewOne() throws IOException
    {
        final Path keyRoot = directory.resolve("keys");
        Files.createDirectories(keyRoot.resolve("eu-west"));
        CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2026-11.key"), key(11));
        CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2026-12.key"), key(12));

        final Path capture = directory.resolve("site.pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(capture, LinkType.ETHERNET, CaptureFileWriter.Precision.NANOSECONDS))
        {
            for (int i = 0; i < PACKETS; i++)
            {
                writer.write(1_700_000_000_000_000_000L + i, packet(i));
            }
        }
        final CaptureFileSource source = track(CaptureFileSource.open(capture));
        final SourceCounters sourceCounters = track(new SourceCounters(media.aeron, source.name()));
        final FlowCounters flowCounters = track(new FlowCounters(media.aeron, "rx-0"));
        final int streamId = 9_700;
        final Subscription usEast = track(media.aeron.addSubscription("aeron:ipc", streamId));
        final DestinationStream us = track(new DestinationStream(
            0,
            "us-east",
            media.aeron.addExclusivePublication("aeron:ipc", streamId),
            StreamSequence.open(directory.resolve("us-east.seq"), 16),
            new DestinationCounters(media.aeron, "us-east")));
        TestMediaDriver.until(() -> us.publication().positionLimit() > 0, () -> {}, "connected");
        final BatchEgress egress = new BatchEgress(List.of(us), "gw-paris-1", "paris-1", "eu-west", 1_000_000_000L, () -> 1L);

        final KeyCustodian custodian = track(new KeyCustodian(
            "eu-west", new KeyDirectory(keyRoot, "eu-west"), null, 1, CryptoPan.DEFAULT_CACHE_SLOTS, wallClockNs::get, null));
        final PolicyHolder holder = new PolicyHolder();
        final PolicyInstaller.Result result =
            new PolicyInstaller("eu-west", List.of("us-east"), custodian).build(1, TestPolicies.parse(POLICY));
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        holder.apply(result.snapshot());

        final WorkerKeys keys = new WorkerKeys(0, wallClockNs::get);
        final PacketBurst burst = new PacketBurst(BURST, 1);
        final DestinationCounters[] counters = {us.counters()};
        final CachedNanoClock clock = new CachedNanoClock();
        final GatewayWorker worker = new GatewayWorker(
            "rx-0",
            source,
            burst,
            new PacketDecoder(),
            new ClassifyStage(),
            new ReduceStage(flowCounters, counters, burst.capacity(), keys),
            AnonymizeStage.withKeys(keys),
            new ResidencyStage(counters, burst.capacity()),
            egress,
            holder,
            sourceCounters,
            clock,
            keys);

        final DataBatches received = new DataBatches();
        for (int i = 0; i < BURSTS_BEFORE_SWITCH; i++)
        {
            assertEquals(BURST, worker.doWork());
        }
        assertEquals(0, keys.switches());
        wallClockNs.set(DECEMBER_NS);
        TestMediaDriver.until(worker::isDrained, () ->
        {
            clock.advance(1_000);
            worker.doWork();
            usEast.poll(received, 100);
        }, "worker drained");
        received.awaitRecords(usEast, PACKETS);
        assertEquals(1, keys.switches());

        final CryptoPan november = new CryptoPan(key(11));
        final CryptoPan december = new CryptoPan(key(12));
        int underNovember = 0;
        int underDecember = 0;
        final boolean[] seen = new boolean[PACKETS];
        for (final DataBatches.Packet record : received.packets())
        {
            final int i = record.srcPort() - FIRST_SRC_PORT;
            assertTrue(!seen[i], "packet " + i + " sent once");
            seen[i] = true;
            assertTrue(record.srcAnonymized() && record.dstAnonymized(), "us-east receives images only");
            final List<Byte> expectedNovember = image(november, source(i));
            final List<Byte> expectedDecember = image(december, source(i));
            if (i < BURSTS_BEFORE_SWITCH * BURST)
            {
                assertEquals(expectedNovember, record.srcAddress(), "packet " + i + " was anonymized before the switch");
                underNovember++;
            }
            else
            {
                assertEquals(expectedDecember, record.srcAddress(), "packet " + i + " was anonymized after the switch");
                underDecember++;
            }
        }
        assertEquals(BURSTS_BEFORE_SWITCH * BURST, underNovember);
        assertEquals(PACKETS - BURSTS_BEFORE_SWITCH * BURST, underDecember);

        final SourceCounters.Snapshot counted = sourceCounters.snapshot();
        assertEquals(PACKETS, counted.received());
        assertEquals(PACKETS, counted.forwarded());
        final DestinationCounters.Snapshot sent = us.counters().snapshot();
        assertEquals(PACKETS, sent.transformed());
        assertEquals(PACKETS, sent.sentRecords());
        assertEquals(0, sent.inFlight());
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }
}
