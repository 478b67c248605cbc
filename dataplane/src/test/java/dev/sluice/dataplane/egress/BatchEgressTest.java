package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.anonymize.AnonymizeStage;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.DataBatches;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.TunnelType;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sluice.dataplane.testing.DataBatches.addressField;
import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Egress end to end through Aeron: every record and header field survives SBE encoding into
 * {@code tryClaim} buffers and decoding on the far side; records are split into batches that
 * fit the publication; sequences run from 1 without gaps across bursts and back pressure;
 * a destination without a subscriber beyond the timeout drops and counts, and comes back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchEgressTest
{
    private static final String GATEWAY = "gw-paris-1";
    private static final String SITE = "paris-1";
    private static final String ORIGIN = "eu-west";
    private static final long POLICY_VERSION = 42;
    private static final long ENCODED_NS = 1_700_000_999_000_000_001L;
    private static final long TIMEOUT_NS = 1_000_000;
    private static final int FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DataBatchEncoder.BLOCK_LENGTH +
        DataBatchEncoder.PacketsEncoder.HEADER_SIZE + DataBatchEncoder.FlowsEncoder.HEADER_SIZE +
        DataBatchEncoder.FramesEncoder.HEADER_SIZE + DataBatchEncoder.EventsEncoder.HEADER_SIZE;
    private static final int RECORD_LENGTH = DataBatchEncoder.PacketsEncoder.sbeBlockLength();
    private static final AtomicInteger STREAM_IDS = new AtomicInteger(7000);
    private static final byte[] KEY = new byte[CryptoPan.KEY_LENGTH_BYTES];

    private static TestMediaDriver media;

    @TempDir
    Path directory;

    private final List<AutoCloseable> resources = new ArrayList<>();

    static
    {
        for (int i = 0; i < KEY.length; i++)
        {
            KEY[i] = (byte)(i * 13 + 1);
        }
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

    @AfterEach
    void closeResources()
    {
        CloseHelper.closeAll(resources);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip()
    {
        final int euStream = STREAM_IDS.incrementAndGet();
        final int usStream = STREAM_IDS.incrementAndGet();
        final Subscription euWest = subscription(euStream);
        final Subscription usEast = subscription(usStream);
        final BatchEgress egress = egress(
            stream(0, "eu-west", "aeron:ipc", euStream, 100),
            stream(1, "us-east", "aeron:ipc", usStream, 100));
        awaitConnected(egress);

        final PacketBurst burst = Bursts.decoded(new PacketBurst(16, 2), List.of(
            Packets.ipv4Tcp("192.168.1.10", "93.184.216.34", 50000, 443, 0x1C2),        // 0: all 9 flag bits in use
            Packets.ipv4Udp(100, "10.0.0.5", "8.8.8.8", 54321, 53),                     // 1: VLAN
            Packets.ipv6Tcp("2001:db8::1", "2001:db8:ffff::2", 443, 50000, 0x012),      // 2
            Packets.ipv4Icmp(4094, "10.0.0.1", "10.0.0.2", 3, 13),                      // 3: ICMP, highest VLAN id
            Packets.ipv6Icmp("fe80::1", "ff02::1", 128, 0),                             // 4: ICMPv6
            Packets.arpRequest(),                                                       // 5: not IP
            Packets.ipv4LaterFragment("10.0.0.1", "10.0.0.2", 17),                      // 6: no ports
            Packets.truncatedIpv4(),                                                    // 7: dropped by decode
            Packets.ipv4Tcp("10.9.9.9", "10.8.8.8", 1, 2, 0x002)));                     // 8: filtered
        burst.wireLength[0] = burst.capturedLength[0] + 1400;   // a packet cut by the capture's snap length
        for (int i = 0; i < burst.count(); i++)
        {
            burst.verdict[i] = burst.verdict[i] == Verdict.DROPPED ? Verdict.DROPPED : Verdict.PASS;
        }
        burst.verdict[8] = Verdict.FILTERED;
        new AnonymizeStage(new CryptoPan(KEY)).apply(burst, AnonymizedFields.ADDRESSES);
        final byte[] usBits = {AnonymizedFields.SRC_ADDRESS, AnonymizedFields.DST_ADDRESS, AnonymizedFields.ADDRESSES,
            AnonymizedFields.ADDRESSES, AnonymizedFields.SRC_ADDRESS, 0, 0};
        for (int i = 0; i < 7; i++)
        {
            burst.delivery[0][i] = Delivery.RAW;
            burst.delivery[1][i] = usBits[i] == 0 ? Delivery.RAW : Delivery.TRANSFORMED;
            burst.transformedFields[1][i] = usBits[i];
        }
        burst.delivery[1][6] = Delivery.BLOCKED;

        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, 0));

        final DataBatches eu = new DataBatches().awaitRecords(euWest, 7);
        final DataBatches us = new DataBatches().awaitRecords(usEast, 6);
        assertEquals(1, eu.batches().size());
        assertEquals(1, us.batches().size());
        assertHeader(eu.batches().get(0), "eu-west", 1, 7);
        assertHeader(us.batches().get(0), "us-east", 1, 6);

        final long t0 = Bursts.BASE_TIMESTAMP_NS;
        final List<DataBatches.Packet> raw = eu.packets();
        final CryptoPan reference = new CryptoPan(KEY, 0);
        assertAll(
            () -> assertEquals(new DataBatches.Packet(t0, burst.capturedLength[0] + 1400L, burst.capturedLength[0],
                DataBatchDecoder.PacketsDecoder.vlanIdNullValue(), 0x0800, IpVersion.V4, (short)6,
                v4("192.168.1.10"), v4("93.184.216.34"), 50000, 443, 0x1C2, (short)0, (short)0, false, false), raw.get(0)),
            () -> assertEquals(new DataBatches.Packet(t0 + 1, burst.wireLength[1], burst.capturedLength[1],
                100, 0x0800, IpVersion.V4, (short)17,
                v4("10.0.0.5"), v4("8.8.8.8"), 54321, 53, 0, (short)0, (short)0, false, false), raw.get(1)),
            () -> assertEquals(new DataBatches.Packet(t0 + 2, burst.wireLength[2], burst.capturedLength[2],
                DataBatchDecoder.PacketsDecoder.vlanIdNullValue(), 0x86DD, IpVersion.V6, (short)6,
                v6("2001:db8::1"), v6("2001:db8:ffff::2"), 443, 50000, 0x012, (short)0, (short)0, false, false), raw.get(2)),
            () -> assertEquals(new DataBatches.Packet(t0 + 3, burst.wireLength[3], burst.capturedLength[3],
                4094, 0x0800, IpVersion.V4, (short)1,
                v4("10.0.0.1"), v4("10.0.0.2"), 0, 0, 0, (short)3, (short)13, false, false), raw.get(3)),
            () -> assertEquals(new DataBatches.Packet(t0 + 4, burst.wireLength[4], burst.capturedLength[4],
                DataBatchDecoder.PacketsDecoder.vlanIdNullValue(), 0x86DD, IpVersion.V6, (short)58,
                v6("fe80::1"), v6("ff02::1"), 0, 0, 0, (short)128, (short)0, false, false), raw.get(4)),
            () -> assertEquals(new DataBatches.Packet(t0 + 5, burst.wireLength[5], burst.capturedLength[5],
                DataBatchDecoder.PacketsDecoder.vlanIdNullValue(), 0x0806, IpVersion.NONE, (short)0,
                addressField(new byte[0]), addressField(new byte[0]), 0, 0, 0, (short)0, (short)0, false, false), raw.get(5)),
            () -> assertEquals(new DataBatches.Packet(t0 + 6, burst.wireLength[6], burst.capturedLength[6],
                DataBatchDecoder.PacketsDecoder.vlanIdNullValue(), 0x0800, IpVersion.V4, (short)17,
                v4("10.0.0.1"), v4("10.0.0.2"), 0, 0, 0, (short)0, (short)0, false, false), raw.get(6)));

        final List<DataBatches.Packet> transformed = us.packets();
        assertAll(
            () -> assertEquals(v4Image(reference, "192.168.1.10"), transformed.get(0).srcAddress()),
            () -> assertEquals(v4("93.184.216.34"), transformed.get(0).dstAddress()),
            () -> assertTrue(transformed.get(0).srcAnonymized()),
            () -> assertFalse(transformed.get(0).dstAnonymized()),
            () -> assertEquals(v4("10.0.0.5"), transformed.get(1).srcAddress()),
            () -> assertEquals(v4Image(reference, "8.8.8.8"), transformed.get(1).dstAddress()),
            () -> assertFalse(transformed.get(1).srcAnonymized()),
            () -> assertTrue(transformed.get(1).dstAnonymized()),
            () -> assertEquals(v6Image(reference, "2001:db8::1"), transformed.get(2).srcAddress()),
            () -> assertEquals(v6Image(reference, "2001:db8:ffff::2"), transformed.get(2).dstAddress()),
            () -> assertTrue(transformed.get(2).srcAnonymized() && transformed.get(2).dstAnonymized()),
            () -> assertEquals(v4Image(reference, "10.0.0.1"), transformed.get(3).srcAddress()),
            () -> assertEquals(v6Image(reference, "fe80::1"), transformed.get(4).srcAddress()),
            () -> assertEquals(v6("ff02::1"), transformed.get(4).dstAddress()),
            () -> assertEquals(IpVersion.NONE, transformed.get(5).ipVersion()),
            () -> assertFalse(transformed.get(5).srcAnonymized() || transformed.get(5).dstAnonymized()),
            () -> assertEquals(withoutAddresses(raw.get(0)), withoutAddresses(transformed.get(0)), "only addresses differ"),
            () -> assertEquals(withoutAddresses(raw.get(4)), withoutAddresses(transformed.get(4))));

        final DestinationCounters.Snapshot euCounters = egress.stream(0).counters().snapshot();
        assertEquals(7, euCounters.sentRecords());
        assertEquals(1, euCounters.sentBatches());
        assertEquals(eu.batches().get(0).frameLength(), euCounters.sentBytes());
        assertEquals(1, euCounters.lastSequence());
    }

    @Test
    void tunnelledPacketsCarryTheirTunnelAndInnerLayerTransformedWhereResidencyAsks()
    {
        final int euStream = STREAM_IDS.incrementAndGet();
        final int usStream = STREAM_IDS.incrementAndGet();
        final Subscription euWest = subscription(euStream);
        final Subscription usEast = subscription(usStream);
        final BatchEgress egress = egress(
            stream(0, "eu-west", "aeron:ipc", euStream, 100),
            stream(1, "us-east", "aeron:ipc", usStream, 100));
        awaitConnected(egress);

        final PacketBurst burst = Bursts.decoded(new PacketBurst(4, 2), List.of(
            Packets.gtpUIpv4Tcp("192.0.2.1", "192.0.2.2", 0x12345678, "10.45.0.7", "198.51.100.9", 50000, 443)));
        burst.verdict[0] = Verdict.PASS;
        new AnonymizeStage(new CryptoPan(KEY)).apply(burst, AnonymizedFields.ALL_ADDRESSES);
        burst.delivery[0][0] = Delivery.RAW;
        burst.delivery[1][0] = Delivery.TRANSFORMED;
        burst.transformedFields[1][0] = AnonymizedFields.ALL_ADDRESSES;

        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, 0));
        final DataBatches.Packet raw = new DataBatches().awaitRecords(euWest, 1).packets().get(0);
        final DataBatches.Packet transformed = new DataBatches().awaitRecords(usEast, 1).packets().get(0);

        final CryptoPan reference = new CryptoPan(KEY, 0);
        assertAll(
            () -> assertEquals(TunnelType.GTPU, raw.tunnelType()),
            () -> assertEquals(1, raw.tunnelDepth()),
            () -> assertEquals(0x12345678L, raw.tunnelId()),
            () -> assertEquals(17, raw.ipProtocol()),
            () -> assertEquals(2152, raw.dstPort()),
            () -> assertEquals(IpVersion.V4, raw.innerIpVersion()),
            () -> assertEquals(6, raw.innerIpProtocol()),
            () -> assertEquals(v4("10.45.0.7"), raw.innerSrcAddress()),
            () -> assertEquals(v4("198.51.100.9"), raw.innerDstAddress()),
            () -> assertEquals(50000, raw.innerSrcPort()),
            () -> assertEquals(443, raw.innerDstPort()),
            () -> assertFalse(raw.innerSrcAnonymized() || raw.innerDstAnonymized() || raw.srcAnonymized()),
            () -> assertEquals(v4Image(reference, "192.0.2.1"), transformed.srcAddress()),
            () -> assertEquals(v4Image(reference, "10.45.0.7"), transformed.innerSrcAddress()),
            () -> assertEquals(v4Image(reference, "198.51.100.9"), transformed.innerDstAddress()),
            () -> assertTrue(transformed.srcAnonymized() && transformed.dstAnonymized()),
            () -> assertTrue(transformed.innerSrcAnonymized() && transformed.innerDstAnonymized()),
            () -> assertEquals(0x12345678L, transformed.tunnelId()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aeron:ipc", "aeron:ipc?mtu=4096", "aeron:ipc?mtu=65504"})
    void recordsAreSplitIntoBatchesThatFitThePublication(final String channel)
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final Subscription subscription = subscription(streamId);
        final BatchEgress egress = egress(stream(0, "eu-west", channel, streamId, 3));
        awaitConnected(egress);
        final int maxPayload = egress.stream(0).publication().maxPayloadLength();
        final int maxRecords = (maxPayload - FIXED_LENGTH) / RECORD_LENGTH;

        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        final List<Long> expectedTimestamps = new ArrayList<>();
        for (int round = 0; round < 5; round++)
        {
            final long firstTimestampNs = 1_000_000L * (round + 1);
            final int count = round == 4 ? 1 : burst.capacity() - round * 37;
            fillPassing(burst, count, firstTimestampNs);
            for (int i = 0; i < count; i++)
            {
                // Every fifth item is blocked here, so batches must skip over it.
                final boolean blocked = (i + round) % 5 == 0;
                burst.delivery[0][i] = blocked ? Delivery.BLOCKED : Delivery.RAW;
                if (!blocked)
                {
                    expectedTimestamps.add(firstTimestampNs + i);
                }
            }
            egress.beginBurst();
            assertTrue(egress.send(burst, POLICY_VERSION, 0));
        }

        final DataBatches received = new DataBatches().awaitRecords(subscription, expectedTimestamps.size());
        final List<Long> timestamps = new ArrayList<>();
        long expectedSequence = 1;
        for (final DataBatches.Batch batch : received.batches())
        {
            assertEquals(expectedSequence++, batch.streamSequence(), "contiguous from 1");
            assertTrue(batch.frameLength() <= maxPayload, "frame " + batch.frameLength() + " within " + maxPayload);
            assertTrue(batch.recordCount() >= 1 && batch.recordCount() <= maxRecords, "records " + batch.recordCount());
            assertEquals(batch.recordCount(), batch.packets().size());
            assertEquals(FIXED_LENGTH + batch.recordCount() * RECORD_LENGTH, batch.frameLength());
            batch.packets().forEach(p -> timestamps.add(p.timestampNs()));
        }
        assertEquals(expectedTimestamps, timestamps, "every allowed record once, in order");
        assertTrue(received.batches().size() >= expectedTimestamps.size() / maxRecords);

        final DestinationCounters.Snapshot counters = egress.stream(0).counters().snapshot();
        assertEquals(received.batches().size(), counters.sentBatches());
        assertEquals(expectedTimestamps.size(), counters.sentRecords());
        assertEquals(received.batches().size(), counters.lastSequence());
        assertEquals(received.batches().size(), egress.stream(0).sequence().lastUsed());
    }

    @Test
    void fullBatchesWhileRecordsRemain()
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final Subscription subscription = subscription(streamId);
        final BatchEgress egress = egress(stream(0, "eu-west", "aeron:ipc", streamId, 100));
        awaitConnected(egress);
        final int maxRecords = (egress.stream(0).publication().maxPayloadLength() - FIXED_LENGTH) / RECORD_LENGTH;

        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
        fillPassing(burst, burst.capacity(), 0);
        Arrays.fill(burst.delivery[0], 0, burst.count(), Delivery.RAW);
        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, 0));

        final List<DataBatches.Batch> batches = new DataBatches().awaitRecords(subscription, burst.count()).batches();
        final int full = burst.count() / maxRecords;
        for (int b = 0; b < batches.size(); b++)
        {
            assertEquals(b < full ? maxRecords : burst.count() - full * maxRecords, batches.get(b).recordCount());
        }
    }

    @Test
    void backPressureHoldsTheBurstAndResumesWithoutSkippingOrRepeating()
    {
        final int slowStream = STREAM_IDS.incrementAndGet();
        final int fastStream = STREAM_IDS.incrementAndGet();
        final Subscription slow = subscription(slowStream);
        final Subscription fast = subscription(fastStream);
        final BatchEgress egress = egress(
            stream(0, "eu-west", "aeron:ipc?term-length=64k", slowStream, 7),
            stream(1, "us-east", "aeron:ipc", fastStream, 7));
        awaitConnected(egress);

        final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 2);
        final DataBatches slowReceived = new DataBatches();
        final DataBatches fastReceived = new DataBatches();
        long offered = 0;
        int heldRounds = 0;
        int bursts = 0;
        while (heldRounds == 0 || bursts < 30)
        {
            fillPassing(burst, burst.capacity(), 1_000_000L * (bursts + 1));
            Arrays.fill(burst.delivery[0], 0, burst.count(), Delivery.RAW);
            Arrays.fill(burst.delivery[1], 0, burst.count(), Delivery.RAW);
            offered += burst.count();
            bursts++;
            egress.beginBurst();
            if (!egress.send(burst, POLICY_VERSION, 0))
            {
                // The slow subscriber is not reading: the burst is held and offered again, as the worker
                // does; whether a retry gets through depends on when the driver moves the limit.
                heldRounds++;
                final DestinationCounters.Snapshot held = egress.stream(0).counters().snapshot();
                assertTrue(held.backPressureRetries() >= heldRounds);
                assertTrue(held.sentRecords() < offered, "part of the burst is held");
                for (int retry = 0; retry < 3; retry++)
                {
                    egress.send(burst, POLICY_VERSION, 0);
                }
                fastReceived.drain(fast);
                assertEquals(offered, fastReceived.records(), "the other destination is not held up");
                while (!egress.send(burst, POLICY_VERSION, 0))
                {
                    slow.poll(slowReceived, 10);
                }
            }
        }
        slowReceived.awaitRecords(slow, offered);
        fastReceived.awaitRecords(fast, offered);

        assertTrue(heldRounds > 0);
        for (final DataBatches received : List.of(slowReceived, fastReceived))
        {
            final List<DataBatches.Batch> batches = received.batches();
            for (int b = 0; b < batches.size(); b++)
            {
                assertEquals(b + 1, batches.get(b).streamSequence(), "no sequence skipped or repeated");
            }
            final List<DataBatches.Packet> packets = received.packets();
            assertEquals(offered, packets.size());
            for (int i = 0; i < packets.size(); i++)
            {
                final long expected = 1_000_000L * (i / PacketBurst.DEFAULT_CAPACITY + 1) + i % PacketBurst.DEFAULT_CAPACITY;
                assertEquals(expected, packets.get(i).timestampNs(), "record " + i + " once, in order");
            }
        }
        assertEquals(slowReceived.batches().size(), egress.stream(0).sequence().lastUsed());
        assertEquals(offered, egress.stream(0).counters().snapshot().sentRecords());
        assertEquals(0, egress.stream(0).counters().snapshot().droppedUnavailable());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 123_456_789, -5_000_000})
    void destinationWithoutSubscriberIsDroppedAfterTheTimeoutAndComesBack(final long startNs)
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final BatchEgress egress = egress(stream(0, "ap-south", "aeron:ipc", streamId, 100));
        final DestinationStream stream = egress.stream(0);
        final PacketBurst burst = new PacketBurst(64, 1);
        fillPassing(burst, 40, 1);
        Arrays.fill(burst.delivery[0], 0, 40, Delivery.RAW);
        burst.delivery[0][3] = Delivery.BLOCKED;

        egress.beginBurst();
        assertFalse(egress.send(burst, POLICY_VERSION, startNs), "held while the timeout runs");
        assertFalse(egress.send(burst, POLICY_VERSION, startNs + TIMEOUT_NS / 2));
        assertFalse(egress.send(burst, POLICY_VERSION, startNs + TIMEOUT_NS - 1));
        assertEquals(0, stream.counters().snapshot().droppedUnavailable());
        assertFalse(stream.isUnavailable());

        assertTrue(egress.send(burst, POLICY_VERSION, startNs + TIMEOUT_NS), "timeout measured from the first refusal");
        assertTrue(stream.isUnavailable());
        assertEquals(39, stream.counters().snapshot().droppedUnavailable());

        // While unavailable, later bursts are dropped at once, and no sequence is spent on them.
        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, startNs + TIMEOUT_NS + 1));
        assertEquals(78, stream.counters().snapshot().droppedUnavailable());
        assertEquals(0, stream.sequence().lastUsed());
        assertEquals(0, stream.counters().snapshot().sentRecords());

        final Subscription subscription = subscription(streamId);
        awaitConnected(egress);
        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, startNs + 10 * TIMEOUT_NS));
        assertFalse(stream.isUnavailable());
        final DataBatches received = new DataBatches().awaitRecords(subscription, 39);
        assertEquals(1, received.batches().get(0).streamSequence(), "the first batch that left carries sequence 1");
        final DestinationCounters.Snapshot counters = stream.counters().snapshot();
        assertEquals(39, counters.sentRecords());
        assertEquals(78, counters.droppedUnavailable());
    }

    @Test
    void subscriberReturningWithinTheTimeoutLosesNothing()
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final BatchEgress egress = egress(stream(0, "ap-south", "aeron:ipc", streamId, 100));
        final PacketBurst burst = new PacketBurst(8, 1);
        fillPassing(burst, 8, 1);
        Arrays.fill(burst.delivery[0], 0, 8, Delivery.RAW);

        egress.beginBurst();
        assertFalse(egress.send(burst, POLICY_VERSION, 1_000));
        final Subscription subscription = subscription(streamId);
        awaitConnected(egress);
        assertTrue(egress.send(burst, POLICY_VERSION, 1_000 + TIMEOUT_NS * 100), "connected again: sent, not timed out");
        assertEquals(8, new DataBatches().awaitRecords(subscription, 8).records());
        assertEquals(0, egress.stream(0).counters().snapshot().droppedUnavailable());

        // The not-connected clock restarts: a later outage gets the whole timeout again.
        final int otherStreamId = STREAM_IDS.incrementAndGet();
        final BatchEgress other = egress(stream(0, "sa-east", "aeron:ipc", otherStreamId, 100));
        other.beginBurst();
        assertFalse(other.send(burst, POLICY_VERSION, 5));
        assertFalse(other.send(burst, POLICY_VERSION, 5 + TIMEOUT_NS - 1));
        assertTrue(other.send(burst, POLICY_VERSION, 5 + TIMEOUT_NS));
    }

    @Test
    void closedPublicationDropsAndCounts()
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        subscription(streamId);
        final BatchEgress egress = egress(stream(0, "eu-west", "aeron:ipc", streamId, 100));
        awaitConnected(egress);
        egress.stream(0).publication().close();
        final PacketBurst burst = new PacketBurst(8, 1);
        fillPassing(burst, 5, 1);
        Arrays.fill(burst.delivery[0], 0, 5, Delivery.TRANSFORMED);
        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, 0));
        assertTrue(egress.stream(0).isUnavailable());
        assertEquals(5, egress.stream(0).counters().snapshot().droppedUnavailable());
        assertEquals(0, egress.stream(0).sequence().lastUsed());
    }

    @Test
    void burstWithNothingAllowedSendsNoBatch()
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final Subscription subscription = subscription(streamId);
        final BatchEgress egress = egress(stream(0, "eu-west", "aeron:ipc", streamId, 100));
        awaitConnected(egress);
        final PacketBurst burst = new PacketBurst(8, 1);
        fillPassing(burst, 8, 1);
        Arrays.fill(burst.delivery[0], 0, 8, Delivery.BLOCKED);
        egress.beginBurst();
        assertTrue(egress.send(burst, POLICY_VERSION, 0));
        assertEquals(0, new DataBatches().drain(subscription).batches().size());
        assertEquals(0, egress.stream(0).sequence().lastUsed());
    }

    @Test
    void namesThatDoNotFitTheWireAreRejectedUpFront()
    {
        final int streamId = STREAM_IDS.incrementAndGet();
        final DestinationStream stream = stream(0, "eu-west", "aeron:ipc", streamId, 100);
        assertThrows(IllegalArgumentException.class, () -> new BatchEgress(
            List.of(stream), "g".repeat(33), SITE, ORIGIN, TIMEOUT_NS, () -> ENCODED_NS));
        assertThrows(IllegalArgumentException.class, () -> new BatchEgress(
            List.of(stream), GATEWAY, SITE, "r".repeat(17), TIMEOUT_NS, () -> ENCODED_NS));
        assertThrows(IllegalArgumentException.class, () -> new BatchEgress(
            List.of(stream(1, "us-east", "aeron:ipc", streamId, 100)), GATEWAY, SITE, ORIGIN, TIMEOUT_NS, () -> ENCODED_NS),
            "a stream must sit at its own index");
        final BatchEgress egress = new BatchEgress(
            List.of(stream), "g".repeat(32), "s".repeat(32), "r".repeat(16), TIMEOUT_NS, () -> ENCODED_NS);
        assertEquals(1, egress.destinationCount());
    }

    private static void assertHeader(
        final DataBatches.Batch batch, final String destination, final long sequence, final long records)
    {
        assertAll(
            () -> assertEquals(GATEWAY, batch.gatewayId()),
            () -> assertEquals(SITE, batch.originSite()),
            () -> assertEquals(ORIGIN, batch.originRegion()),
            () -> assertEquals(destination, batch.destinationRegion()),
            () -> assertEquals(sequence, batch.streamSequence()),
            () -> assertEquals(POLICY_VERSION, batch.policyVersion()),
            () -> assertEquals(records, batch.recordCount()),
            () -> assertEquals(records, batch.packets().size()),
            () -> assertEquals(ENCODED_NS, batch.encodedTimestampNs()));
    }

    /** Slots {@code [0, count)} of plain IPv4 TCP packets, all forwarded, stamped from {@code firstTimestampNs}. */
    private static void fillPassing(final PacketBurst burst, final int count, final long firstTimestampNs)
    {
        final List<byte[]> packets = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            packets.add(Packets.ipv4Tcp("10.0." + (i >> 8) + "." + (i & 0xFF), "192.0.2.1", 1024 + i, 443, 0x010));
        }
        Bursts.decoded(burst, packets, firstTimestampNs);
        Arrays.fill(burst.verdict, 0, count, Verdict.PASS);
    }

    private static DataBatches.Packet withoutAddresses(final DataBatches.Packet p)
    {
        return new DataBatches.Packet(p.timestampNs(), p.wireLength(), p.capturedLength(), p.vlanId(), p.etherType(),
            p.ipVersion(), p.ipProtocol(), List.of(), List.of(), p.srcPort(), p.dstPort(), p.tcpFlags(), p.icmpType(),
            p.icmpCode(), false, false);
    }

    private static List<Byte> v4(final String address)
    {
        return addressField(Packets.address(address, 4));
    }

    private static List<Byte> v6(final String address)
    {
        return addressField(Packets.address(address, 16));
    }

    private static List<Byte> v4Image(final CryptoPan cryptoPan, final String address)
    {
        return addressField(ByteBuffer.allocate(4).putInt(cryptoPan.anonymizeIpv4((int)Packets.ipv4Low(address))).array());
    }

    private static List<Byte> v6Image(final CryptoPan cryptoPan, final String address)
    {
        cryptoPan.anonymizeIpv6(Packets.ipv6High(address), Packets.ipv6Low(address));
        return addressField(ByteBuffer.allocate(16).putLong(cryptoPan.resultHigh()).putLong(cryptoPan.resultLow()).array());
    }

    private Subscription subscription(final int streamId)
    {
        final Subscription subscription = media.aeron.addSubscription("aeron:ipc", streamId);
        resources.add(subscription);
        return subscription;
    }

    private DestinationStream stream(
        final int index, final String region, final String channel, final int streamId, final long reservationBlock)
    {
        final ExclusivePublication publication = media.aeron.addExclusivePublication(channel, streamId);
        final DestinationStream stream = new DestinationStream(
            index,
            region,
            publication,
            StreamSequence.open(directory.resolve(region + "-" + streamId + ".seq"), reservationBlock),
            new DestinationCounters(media.aeron, region));
        resources.add(stream);
        return stream;
    }

    private static BatchEgress egress(final DestinationStream... streams)
    {
        return new BatchEgress(List.of(streams), GATEWAY, SITE, ORIGIN, TIMEOUT_NS, () -> ENCODED_NS);
    }

    private static void awaitConnected(final BatchEgress egress)
    {
        for (int d = 0; d < egress.destinationCount(); d++)
        {
            // Until the driver first sets the publisher limit, a claim is refused as back-pressured.
            final ExclusivePublication publication = egress.stream(d).publication();
            TestMediaDriver.until(() -> publication.isConnected() && publication.positionLimit() > 0, () -> {},
                "publication connected");
        }
    }
}
