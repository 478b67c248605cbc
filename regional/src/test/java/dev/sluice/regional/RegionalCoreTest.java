package dev.sluice.regional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static dev.sluice.regional.TestBatch.udp6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regional cores on an embedded media driver over IPC, driven by calling {@code doWork()} on the
 * test thread.
 */
@Timeout(60)
class RegionalCoreTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHANNEL = "aeron:ipc";
    private static final int STREAM_ID = RegionalCoreContext.STREAM_ID_DEFAULT;

    @TempDir
    Path outputDir;

    private TestDriver driver;
    private Publication publication;

    @BeforeEach
    void setUp()
    {
        driver = new TestDriver();
        publication = driver.aeron.addPublication(CHANNEL, STREAM_ID);
    }

    @AfterEach
    void tearDown()
    {
        driver.close();
    }

    @Test
    void writesInOrderBatchesFromTwoGatewaysToTheCoreOfTheirDestination() throws Exception
    {
        final RegionalCore euWest = newCore("eu-west");
        final RegionalCore usEast = newCore("us-east");
        try
        {
            final TestBatch first = batch("gw-a", "eu-west", 1)
                .packet(tcp4("192.0.2.1", "198.51.100.7", 443, 51000))
                .packet(udp6("2001:db8:0:0:1:0:0:1", "2001:db8::1", 100, true, false))
                .packet(TestBatch.arp())
                .event(TestBatch.BASE_TS_NS + 5, 1, "<13>hello".getBytes(StandardCharsets.US_ASCII));
            final TestBatch second = batch("gw-a", "eu-west", 2)
                .packet(udp6("::ffff:192.0.2.33", "fe80::", -1, true, true));
            second.policyVersion = -1L;

            publish(List.of(
                first,
                batch("gw-b", "us-east", 1).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)),
                second,
                batch("gw-b", "eu-west", 1).packet(tcp4("10.1.0.1", "10.1.0.2", 3, 4)),
                batch("gw-a", "us-east", 1).packet(tcp4("10.0.0.3", "10.0.0.4", 5, 6)),
                batch("gw-b", "us-east", 2).packet(tcp4("10.0.0.1", "10.0.0.2", 7, 8))),
                euWest, usEast);
            TestDriver.until(
                () -> euWest.counters().get(RegionalCounter.MISROUTED) == 3 &&
                    usEast.counters().get(RegionalCounter.MISROUTED) == 3,
                () -> doWork(euWest, usEast),
                "both cores to see all six batches");
            doWork(euWest, usEast);

            final RegionalCountersSnapshot eu = euWest.counters().snapshot();
            assertEquals(3, eu.batches());
            assertEquals(6, eu.records());
            assertEquals(0, eu.gaps());
            assertEquals(0, eu.duplicates());
            assertEquals(0, eu.rejectedFrames());
            assertEquals(
                new RegionalCountersSnapshot.Stream("gw-a", "eu-west", 0, 2, 5, 0, 0, 2),
                eu.stream("gw-a", "eu-west").orElseThrow());
            assertEquals(
                new RegionalCountersSnapshot.Stream("gw-b", "eu-west", 0, 1, 1, 0, 0, 1),
                eu.stream("gw-b", "eu-west").orElseThrow());
            assertEquals(2, eu.streams().size());

            final RegionalCountersSnapshot us = usEast.counters().snapshot();
            assertEquals(3, us.batches());
            assertEquals(3, us.records());
            assertEquals(2, us.stream("gw-b", "us-east").orElseThrow().lastSequence());

            final List<JsonNode> euLines = NdjsonReader.read(outputDir.resolve("eu-west.ndjson"));
            assertEquals(6, euLines.size());
            final String header = """
                "gateway":"gw-a","site":"paris-1","origin_region":"eu-west","destination":"eu-west",\
                "worker":0,"sequence":1,"policy_version":3,"encoded_ts_ns":1700000000000000999,""";
            assertJson("{" + header + """
                "type":"packet","ts_ns":1700000000000000001,"wire_len":74,"cap_len":74,"vlan":null,\
                "eth_type":2048,"ip_version":4,"ip_proto":6,"src":"192.0.2.1","dst":"198.51.100.7",\
                "src_port":443,"dst_port":51000,"tcp_flags":18,"icmp_type":0,"icmp_code":0,\
                "ip_tos":0,"tunnel_type":null,"tunnel_depth":0,"tunnel_id":null,"inner_ip_version":null,"inner_ip_proto":null,\
                "inner_src":null,"inner_dst":null,"inner_src_port":null,"inner_dst_port":null,"anonymized":[]}""",
                euLines.get(0));
            assertJson("{" + header + """
                "type":"packet","ts_ns":1700000000000000002,"wire_len":1514,"cap_len":128,"vlan":100,\
                "eth_type":34525,"ip_version":6,"ip_proto":17,"src":"2001:db8::1:0:0:1","dst":"2001:db8::1",\
                "src_port":53,"dst_port":40000,"tcp_flags":0,"icmp_type":0,"icmp_code":0,\
                "ip_tos":0,"tunnel_type":null,"tunnel_depth":0,"tunnel_id":null,"inner_ip_version":null,"inner_ip_proto":null,\
                "inner_src":null,"inner_dst":null,"inner_src_port":null,"inner_dst_port":null,"anonymized":["src"]}""",
                euLines.get(1));
            assertJson("{" + header + """
                "type":"packet","ts_ns":1700000000000000003,"wire_len":60,"cap_len":60,"vlan":7,\
                "eth_type":2054,"ip_version":0,"ip_proto":0,"src":null,"dst":null,\
                "src_port":0,"dst_port":0,"tcp_flags":0,"icmp_type":0,"icmp_code":0,\
                "ip_tos":0,"tunnel_type":null,"tunnel_depth":0,"tunnel_id":null,"inner_ip_version":null,"inner_ip_proto":null,\
                "inner_src":null,"inner_dst":null,"inner_src_port":null,"inner_dst_port":null,"anonymized":[]}""",
                euLines.get(2));
            assertJson("{" + header + """
                "type":"event","ts_ns":1700000000000000005,"kind":"syslog","body":"<13>hello"}""",
                euLines.get(3));

            final JsonNode mapped = euLines.get(4);
            assertEquals(2, mapped.get(NdjsonFields.SEQUENCE).asLong());
            assertEquals("18446744073709551615", mapped.get(NdjsonFields.POLICY_VERSION).asText());
            assertEquals("::ffff:192.0.2.33", mapped.get(NdjsonFields.SRC).asText());
            assertEquals("fe80::", mapped.get(NdjsonFields.DST).asText());
            assertTrue(mapped.get(NdjsonFields.VLAN).isNull());
            assertEquals(MAPPER.readTree("[\"src\",\"dst\"]"), mapped.get(NdjsonFields.ANONYMIZED));

            assertEquals("gw-b", euLines.get(5).get(NdjsonFields.GATEWAY).asText());
            assertEquals("10.1.0.1", euLines.get(5).get(NdjsonFields.SRC).asText());

            final List<JsonNode> usLines = NdjsonReader.read(outputDir.resolve("us-east.ndjson"));
            assertEquals(3, usLines.size());
            for (final JsonNode line : usLines)
            {
                assertEquals("us-east", line.get(NdjsonFields.DESTINATION).asText());
            }
        }
        finally
        {
            euWest.onClose();
            usEast.onClose();
        }
    }

    @Test
    void writesTunnelledPacketsFlowsAndFramesAsDocumented() throws Exception
    {
        final RegionalCore core = newCore("eu-west");
        try
        {
            final byte[] whole = TestPackets.ethernetTcp4("192.0.2.1", "192.0.2.2", 51000, 80, 1);
            final byte[] cut = TestPackets.ethernetTcp4("198.51.100.1", "198.51.100.2", 443, 51001, 0);
            publish(List.of(batch("gw-a", "eu-west", 1)
                .packet(TestBatch.gtpu(0x12345678L, "2001:db8::1", "2001:db8::2"))
                .packet(TestBatch.vxlanArp(0))
                .flow(TestBatch.tcpFlow4("10.0.0.1", "10.0.0.2", 51000, 443))
                .flow(TestBatch.gtpuFlow6(7))
                .frame(TestBatch.frame(TestBatch.LINKTYPE_ETHERNET, whole))
                .frame(TestBatch.truncatedFrame(TestBatch.LINKTYPE_ETHERNET, 1514, 1460, cut))),
                core);
            TestDriver.until(() -> core.counters().get(RegionalCounter.BATCHES) == 1, core::doWork, "the batch");
            core.doWork();

            final RegionalCountersSnapshot snapshot = core.counters().snapshot();
            assertEquals(6, snapshot.records());
            assertEquals(2, snapshot.packetRecords());
            assertEquals(2, snapshot.flowRecords());
            assertEquals(2, snapshot.frameRecords());
            assertEquals(0, snapshot.eventRecords());
            assertEquals(Files.size(core.pcapngFile()), snapshot.pcapngBytes());
            assertEquals(outputDir.resolve("eu-west.pcapng"), core.pcapngFile());

            final List<JsonNode> lines = NdjsonReader.read(core.outputFile());
            final String header = """
                "gateway":"gw-a","site":"paris-1","origin_region":"eu-west","destination":"eu-west",\
                "worker":0,"sequence":1,"policy_version":3,"encoded_ts_ns":1700000000000000999,""";
            assertJson("{" + header + """
                "type":"packet","ts_ns":1700000000000000004,"wire_len":134,"cap_len":134,"vlan":null,\
                "eth_type":2048,"ip_version":4,"ip_proto":17,"src":"192.0.2.1","dst":"192.0.2.2",\
                "src_port":2152,"dst_port":2152,"tcp_flags":0,"icmp_type":0,"icmp_code":0,\
                "ip_tos":184,"tunnel_type":"gtpu","tunnel_depth":1,"tunnel_id":305419896,"inner_ip_version":6,\
                "inner_ip_proto":6,"inner_src":"2001:db8::1","inner_dst":"2001:db8::2","inner_src_port":51000,\
                "inner_dst_port":443,"anonymized":["src","inner_src"]}""",
                lines.get(0));
            assertJson("{" + header + """
                "type":"packet","ts_ns":1700000000000000005,"wire_len":110,"cap_len":110,"vlan":12,\
                "eth_type":2048,"ip_version":4,"ip_proto":17,"src":"10.1.1.1","dst":"10.1.1.2",\
                "src_port":40000,"dst_port":4789,"tcp_flags":0,"icmp_type":0,"icmp_code":0,\
                "ip_tos":0,"tunnel_type":"vxlan","tunnel_depth":1,"tunnel_id":0,"inner_ip_version":null,\
                "inner_ip_proto":null,"inner_src":null,"inner_dst":null,"inner_src_port":null,\
                "inner_dst_port":null,"anonymized":[]}""",
                lines.get(1));
            assertJson("{" + header + """
                "type":"flow","first_seen_ns":1700000000000000010,"last_seen_ns":1700000001000000010,\
                "packets":12,"bytes":3400,"reverse_packets":10,"reverse_bytes":9100,"vlan":100,"ip_version":4,\
                "ip_proto":6,"src":"10.0.0.1","dst":"10.0.0.2","src_port":51000,"dst_port":443,"tcp_flags":27,\
                "ip_tos":0,"tunnel_type":null,"tunnel_id":null,"end_reason":"tcp_fin","anonymized":[]}""",
                lines.get(2));
            assertJson("{" + header + """
                "type":"flow","first_seen_ns":1700000000000000020,"last_seen_ns":1700000000000000020,\
                "packets":18446744073709551615,"bytes":18446744073709551614,"reverse_packets":0,\
                "reverse_bytes":0,"vlan":null,"ip_version":6,"ip_proto":17,"src":"2001:db8::1",\
                "dst":"2001:db8::2","src_port":5353,"dst_port":53,"tcp_flags":0,"ip_tos":40,\
                "tunnel_type":"gtpu","tunnel_id":7,"end_reason":"idle_timeout","anonymized":["src","dst"]}""",
                lines.get(3));
            assertJson("{" + header + """
                "type":"frame","ts_ns":1700000000000000030,"wire_len":55,"cap_len":55,"link_type":1,\
                "payload_action":"none","orig_payload_len":0,"anonymized":[],\
                "bytes_b64":\"""" + Base64.getEncoder().encodeToString(whole) + "\"}",
                lines.get(4));
            assertJson("{" + header + """
                "type":"frame","ts_ns":1700000000000000031,"wire_len":1514,"cap_len":1514,"link_type":1,\
                "payload_action":"truncated","orig_payload_len":1460,"anonymized":["src","dst"],\
                "bytes_b64":\"""" + Base64.getEncoder().encodeToString(cut) + "\"}",
                lines.get(5));
        }
        finally
        {
            core.onClose();
        }
    }

    @Test
    void countsDuplicatesGapsMisroutedAndRejectedFramesAndKeepsRunning() throws Exception
    {
        final RegionalCore core = newCore("eu-west");
        try
        {
            final UnsafeBuffer foreignSchema = new UnsafeBuffer(new byte[64]);
            new MessageHeaderEncoder().wrap(foreignSchema, 0).blockLength(8).templateId(1).schemaId(9999).version(1);
            final UnsafeBuffer otherTemplate = new UnsafeBuffer(new byte[64]);
            new MessageHeaderEncoder().wrap(otherTemplate, 0).blockLength(8).templateId(20).schemaId(7701).version(1);
            final UnsafeBuffer whole = twoRecords(7).encode();
            final UnsafeBuffer truncated = new UnsafeBuffer(whole, 0, whole.capacity() - 3);

            long bytes = 0;
            for (final UnsafeBuffer frame : List.of(
                twoRecords(1).encode(),
                twoRecords(2).encode(),
                twoRecords(2).encode(),
                twoRecords(5).encode(),
                twoRecords(3).encode(),
                batch("gw-1", "us-east", 1).packet(tcp4("10.0.0.1", "10.0.0.2", 1, 2)).encode(),
                foreignSchema,
                otherTemplate,
                truncated,
                twoRecords(6).encode()))
            {
                offer(frame, core);
                bytes += frame.capacity();
            }
            TestDriver.until(
                () -> core.counters().get(RegionalCounter.BATCHES) == 4,
                () -> core.doWork(),
                "the batch after the bad frames");
            core.doWork();

            final RegionalCountersSnapshot snapshot = core.counters().snapshot();
            assertEquals(4, snapshot.batches());
            assertEquals(8, snapshot.records());
            assertEquals(2, snapshot.duplicates());
            assertEquals(2, snapshot.gaps());
            assertEquals(1, snapshot.misrouted());
            assertEquals(3, snapshot.rejectedFrames());
            assertEquals(1, snapshot.rejected(RejectReason.UNKNOWN_SCHEMA));
            assertEquals(1, snapshot.rejected(RejectReason.UNKNOWN_TEMPLATE));
            assertEquals(1, snapshot.rejected(RejectReason.TRUNCATED));
            assertEquals(bytes, snapshot.bytesReceived());
            assertEquals(
                new RegionalCountersSnapshot.Stream("gw-1", "eu-west", 0, 4, 8, 2, 2, 6),
                snapshot.stream("gw-1", "eu-west").orElseThrow());
            assertEquals(1, snapshot.streams().size(), "a misrouted batch opens no stream");

            final List<JsonNode> lines = NdjsonReader.read(core.outputFile());
            assertEquals(
                List.of(1L, 1L, 2L, 2L, 5L, 5L, 6L, 6L),
                lines.stream().map((line) -> line.get(NdjsonFields.SEQUENCE).asLong()).toList());
            assertEquals(snapshot.outputBytes(), Files.size(core.outputFile()));
        }
        finally
        {
            core.onClose();
        }
    }

    @Test
    void reassemblesBatchesLargerThanOneFrame()
    {
        final RegionalCore core = newCore("eu-west");
        try
        {
            final byte[] body = new byte[10_000];
            ThreadLocalRandom.current().nextBytes(body);
            final TestBatch large = batch("gw-1", "eu-west", 1);
            for (int i = 0; i < 300; i++)
            {
                large.packet(tcp4("192.0.2." + (i % 256), "198.51.100.1", 1000 + i, 80));
            }
            large.event(TestBatch.BASE_TS_NS, 9, body);
            final UnsafeBuffer frame = large.encode();
            assertTrue(frame.capacity() > 10 * publication.maxPayloadLength(), "spans many frames");

            offer(frame, core);
            TestDriver.until(
                () -> core.counters().get(RegionalCounter.BATCHES) == 1, () -> core.doWork(), "the large batch");
            core.doWork();

            final List<JsonNode> lines = NdjsonReader.read(core.outputFile());
            assertEquals(301, lines.size());
            assertEquals(1299, lines.get(299).get(NdjsonFields.SRC_PORT).asInt());
            assertArrayEquals(body, Base64.getDecoder().decode(lines.get(300).get(NdjsonFields.BODY_B64).asText()));
            assertEquals(0, core.counters().get(RegionalCounter.REJECTED_FRAMES));
        }
        finally
        {
            core.onClose();
        }
    }

    @Test
    void appendsToTheFileOfAnEarlierRunAndRefusesASecondWriter()
    {
        final RegionalCore first = newCore("eu-west");
        offer(twoRecords(1).encode(), first);
        TestDriver.until(() -> first.counters().get(RegionalCounter.BATCHES) == 1, first::doWork, "batch 1");
        first.doWork();

        final RegionalCoreContext secondCtx = new RegionalCoreContext()
            .regionName("eu-west").aeron(driver.aeron).channel(CHANNEL).outputDir(outputDir);
        final UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> new RegionalCore(secondCtx));
        assertTrue(error.getMessage().contains("is writing"), error.getMessage());
        first.onClose();
        // Wait for the old subscription to be gone so that the next "connected" is the new one.
        TestDriver.until(() -> !publication.isConnected(), Thread::yield, "the first subscription to go");

        final RegionalCore third = newCore("eu-west");
        try
        {
            offer(twoRecords(2).encode(), third);
            TestDriver.until(
                () -> third.counters().snapshot().stream("gw-1", "eu-west").map((stream) -> stream.lastSequence() == 2)
                    .orElse(false),
                third::doWork,
                "batch 2");
            third.doWork();

            // A new IPC subscriber may join at the start of the log and see batch 1 again; with no
            // durable dedupe state yet, the new core then writes it again after the earlier run's.
            final List<JsonNode> lines = NdjsonReader.read(third.outputFile());
            assertEquals(2 + third.counters().get(RegionalCounter.RECORDS), lines.size());
            assertEquals(1, lines.getFirst().get(NdjsonFields.SEQUENCE).asLong());
            assertEquals(2, lines.getLast().get(NdjsonFields.SEQUENCE).asLong());
        }
        finally
        {
            third.onClose();
        }
    }

    private static TestBatch twoRecords(final long sequence)
    {
        return batch("gw-1", "eu-west", sequence)
            .packet(tcp4("192.0.2.1", "192.0.2.2", 1234, 80))
            .event(TestBatch.BASE_TS_NS, 2, new byte[]{ 1, 2, 3 });
    }

    private RegionalCore newCore(final String region)
    {
        final RegionalCore core = new RegionalCore(new RegionalCoreContext()
            .regionName(region)
            .aeron(driver.aeron)
            .channel(CHANNEL)
            .streamId(STREAM_ID)
            .outputDir(outputDir)
            .flushIntervalNs(0)
            // Gaps are counted as they come: no gateway here replays what is missing.
            .gapTimeoutNs(0));
        TestDriver.until(publication::isConnected, core::doWork, "the publication to connect");
        return core;
    }

    private void publish(final List<TestBatch> batches, final RegionalCore... cores)
    {
        for (final TestBatch batch : batches)
        {
            offer(batch.encode(), cores);
        }
    }

    private void offer(final UnsafeBuffer frame, final RegionalCore... cores)
    {
        TestDriver.until(
            () -> publication.offer(frame, 0, frame.capacity()) > 0, () -> doWork(cores), "offer to succeed");
    }

    private static void doWork(final RegionalCore... cores)
    {
        for (final RegionalCore core : cores)
        {
            core.doWork();
        }
    }

    private static void assertJson(final String expected, final JsonNode actual) throws Exception
    {
        assertEquals(MAPPER.readTree(expected), actual);
    }
}
