package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.decode.CaptureDecode;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileWriter;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.testing.SharedData;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Export datagrams for the NetFlow tests: the UDP payloads of a capture, read with the
 * dataplane's own capture reader and decoder ({@link CaptureDecode}), and captures made from
 * raw payloads (IPv4/UDP from {@link #EXPORTER} port {@link #EXPORTER_PORT} to the collector port
 * 2055, one second apart) so that tshark can dissect the raw Logstash payloads too.
 * <p>
 * Stateless; any thread.
 */
final class NetflowCaptures
{
    /** 10.0.0.1: the exporter of captures made from raw payloads. */
    static final long EXPORTER = 0x0A00_0001L;
    static final int EXPORTER_PORT = 40000;
    static final int COLLECTOR_PORT = 2055;
    static final long FIRST_TIMESTAMP_NS = 1_600_000_000_000_000_000L;

    /** One export datagram with who sent it and when. */
    record Datagram(int frame, int addressVersion, long high, long low, int port, long receivedNs, byte[] payload)
    {
        /** Parses it with {@code parser}, setting exporter and receive time first. */
        boolean parse(final NetflowParser parser)
        {
            return parser.exporter(addressVersion, high, low, port).receivedAt(receivedNs)
                .parse(MemorySegment.ofArray(payload), 0, payload.length);
        }
    }

    private NetflowCaptures()
    {
    }

    static Path graylog(final String name)
    {
        return SharedData.root().resolve("netflow/graylog").resolve(name);
    }

    static Path logstash(final String name)
    {
        return SharedData.root().resolve("netflow/logstash-codec-netflow").resolve(name);
    }

    /** Every UDP payload of a capture (frames numbered from 1 as tshark does), in file order. */
    static List<Datagram> udpPayloads(final Path capture) throws IOException
    {
        final List<Datagram> datagrams = new ArrayList<>();
        CaptureDecode.run(capture, (number, packet) ->
        {
            if (packet.isDropped() || !packet.hasUdp() || packet.payloadOffset() < 0)
            {
                return;
            }
            final PacketBurst burst = packet.burst();
            final int index = packet.index();
            final byte[] payload = new byte[packet.payloadLength()];
            MemorySegment.copy(burst.data[index], ValueLayout.JAVA_BYTE, burst.offset[index] + packet.payloadOffset(),
                payload, 0, payload.length);
            datagrams.add(new Datagram((int)number, packet.ipVersion(), packet.srcAddressHigh(), packet.srcAddressLow(),
                packet.udpSrcPort(), burst.timestampNs[index], payload));
        });
        return datagrams;
    }

    /** Writes raw payloads as a raw-IPv4 capture from {@link #EXPORTER}, in the given order. */
    static Path capture(final Path file, final List<byte[]> payloads) throws IOException
    {
        final List<long[]> exporters = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++)
        {
            exporters.add(new long[]{EXPORTER});
        }
        return capture(file, payloads, exporters);
    }

    /** Writes raw payloads as a raw-IPv4 capture, each from its exporter's IPv4 address, in the given order. */
    static Path capture(final Path file, final List<byte[]> payloads, final List<long[]> exporters) throws IOException
    {
        try (CaptureFileWriter writer = CaptureFileWriter.create(file, LinkType.RAW, CaptureFileWriter.Precision.NANOSECONDS))
        {
            long timestamp = FIRST_TIMESTAMP_NS;
            for (int i = 0; i < payloads.size(); i++)
            {
                final byte[] payload = payloads.get(i);
                final ByteBuffer packet = ByteBuffer.allocate(28 + payload.length);
                packet.put((byte)0x45).put((byte)0).putShort((short)(28 + payload.length)).putShort((short)0)
                    .putShort((short)0).put((byte)64).put((byte)17).putShort((short)0)
                    .putInt((int)exporters.get(i)[0]).putInt(0x0A00_0002);
                packet.putShort((short)EXPORTER_PORT).putShort((short)COLLECTOR_PORT)
                    .putShort((short)(8 + payload.length)).putShort((short)0).put(payload);
                writer.write(timestamp, packet.array());
                timestamp += 1_000_000_000L;
            }
        }
        return file;
    }

    /** Reads the named Logstash payload files. */
    static List<byte[]> logstashPayloads(final List<String> names) throws IOException
    {
        final List<byte[]> payloads = new ArrayList<>();
        for (final String name : names)
        {
            payloads.add(Files.readAllBytes(logstash(name)));
        }
        return payloads;
    }
}
