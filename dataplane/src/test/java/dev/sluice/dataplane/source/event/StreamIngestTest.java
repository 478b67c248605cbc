package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static dev.sluice.dataplane.source.event.IngestTesting.awaitSettled;
import static dev.sluice.dataplane.source.event.IngestTesting.config;
import static dev.sluice.dataplane.source.event.IngestTesting.pollUntil;
import static dev.sluice.dataplane.source.event.IngestTesting.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP listeners over real sockets on 127.0.0.1, on io_uring and on NIO: RFC 6587 octet counting and
 * LF framing (messages split across writes, many in one write), the maximum size, a malformed count,
 * TLS, JSON lines; every time the counters balance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamIngestTest
{
    static final String[] TRANSPORTS = IngestTesting.TRANSPORTS;
    private static final int RING_BYTES = 1024 * 1024;

    @TempDir
    static Path certificateDirectory;
    private static SelfSignedCertificate certificate;

    @BeforeAll
    static void makeCertificate() throws Exception
    {
        certificate = SelfSignedCertificate.create(certificateDirectory);
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void octetCountingFramesSplitAndBatched(final String transport) throws Exception
    {
        final List<String> messages = List.of(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
            "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
            "<13>1 - - - - - - line\nwith a line feed inside",
            "<14>1 - - - - - - a");
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("syslog-tcp", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")), ring);
            Socket socket = connect(ingest, 0))
        {
            final OutputStream out = socket.getOutputStream();
            final byte[] first = ascii(messages.get(0).length() + " " + messages.get(0));
            for (final byte b : first)
            {
                out.write(b);
                out.flush();
            }
            final StringBuilder many = new StringBuilder();
            for (final String message : messages.subList(1, messages.size()))
            {
                many.append(message.length()).append(' ').append(message);
            }
            out.write(ascii(many.toString()));
            out.flush();

            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, messages.size());
            assertEquals(messages, collector.texts());
            final IngestTesting.Received received = collector.messages.get(0);
            assertEquals(EventFormat.SYSLOG, received.format());
            assertEquals(InetAddress.getLoopbackAddress(), received.peer());
            assertEquals(socket.getLocalPort(), received.peerPort());
            assertEquals(0, received.listenerIndex());
            assertEquals(0, received.flags());

            final IngestCounters.Snapshot counters = ingest.counters(0).snapshot();
            assertEquals(messages.size(), counters.received());
            assertEquals(messages.size(), counters.accepted());
            assertEquals(1, counters.connections());
            assertTrue(counters.balances());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void lineFeedFramingSplitAndBatchedWithTrailingLineAtClose(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("syslog-tcp", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")), ring))
        {
            final List<String> expected = new ArrayList<>();
            try (Socket socket = connect(ingest, 0))
            {
                final OutputStream out = socket.getOutputStream();
                for (final byte b : ascii("<34>Oct 11 22:14:15 mymachine su: 'su root' failed\r\n"))
                {
                    out.write(b);
                    out.flush();
                }
                expected.add("<34>Oct 11 22:14:15 mymachine su: 'su root' failed");
                final StringBuilder many = new StringBuilder();
                for (int i = 0; i < 200; i++)
                {
                    many.append("<13>message ").append(i).append('\n');
                    expected.add("<13>message " + i);
                }
                many.append("\n");
                out.write(ascii(many + "<13>last without line feed"));
                expected.add("<13>last without line feed");
                out.flush();
            }
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, expected.size());
            assertEquals(expected, collector.texts());
            awaitSettled(ingest, 0, expected.size());
            assertTrue(ingest.counters(0).snapshot().balances());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void oversizeMessagesAreSkippedAndTheConnectionCarriesOn(final String transport) throws Exception
    {
        final int max = 64;
        final String big = "<13>" + "x".repeat(200);
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("octets", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(max))
                .listener(IngestListener.of("lines", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(max)), ring);
            Socket octets = connect(ingest, 0);
            Socket lines = connect(ingest, 1))
        {
            octets.getOutputStream().write(ascii("5 <13>a" + big.length() + " " + big + "5 <13>b"));
            lines.getOutputStream().write(ascii("<13>c\n" + big + "\n<13>d\n"));
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, 4);
            final List<String> texts = collector.texts();
            assertEquals(4, texts.size());
            assertTrue(texts.indexOf("<13>a") < texts.indexOf("<13>b"));
            assertTrue(texts.indexOf("<13>c") < texts.indexOf("<13>d"));
            for (int i = 0; i < 2; i++)
            {
                final int listener = i;
                awaitSettled(ingest, listener, 3);
                final IngestCounters.Snapshot counters = ingest.counters(i).snapshot();
                assertEquals(2, counters.accepted());
                assertEquals(1, counters.dropped(IngestDropReason.OVERSIZE));
                assertTrue(counters.balances());
            }
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void malformedOctetCountClosesTheConnection(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("syslog-tcp", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")), ring);
            Socket socket = connect(ingest, 0))
        {
            socket.getOutputStream().write(ascii("5 <13>a12x <13>broken"));
            final InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "the server closes the connection");
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, 1);
            assertEquals(List.of("<13>a"), collector.texts());
            pollUntil(() -> ingest.counters(0).snapshot().dropped(IngestDropReason.MALFORMED_FRAME) == 1, "counted");
            assertTrue(ingest.counters(0).snapshot().balances());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void tlsRoundTrip(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("syslog-tls", ListenerKind.SYSLOG_TCP, 0).bindAddress("127.0.0.1")
                    .tls(certificate.certificateFile, certificate.keyFile)), ring);
            SSLSocket socket = (SSLSocket)certificate.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", ingest.localAddress(0).getPort()))
        {
            socket.startHandshake();
            final String message = "<34>1 2003-10-11T22:14:15.003Z host su - ID47 - over TLS";
            socket.getOutputStream().write(ascii(message.length() + " " + message + "9 <13>again"));
            socket.getOutputStream().flush();
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, 2);
            assertEquals(List.of(message, "<13>again"), collector.texts());
            assertEquals(IngestRecord.FLAG_TLS, collector.messages.get(0).flags());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void jsonLines(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("json", ListenerKind.JSON_TCP, 0).bindAddress("127.0.0.1")), ring);
            Socket socket = connect(ingest, 0))
        {
            // A digit first is still LF framing: only syslog detects octet counting.
            socket.getOutputStream().write(ascii("42\n{\"vin\":\"WDB123\",\"speed\":88.5}\r\n{\"a\":[1,2]}\n"));
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            readUntil(ring, collector, 3);
            assertEquals(List.of("42", "{\"vin\":\"WDB123\",\"speed\":88.5}", "{\"a\":[1,2]}"), collector.texts());
            assertEquals(EventFormat.JSON, collector.messages.get(1).format());
        }
    }

    static Socket connect(final EventIngest ingest, final int listenerIndex) throws Exception
    {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", ingest.localAddress(listenerIndex).getPort()), 10_000);
        return socket;
    }
}
