package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static dev.sluice.dataplane.source.event.IngestTesting.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP NDJSON batches over real sockets, on io_uring and on NIO: 200 only once the batch is in the
 * ring (all its lines there when the answer arrives), 429 with Retry-After when the ring is full,
 * 200 again after draining; 413, 405, 400 and 503 with their counters; the counters balance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpIngestTest
{
    static final String[] TRANSPORTS = IngestTesting.TRANSPORTS;
    private static final int RING_BYTES = 64 * 1024;

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void acceptedBatchesThenTooManyRequestsWhenFull(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("http", ListenerKind.HTTP_NDJSON, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(4096).retryAfterSeconds(3)), ring);
            Socket socket = StreamIngestTest.connect(ingest, 0))
        {
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            Response response = post(socket, "{\"vin\":\"WDB1\",\"speed\":50}\n{\"vin\":\"WDB2\",\"speed\":60}\n");
            assertEquals(200, response.status);
            // Accepted means committed: the lines are in the ring when the answer arrives, no waiting.
            assertEquals(1, ring.read(collector, 10));
            assertEquals(List.of("{\"vin\":\"WDB1\",\"speed\":50}", "{\"vin\":\"WDB2\",\"speed\":60}"), collector.texts());
            assertEquals(EventFormat.JSON, collector.messages.get(0).format());
            assertTrue((collector.messages.get(0).flags() & IngestRecord.FLAG_BATCH) != 0);

            final String batch = ("{\"filler\":\"" + "x".repeat(80) + "\"}\n").repeat(40);
            int accepted = 0;
            do
            {
                response = post(socket, batch);
                if (response.status == 200)
                {
                    accepted++;
                }
            }
            while (response.status == 200 && accepted < 1000);
            assertEquals(429, response.status);
            assertEquals("3", response.headers.get("retry-after"));
            assertTrue(accepted > 1, "batches before the ring filled: " + accepted);

            collector.messages.clear();
            int records = 0;
            int read;
            while ((read = ring.read(collector, 1000)) > 0)
            {
                records += read;
            }
            assertEquals(accepted, records, "each accepted batch is one record, the refused one none");
            assertEquals(accepted * 40, collector.messages.size());
            assertEquals(200, post(socket, batch).status, "room again after draining");

            final IngestCounters.Snapshot counters = ingest.counters(0).snapshot();
            assertEquals(accepted + 3, counters.received());
            assertEquals(accepted + 2, counters.accepted());
            assertEquals(1, counters.dropped(IngestDropReason.RING_FULL));
            assertTrue(counters.balances());
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void refusalsAreAnsweredAndCounted(final String transport) throws Exception
    {
        try (EventRing ring = new EventRing(RING_BYTES);
            EventIngest ingest = EventIngest.start(config(transport, RING_BYTES)
                .listener(IngestListener.of("http", ListenerKind.HTTP_NDJSON, 0).bindAddress("127.0.0.1")
                    .maxMessageBytes(1024)), ring))
        {
            try (Socket socket = StreamIngestTest.connect(ingest, 0))
            {
                assertEquals(413, post(socket, "{\"big\":\"" + "y".repeat(2000) + "\"}\n").status);
            }
            try (Socket socket = StreamIngestTest.connect(ingest, 0))
            {
                assertEquals(400, post(socket, "").status);
                socket.getOutputStream().write(ascii("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
                final Response response = read(socket.getInputStream());
                assertEquals(405, response.status);
                assertEquals("POST", response.headers.get("allow"));
            }
            try (Socket socket = StreamIngestTest.connect(ingest, 0))
            {
                socket.getOutputStream().write(ascii("NOT HTTP AT ALL\r\n\r\n"));
                assertEquals(400, read(socket.getInputStream()).status);
            }
            ingest.shutDown();
            try (Socket socket = StreamIngestTest.connect(ingest, 0))
            {
                final Response response = post(socket, "{\"late\":true}\n");
                assertEquals(503, response.status);
                assertEquals("1", response.headers.get("retry-after"));
            }
            final IngestCounters.Snapshot counters = ingest.counters(0).snapshot();
            assertEquals(1, counters.dropped(IngestDropReason.OVERSIZE));
            assertEquals(1, counters.dropped(IngestDropReason.EMPTY));
            assertEquals(2, counters.dropped(IngestDropReason.BAD_REQUEST));
            assertEquals(1, counters.dropped(IngestDropReason.SHUTTING_DOWN));
            assertEquals(0, counters.accepted());
            assertEquals(5, counters.received());
            assertTrue(counters.balances());
            assertEquals(0, ring.read(new IngestTesting.Collector(), 10));
        }
    }

    private record Response(int status, Map<String, String> headers, String body)
    {
    }

    private static Response post(final Socket socket, final String body) throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final String head = "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n" +
            "Content-Length: " + bytes.length + "\r\n\r\n";
        socket.getOutputStream().write(ascii(head));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return read(socket.getInputStream());
    }

    private static Response read(final InputStream in) throws IOException
    {
        final String statusLine = line(in);
        assertNotNull(statusLine, "the server answered");
        final int status = Integer.parseInt(statusLine.split(" ")[1]);
        final Map<String, String> headers = new HashMap<>();
        String header;
        while ((header = line(in)) != null && !header.isEmpty())
        {
            final int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        final byte[] body = in.readNBytes(length);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1)
        {
            if (b == '\n')
            {
                final String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }
}
