package dev.sluice.regional;

import dev.sluice.protocol.codec.PayloadAction;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.sluice.regional.TestBatch.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Frames written by regional cores on an embedded media driver, read back with tshark, the
 * independent reader: every frame arrives with its link type, nanosecond timestamp, lengths and
 * dissected headers, across two runs of the core that append a section each. Fails, never skips,
 * when tshark is missing.
 */
@Timeout(120)
class RegionalCorePcapngTest
{
    private static final String CHANNEL = "aeron:ipc";
    private static final long TS_NS = TestBatch.BASE_TS_NS + 123_456_789L;
    private static final List<String> FIELDS = List.of(
        "frame.interface_id", "frame.len", "frame.cap_len", "frame.time_epoch", "frame.comment", "frame.protocols",
        "ip.src", "ip.dst", "ip.len", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport");

    @TempDir
    Path outputDir;

    private TestDriver driver;

    @BeforeEach
    void setUp()
    {
        driver = new TestDriver();
    }

    @AfterEach
    void tearDown()
    {
        driver.close();
    }

    @Test
    void tsharkReadsEveryFrameTheCoreWroteAcrossRuns()
    {
        final Path tshark = Tshark.executable();
        final byte[] whole = TestPackets.ethernetTcp4("192.0.2.1", "192.0.2.2", 51000, 40000, 300);
        final byte[] snapCut = Arrays.copyOf(TestPackets.ethernetTcp4("192.0.2.3", "192.0.2.4", 51001, 40001, 1460), 100);
        final byte[] truncated = TestPackets.ipv4Tcp("198.51.100.1", "198.51.100.2", 40002, 51002, 64);
        final byte[] stripped = TestPackets.ethernetTcp4("192.0.2.5", "192.0.2.6", 51003, 40003, 0);
        final byte[] cooked = TestPackets.sllUdp4("203.0.113.1", "203.0.113.2", 50000, 50001, 33);

        run(1001, batch("gw-1", "eu-west", 1)
            .packet(TestBatch.tcp4("10.0.0.1", "10.0.0.2", 1, 2))
            .frame(new TestBatch.Frame(TS_NS, whole.length, whole.length, TestBatch.LINKTYPE_ETHERNET,
                PayloadAction.NONE, 300, false, false, false, false, whole))
            .frame(new TestBatch.Frame(TS_NS + 1, 1514, 100, TestBatch.LINKTYPE_ETHERNET,
                PayloadAction.NONE, 1460, false, false, false, false, snapCut))
            .frame(new TestBatch.Frame(TS_NS + 2, 1500, 1500, TestBatch.LINKTYPE_RAW,
                PayloadAction.TRUNCATED, 1460, true, true, false, false, truncated))
            .frame(new TestBatch.Frame(TS_NS + 3, 1514, 1514, TestBatch.LINKTYPE_ETHERNET,
                PayloadAction.STRIPPED, 1460, false, false, false, false, stripped)));
        run(1002, batch("gw-1", "eu-west", 2)
            .frame(new TestBatch.Frame(999_999_999L, cooked.length, cooked.length, TestBatch.LINKTYPE_LINUX_SLL,
                PayloadAction.NONE, 33, false, false, false, false, cooked))
            .frame(new TestBatch.Frame(TS_NS + 5, whole.length, whole.length, TestBatch.LINKTYPE_ETHERNET,
                PayloadAction.NONE, 300, false, false, false, false, whole)));

        final Path capture = outputDir.resolve("eu-west.pcapng");
        final List<Tshark.Packet> packets = Tshark.fields(capture, FIELDS, Tshark.PER_PACKET_PREFERENCES);
        assertEquals(6, packets.size(), tshark + " read " + packets);
        for (final Tshark.Packet packet : packets)
        {
            assertFalse(packet.malformedOrError(), "tshark found packet " + packet.number() + " malformed: " + packet);
        }

        assertPacket(packets.get(0), "0", "354", "354", "1700000000.123456789", null,
            "eth:ethertype:ip:tcp:data", "192.0.2.1", "192.0.2.2", "340");
        assertEquals("51000", packets.get(0).first("tcp.srcport"));
        assertEquals("40000", packets.get(0).first("tcp.dstport"));

        assertPacket(packets.get(1), "0", "1514", "100", "1700000000.123456790", null,
            "eth:ethertype:ip:tcp:data", "192.0.2.3", "192.0.2.4", "1500");

        assertPacket(packets.get(2), "1", "104", "104", "1700000000.123456791",
            "sluice: payload truncated; before it: wire length 1500, captured length 1500, payload length 1460",
            "raw:ip:tcp:data", "198.51.100.1", "198.51.100.2", "104");
        assertEquals("51002", packets.get(2).first("tcp.dstport"));

        assertPacket(packets.get(3), "0", "54", "54", "1700000000.123456792",
            "sluice: payload stripped; before it: wire length 1514, captured length 1514, payload length 1460",
            "eth:ethertype:ip:tcp", "192.0.2.5", "192.0.2.6", "40");

        // The second run's section numbers its interfaces afresh, in the order their link types arrive.
        assertPacket(packets.get(4), "0", "77", "77", "0.999999999", null,
            "sll:ethertype:ip:udp:data", "203.0.113.1", "203.0.113.2", "61");
        assertEquals("50000", packets.get(4).first("udp.srcport"));
        assertEquals("50001", packets.get(4).first("udp.dstport"));
        assertPacket(packets.get(5), "1", "354", "354", "1700000000.123456794", null,
            "eth:ethertype:ip:tcp:data", "192.0.2.1", "192.0.2.2", "340");

        final PcapngReader.Capture sections = PcapngReader.read(capture);
        assertEquals(List.of(
            List.of(TestBatch.LINKTYPE_ETHERNET, TestBatch.LINKTYPE_RAW),
            List.of(TestBatch.LINKTYPE_LINUX_SLL, TestBatch.LINKTYPE_ETHERNET)), sections.linkTypes());
    }

    private void run(final int streamId, final TestBatch batch)
    {
        try (Publication publication = driver.aeron.addPublication(CHANNEL, streamId))
        {
            final RegionalCore core = new RegionalCore(new RegionalCoreContext()
                .regionName("eu-west")
                .aeron(driver.aeron)
                .channel(CHANNEL)
                .streamId(streamId)
                .outputDir(outputDir)
                .flushIntervalNs(0));
            try
            {
                TestDriver.until(publication::isConnected, core::doWork, "the publication to connect");
                final UnsafeBuffer frame = batch.encode();
                TestDriver.until(() -> publication.offer(frame, 0, frame.capacity()) > 0, core::doWork, "the offer");
                TestDriver.until(() -> core.counters().get(RegionalCounter.BATCHES) == 1, core::doWork, "the batch");
                core.doWork();
                assertEquals(batch.frames.size(), core.counters().get(RegionalCounter.FRAME_RECORDS));
                assertEquals(0, core.counters().get(RegionalCounter.REJECTED_FRAMES));
            }
            finally
            {
                core.onClose();
            }
        }
    }

    private static void assertPacket(
        final Tshark.Packet packet,
        final String interfaceId,
        final String length,
        final String capturedLength,
        final String timeEpoch,
        final String comment,
        final String protocols,
        final String src,
        final String dst,
        final String ipLength)
    {
        final String where = "packet " + packet.number() + ": " + packet;
        assertEquals(interfaceId, packet.first("frame.interface_id"), where);
        assertEquals(length, packet.first("frame.len"), where);
        assertEquals(capturedLength, packet.first("frame.cap_len"), where);
        assertEquals(timeEpoch, packet.first("frame.time_epoch"), where);
        assertEquals(comment, packet.first("frame.comment"), where);
        assertEquals(protocols, packet.first("frame.protocols"), where);
        assertEquals(src, packet.first("ip.src"), where);
        assertEquals(dst, packet.first("ip.dst"), where);
        assertEquals(ipLength, packet.first("ip.len"), where);
    }
}
