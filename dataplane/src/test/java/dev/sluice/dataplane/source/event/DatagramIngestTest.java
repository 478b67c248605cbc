package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static dev.sluice.dataplane.source.event.IngestTesting.awaitSettled;
import static dev.sluice.dataplane.source.event.IngestTesting.config;
import static dev.sluice.dataplane.source.event.IngestTesting.readUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP listeners over real sockets on 127.0.0.1, on io_uring and on NIO: one datagram one message,
 * oversize and empty datagrams and a full ring counted by reason, a NetFlow export datagram (real,
 * from the shared data) with its exporter's address; the counters balance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramIngestTest
{
    static final String[] TRANSPORTS = IngestTesting.TRANSPORTS;

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void syslogDatagramsWithDropsByReason(final String transport) throws Exception
    {
        final int ringBytes = 4096;
        try (EventRing ring = new EventRing(ringBytes);
            EventIngest ingest = EventIngest.start(config(transport, ringBytes)
                .listener(IngestListener.of("syslog-udp", ListenerKind.SYSLOG_UDP, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(200)), ring);
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            final InetSocketAddress server = ingest.localAddress(0);
            send(socket, server, "<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - 'su root' failed\n");
            send(socket, server, "<13>" + "x".repeat(300));
            send(socket, server, "\n");
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            awaitSettled(ingest, 0, 3);
            ring.read(collector, 10);
            assertEquals(List.of("<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - 'su root' failed"),
                collector.texts());
            final IngestTesting.Received message = collector.messages.get(0);
            assertEquals(EventFormat.SYSLOG, message.format());
            assertEquals(InetAddress.getByName("127.0.0.1"), message.peer());
            assertEquals(socket.getLocalPort(), message.peerPort());

            IngestCounters.Snapshot counters = ingest.counters(0).snapshot();
            assertEquals(1, counters.accepted());
            assertEquals(1, counters.dropped(IngestDropReason.OVERSIZE));
            assertEquals(1, counters.dropped(IngestDropReason.EMPTY));
            assertTrue(counters.balances());

            // Nobody drains: the ring fills and further datagrams are dropped, counted ring_full.
            final int sent = 200;
            for (int i = 0; i < sent; i++)
            {
                send(socket, server, "<13>filling the ring " + i);
                final int expected = 3 + i + 1;
                awaitSettled(ingest, 0, expected);
            }
            counters = ingest.counters(0).snapshot();
            assertTrue(counters.dropped(IngestDropReason.RING_FULL) > 0, counters.toString());
            assertTrue(counters.balances(), counters.toString());
            collector.messages.clear();
            while (ring.read(collector, 1000) > 0)
            {
                // A read stops where the ring wraps; the next one goes on from its start.
            }
            assertEquals(counters.accepted() - 1, collector.messages.size());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void netflowDatagramIsOneRecordWithTheExporterAddress(final String transport) throws Exception
    {
        final byte[] export = Files.readAllBytes(
            SharedData.root().resolve("netflow/logstash-codec-netflow/ipfix_test_mikrotik_data259.dat"));
        final int ringBytes = 1024 * 1024;
        try (EventRing ring = new EventRing(ringBytes);
            EventIngest ingest = EventIngest.start(config(transport, ringBytes)
                .listener(IngestListener.of("syslog-udp", ListenerKind.SYSLOG_UDP, 0).bindAddress("127.0.0.1"))
                .listener(IngestListener.of("flows", ListenerKind.NETFLOW_UDP, 0).bindAddress("127.0.0.1")), ring);
            DatagramSocket exporter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            exporter.send(new DatagramPacket(export, export.length, ingest.localAddress(1)));
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, 1);
            final IngestTesting.Received flow = collector.messages.get(0);
            assertEquals(EventFormat.NETFLOW, flow.format());
            assertEquals(1, flow.listenerIndex());
            assertArrayEquals(export, flow.bytes(), "the export datagram, byte for byte (no trimming)");
            assertEquals(InetAddress.getByName("127.0.0.1"), flow.peer());
            assertEquals(exporter.getLocalPort(), flow.peerPort());
            final IngestCounters.Snapshot counters = ingest.counters(1).snapshot();
            assertEquals(1, counters.accepted());
            assertEquals(export.length, counters.bytes());
            assertTrue(counters.balances());
        }
    }

    private static void send(final DatagramSocket socket, final InetSocketAddress server, final String text)
        throws Exception
    {
        final byte[] bytes = ascii(text);
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }
}
