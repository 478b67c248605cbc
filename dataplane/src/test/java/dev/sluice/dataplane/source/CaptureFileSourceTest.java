package dev.sluice.dataplane.source;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.testing.PcapngBuilder;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CaptureFileSourceTest
{
    private static final long EPOCH_2024_NS = 1_704_067_200_000_000_000L;

    @TempDir
    Path directory;

    /** One polled packet: its bytes, lengths, time and link type. */
    record Packet(byte[] bytes, int capturedLength, int wireLength, long timestampNs, int linkType)
    {
    }

    @Test
    void microsecondPcapRoundTripsThroughTheWriter() throws IOException
    {
        final List<byte[]> packets = samplePackets(5);
        final Path file = write(CaptureFileWriter.Precision.MICROSECONDS, packets);
        final List<Packet> read = readAll(file, 2);
        assertEquals(packets.size(), read.size());
        for (int i = 0; i < packets.size(); i++)
        {
            final Packet packet = read.get(i);
            assertArrayEquals(packets.get(i), packet.bytes());
            assertEquals(packets.get(i).length, packet.wireLength());
            assertEquals(LinkType.ETHERNET, packet.linkType());
            // Microseconds keep the time down to the microsecond.
            assertEquals(timestamp(i) / 1000 * 1000, packet.timestampNs());
        }
    }

    @Test
    void nanosecondPcapKeepsNanoseconds() throws IOException
    {
        final List<byte[]> packets = samplePackets(3);
        final List<Packet> read = readAll(write(CaptureFileWriter.Precision.NANOSECONDS, packets), 8);
        for (int i = 0; i < packets.size(); i++)
        {
            assertEquals(timestamp(i), read.get(i).timestampNs());
        }
    }

    @Test
    void bigEndianPcapsReadLikeLittleEndianOnes() throws IOException
    {
        for (final CaptureFileWriter.Precision precision : CaptureFileWriter.Precision.values())
        {
            final Path littleEndian = write(precision, samplePackets(4));
            final Path bigEndian = directory.resolve("big-" + precision + ".pcap");
            Files.write(bigEndian, toBigEndian(Files.readAllBytes(littleEndian)));
            final List<Packet> expected = readAll(littleEndian, 3);
            final List<Packet> actual = readAll(bigEndian, 3);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++)
            {
                assertArrayEquals(expected.get(i).bytes(), actual.get(i).bytes(), precision + " packet " + i);
                assertEquals(expected.get(i).timestampNs(), actual.get(i).timestampNs(), precision + " packet " + i);
                assertEquals(expected.get(i).wireLength(), actual.get(i).wireLength());
            }
        }
    }

    @Test
    void realBigEndianCapture() throws IOException
    {
        final Path file = SharedData.pcap("arkime/bigendian.pcap");
        final List<Packet> read = readAll(file, 16);
        assertEquals(2, read.size());
        final List<Tshark.Packet> tshark = Tshark.fields(file, List.of("frame.len", "frame.time_epoch"), List.of());
        for (int i = 0; i < read.size(); i++)
        {
            assertEquals(tshark.get(i).first("frame.len"), String.valueOf(read.get(i).wireLength()));
            assertEquals(tshark.get(i).first("frame.time_epoch"), epoch(read.get(i).timestampNs()));
        }
    }

    @Test
    void descriptorsPointIntoTheMappedFile() throws IOException
    {
        final List<byte[]> packets = samplePackets(3);
        final Path file = write(CaptureFileWriter.Precision.NANOSECONDS, packets);
        final byte[] fileBytes = Files.readAllBytes(file);
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(8, 1);
            assertEquals(3, source.poll(burst));
            final MemorySegment mapped = burst.data[0];
            assertTrue(mapped.isMapped(), "a mapping, not a copy");
            assertEquals(fileBytes.length, mapped.byteSize());
            long expectedOffset = 24;
            for (int i = 0; i < 3; i++)
            {
                assertSame(mapped, burst.data[i]);
                assertEquals(expectedOffset + 16, burst.offset[i]);
                expectedOffset += 16 + packets.get(i).length;
            }
        }
    }

    @Test
    void emptyCaptureHasNoPackets() throws IOException
    {
        try (CaptureFileSource source = CaptureFileSource.open(SharedData.pcap("arkime/empty.pcap")))
        {
            final PacketBurst burst = new PacketBurst(4, 1);
            assertEquals(0, source.poll(burst));
            assertEquals(0, burst.count());
            assertTrue(source.isExhausted());
            assertNull(source.problem());
            assertEquals(-1, source.problemOffsetBytes());
            assertEquals("pcap:empty.pcap", source.name());
        }
    }

    @Test
    void pcapngFromTheField() throws IOException
    {
        for (final String name : List.of(
            "zeek/trunc_ip-discarder-truncated-tcp-oob.pcapng",
            "zeek/tunnels_geneve-truncated.pcapng",
            "zeek/tunnels_gtp_pdp_ctx_messages.pcapng"))
        {
            final Path file = SharedData.pcap(name);
            final List<Packet> read = readAll(file, 5);
            final List<Tshark.Packet> tshark = Tshark.fields(
                file, List.of("frame.len", "frame.cap_len", "frame.time_epoch"), List.of());
            assertEquals(tshark.size(), read.size(), name);
            for (int i = 0; i < read.size(); i++)
            {
                assertEquals(tshark.get(i).first("frame.len"), String.valueOf(read.get(i).wireLength()), name);
                assertEquals(tshark.get(i).first("frame.cap_len"), String.valueOf(read.get(i).capturedLength()), name);
                assertEquals(tshark.get(i).first("frame.time_epoch"), epoch(read.get(i).timestampNs()), name);
            }
        }
    }

    @Test
    void pcapngSectionsByteOrdersResolutionsAndBlockTypes() throws IOException
    {
        final byte[] a = {1, 2, 3, 4, 5, 6, 7};
        final byte[] b = {9, 8, 7, 6, 5, 4, 3, 2, 1};
        final byte[] bytes = new PcapngBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, null, null)                 // microseconds by default
            .interfaceDescription(LinkType.RAW, 0, 9, null)                          // nanoseconds
            .opaque(PcapngBuilder.NAME_RESOLUTION, 12)
            .enhancedPacket(0, 1_700_000_000_123_456L, a, 60)
            .enhancedPacket(1, 1_700_000_000_123_456_789L, b, b.length)
            .simplePacket(a, a.length)                                               // takes the previous time
            .opaque(0x0BAD_C0DE, 8)
            .section(ByteOrder.BIG_ENDIAN)                                           // interfaces start again
            .interfaceDescription(LinkType.LINUX_SLL, 0, 0x80 | 10, 3600L)           // 1/1024 s, one hour later
            .interfaceDescription(LinkType.IPV6, 0, 3, null)                         // milliseconds
            .enhancedPacket(1, 1_700_000_000_123L, b, b.length)
            .obsoletePacket(0, 1_700_000_000L * 1024 + 512, a, a.length)
            .opaque(PcapngBuilder.INTERFACE_STATISTICS, 20)
            .build();
        final Path file = directory.resolve("mixed.pcapng");
        Files.write(file, bytes);

        final List<Packet> read = readAll(file, 2);
        assertEquals(5, read.size());
        assertAll(
            () -> assertArrayEquals(a, read.get(0).bytes()),
            () -> assertEquals(60, read.get(0).wireLength()),
            () -> assertEquals(1_700_000_000_123_456_000L, read.get(0).timestampNs()),
            () -> assertEquals(LinkType.ETHERNET, read.get(0).linkType()),
            () -> assertArrayEquals(b, read.get(1).bytes()),
            () -> assertEquals(1_700_000_000_123_456_789L, read.get(1).timestampNs()),
            () -> assertEquals(LinkType.RAW, read.get(1).linkType()),
            () -> assertArrayEquals(a, read.get(2).bytes()),
            () -> assertEquals(a.length, read.get(2).wireLength()),
            () -> assertEquals(1_700_000_000_123_456_789L, read.get(2).timestampNs()),
            () -> assertEquals(LinkType.ETHERNET, read.get(2).linkType()),
            () -> assertArrayEquals(b, read.get(3).bytes()),
            () -> assertEquals(1_700_000_000_123_000_000L, read.get(3).timestampNs()),
            () -> assertEquals(LinkType.IPV6, read.get(3).linkType()),
            () -> assertArrayEquals(a, read.get(4).bytes()),
            () -> assertEquals((1_700_000_000L + 3600) * 1_000_000_000L + 500_000_000L, read.get(4).timestampNs()),
            () -> assertEquals(LinkType.LINUX_SLL, read.get(4).linkType()));

        // tshark reads the same file the same way, except that it gives a simple packet no time at all.
        final List<Tshark.Packet> tshark = Tshark.fields(
            file, List.of("frame.len", "frame.cap_len", "frame.time_epoch"), List.of());
        assertEquals(5, tshark.size());
        for (int i = 0; i < 5; i++)
        {
            assertEquals(tshark.get(i).first("frame.len"), String.valueOf(read.get(i).wireLength()));
            assertEquals(tshark.get(i).first("frame.cap_len"), String.valueOf(read.get(i).capturedLength()));
            if (i != 2)
            {
                assertEquals(tshark.get(i).first("frame.time_epoch"), epoch(read.get(i).timestampNs()), "packet " + i);
            }
        }
    }

    @Test
    void simplePacketIsCutToTheInterfaceSnapLength() throws IOException
    {
        final byte[] bytes = new PcapngBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 4, null, null)
            .simplePacket(new byte[]{1, 2, 3, 4}, 1500)
            .build();
        final List<Packet> read = readAll(Files.write(directory.resolve("spb.pcapng"), bytes), 4);
        assertEquals(1, read.size());
        assertEquals(4, read.get(0).capturedLength());
        assertEquals(1500, read.get(0).wireLength());
        assertEquals(0, read.get(0).timestampNs());
    }

    @Test
    void truncatedPcapStopsAtTheLastWholeRecordAndSaysWhere() throws IOException
    {
        final Path original = SharedData.pcap("zeek/http_bro.org.pcap");
        final byte[] bytes = Files.readAllBytes(original);
        final int wholeRecords = 100;
        final long cut = recordOffset(bytes, wholeRecords) + 16 + 5;      // 5 bytes into record 101's data
        final Path truncated = directory.resolve("truncated.pcap");
        Files.write(truncated, Arrays.copyOf(bytes, (int)cut));

        try (CaptureFileSource source = CaptureFileSource.open(truncated))
        {
            final PacketBurst burst = new PacketBurst(32, 1);
            long packets = 0;
            while (!source.isExhausted())
            {
                packets += source.poll(burst);
            }
            assertEquals(0, source.poll(burst));
            assertEquals(wholeRecords, packets);
            assertEquals(wholeRecords, source.packetsRead());
            assertEquals(recordOffset(bytes, wholeRecords), source.problemOffsetBytes());
            assertNotNull(source.problem());
            assertTrue(source.problem().contains("record data cut short"), source.problem());
            assertTrue(source.problem().contains("after 100 packets"), source.problem());
        }
        // tshark reads the same packets before the damage.
        assertEquals(wholeRecords, Tshark.fields(truncated, List.of("frame.len"), List.of()).size());

        // Cut inside a record header instead.
        Files.write(truncated, Arrays.copyOf(bytes, (int)recordOffset(bytes, 7) + 9));
        try (CaptureFileSource source = CaptureFileSource.open(truncated))
        {
            assertEquals(7, drain(source));
            assertTrue(source.problem().contains("record header cut short"), source.problem());
        }
    }

    @Test
    void truncatedPcapngStopsAtTheLastWholeBlock() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(SharedData.pcap("zeek/tunnels_gtp_pdp_ctx_messages.pcapng"));
        final Path truncated = directory.resolve("truncated.pcapng");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 50));
        try (CaptureFileSource source = CaptureFileSource.open(truncated))
        {
            final long packets = drain(source);
            assertEquals(13, packets);
            assertTrue(source.problem().contains("cut short"), source.problem());
            assertTrue(source.problemOffsetBytes() > 0);
        }
        assertEquals(13, Tshark.fields(truncated, List.of("frame.len"), List.of()).size());
    }

    @Test
    void corruptRecordsEndTheFileWithAProblem() throws IOException
    {
        // A record claiming more than any capture holds.
        final byte[] pcap = Files.readAllBytes(write(CaptureFileWriter.Precision.MICROSECONDS, samplePackets(3)));
        final int second = (int)recordOffset(pcap, 1);
        ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN).putInt(second + 8, 0x7fff_0000);
        assertProblem(pcap, 1, "more than the 262144");

        // pcapng: trailing length that does not match, an unknown interface, a bad byte-order magic, a bad version.
        final byte[] good = new PcapngBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, null, null)
            .enhancedPacket(0, 1, new byte[]{1, 2, 3}, 3)
            .build();
        final byte[] trailing = Arrays.copyOf(good, good.length);
        trailing[trailing.length - 4] ^= 4;
        assertProblem(trailing, 0, "does not match its leading length");

        final byte[] unknownInterface = new PcapngBuilder()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, null, null)
            .enhancedPacket(0, 1, new byte[]{1}, 1)
            .enhancedPacket(3, 1, new byte[]{1}, 1)
            .build();
        assertProblem(unknownInterface, 1, "names interface 3");

        final byte[] badSecondSection = concat(good, new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).build());
        badSecondSection[good.length + 8] = 0x55;
        assertProblem(badSecondSection, 1, "byte-order magic");

        final byte[] badVersion = concat(good, new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).build());
        badVersion[good.length + 12] = 2;
        assertProblem(badVersion, 1, "version 2.0");

        final byte[] packetBeforeInterface = new PcapngBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .simplePacket(new byte[]{1}, 1)
            .build();
        assertProblem(packetBeforeInterface, 0, "before any interface");

        final byte[] shortSimplePacket = new PcapngBuilder()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, null, null)
            .simplePacket(new byte[]{1, 2, 3, 4}, 100)
            .build();
        assertProblem(shortSimplePacket, 0, "cannot hold its 100 captured bytes");

        final byte[] oddLength = Arrays.copyOf(good, good.length);
        ByteBuffer.wrap(oddLength).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 27);
        assertProblem(oddLength, 0, "invalid length 27");
    }

    @Test
    void filesThatAreNotCapturesFailAtOpenNamingTheFileAndWhatWasFound() throws IOException
    {
        final Path text = Files.writeString(directory.resolve("notes.txt"), "hello, this is not a capture\n");
        final IOException notCapture = assertThrows(IOException.class, () -> CaptureFileSource.open(text));
        assertTrue(notCapture.getMessage().contains(text.toString()), notCapture.getMessage());
        assertTrue(notCapture.getMessage().contains("6c6c6568"), notCapture.getMessage());

        final Path gzip = Files.write(directory.resolve("capture.pcap.gz"), new byte[]{0x1f, (byte)0x8b, 8, 0, 0, 0});
        assertTrue(assertThrows(IOException.class, () -> CaptureFileSource.open(gzip)).getMessage().contains("gzip"));

        final Path empty = Files.write(directory.resolve("empty"), new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> CaptureFileSource.open(empty)).getMessage().contains("empty"));

        final Path tiny = Files.write(directory.resolve("tiny"), new byte[]{1, 2});
        assertTrue(assertThrows(IOException.class, () -> CaptureFileSource.open(tiny)).getMessage().contains("2 bytes"));

        final Path shortHeader = Files.write(directory.resolve("short.pcap"),
            new byte[]{(byte)0xd4, (byte)0xc3, (byte)0xb2, (byte)0xa1, 2, 0, 4, 0});
        assertTrue(assertThrows(IOException.class, () -> CaptureFileSource.open(shortHeader))
            .getMessage().contains("header cut short"));

        final byte[] badOrder = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).build();
        badOrder[8] = 0;
        final Path badPcapng = Files.write(directory.resolve("bad.pcapng"), badOrder);
        assertTrue(assertThrows(IOException.class, () -> CaptureFileSource.open(badPcapng))
            .getMessage().contains("byte-order magic"));

        assertThrows(IOException.class, () -> CaptureFileSource.open(directory.resolve("missing.pcap")));
    }

    @Test
    void rewindReplaysAndCloseEndsTheSource() throws IOException
    {
        final Path file = write(CaptureFileWriter.Precision.MICROSECONDS, samplePackets(10));
        final CaptureFileSource source = CaptureFileSource.open(file);
        assertEquals(10, drain(source));
        source.rewind();
        assertFalse(source.isExhausted());
        assertEquals(10, drain(source));
        source.close();
        source.close();
        source.rewind();
        assertTrue(source.isExhausted());
        assertEquals(0, source.poll(new PacketBurst(4, 1)));
    }

    @Test
    void wrapsACaptureAlreadyInMemory() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(write(CaptureFileWriter.Precision.NANOSECONDS, samplePackets(4)));
        try (CaptureFileSource source = CaptureFileSource.wrap("memory", MemorySegment.ofArray(bytes)))
        {
            assertEquals("memory", source.name());
            assertEquals(4, drain(source));
            assertNull(source.problem());
        }
    }

    @Test
    void ticksBecomeNanosecondsWithoutOverflow()
    {
        assertAll(
            () -> assertEquals(5_000L, CaptureFileSource.ticksToNanos(5, (byte)0, 1_000)),
            () -> assertEquals(Long.MAX_VALUE, CaptureFileSource.ticksToNanos(-1L, (byte)0, 1_000)),
            () -> assertEquals(12L, CaptureFileSource.ticksToNanos(1_234, (byte)1, 100)),
            () -> assertEquals(Long.divideUnsigned(-1L, 1000), CaptureFileSource.ticksToNanos(-1L, (byte)1, 1000)),
            () -> assertEquals(500_000_000L, CaptureFileSource.ticksToNanos(512, (byte)2, 10)),
            () -> assertEquals(3_000_000_000L, CaptureFileSource.ticksToNanos(3, (byte)2, 0)),
            () -> assertEquals(Long.MAX_VALUE, CaptureFileSource.ticksToNanos(-1L, (byte)2, 0)),
            () -> assertEquals(Long.MAX_VALUE, CaptureFileSource.ticksToNanos(-1L, (byte)2, 20)),
            () -> assertEquals(1_000_000_000L, CaptureFileSource.ticksToNanos(1L << 40, (byte)2, 40)),
            () -> assertEquals(0L, CaptureFileSource.ticksToNanos(1L << 40, (byte)2, 127)),
            () -> assertEquals(0L, CaptureFileSource.ticksToNanos(123, (byte)3, 0)));
    }

    static List<byte[]> samplePackets(final int count)
    {
        final List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] packet = new byte[40 + i * 7];
            for (int j = 0; j < packet.length; j++)
            {
                packet[j] = (byte)(i * 31 + j);
            }
            packets.add(packet);
        }
        return packets;
    }

    private static long timestamp(final int index)
    {
        return EPOCH_2024_NS + index * 1_234_567_891L;
    }

    private Path write(final CaptureFileWriter.Precision precision, final List<byte[]> packets) throws IOException
    {
        final Path file = directory.resolve(precision + "-" + packets.size() + ".pcap");
        try (CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.ETHERNET, precision))
        {
            for (int i = 0; i < packets.size(); i++)
            {
                writer.write(timestamp(i), packets.get(i));
            }
            assertEquals(packets.size(), writer.packetsWritten());
        }
        return file;
    }

    private static List<Packet> readAll(final Path file, final int burstCapacity) throws IOException
    {
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(burstCapacity, 1);
            final List<Packet> packets = new ArrayList<>();
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                assertEquals(count, burst.count());
                for (int i = 0; i < count; i++)
                {
                    final byte[] bytes = burst.data[i]
                        .asSlice(burst.offset[i], burst.capturedLength[i]).toArray(ValueLayout.JAVA_BYTE);
                    packets.add(new Packet(bytes, burst.capturedLength[i], burst.wireLength[i], burst.timestampNs[i],
                        burst.linkType[i]));
                }
            }
            assertNull(source.problem());
            assertEquals(packets.size(), source.packetsRead());
            return packets;
        }
    }

    private static long drain(final CaptureFileSource source)
    {
        final PacketBurst burst = new PacketBurst(3, 1);
        long packets = 0;
        while (!source.isExhausted())
        {
            packets += source.poll(burst);
        }
        return packets;
    }

    private void assertProblem(final byte[] capture, final int packetsBefore, final String problem) throws IOException
    {
        final Path file = Files.write(directory.resolve("corrupt"), capture);
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            assertEquals(packetsBefore, drain(source));
            assertNotNull(source.problem(), "expected a problem like: " + problem);
            assertTrue(source.problem().contains(problem), source.problem());
        }
    }

    /** Offset of record {@code index} (0-based) in a little- or big-endian pcap. */
    private static long recordOffset(final byte[] pcap, final int index)
    {
        final ByteOrder order = (pcap[0] & 0xff) == 0xd4 || (pcap[0] & 0xff) == 0x4d ?
            ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        final ByteBuffer buffer = ByteBuffer.wrap(pcap).order(order);
        long offset = 24;
        for (int i = 0; i < index; i++)
        {
            offset += 16 + (buffer.getInt((int)offset + 8) & 0xFFFF_FFFFL);
        }
        return offset;
    }

    /** Rewrites a little-endian pcap in big-endian byte order, field by field. */
    static byte[] toBigEndian(final byte[] littleEndian)
    {
        final ByteBuffer in = ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer out = ByteBuffer.allocate(littleEndian.length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort())
            .putInt(in.getInt()).putInt(in.getInt()).putInt(in.getInt()).putInt(in.getInt());
        while (in.hasRemaining())
        {
            out.putInt(in.getInt()).putInt(in.getInt());
            final int captured = in.getInt();
            out.putInt(captured).putInt(in.getInt());
            final byte[] data = new byte[captured];
            in.get(data);
            out.put(data);
        }
        return out.array();
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String epoch(final long timestampNs)
    {
        return String.format("%d.%09d", timestampNs / 1_000_000_000L, timestampNs % 1_000_000_000L);
    }
}
