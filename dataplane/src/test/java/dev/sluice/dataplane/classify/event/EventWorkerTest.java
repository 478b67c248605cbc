package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event worker sketch: records published into the ingest ring come out as counted outcomes,
 * syslog carrying CEF and LEEF is routed to those parsers, and every item is accounted for.
 */
class EventWorkerTest
{
    private static final byte[] PEER = {(byte)192, 0, 2, 7};

    private static final Policy POLICY = TestPolicies.parse("""
        sluice-policy: 1
        name: events
        match: first
        default: keep
        rules:
          - name: drop-debug
            when: syslog.severity == 7 and item.kind == "syslog"
            then: drop
          - name: drop-low-cef
            when: cef.severity < 4
            then: drop
          - name: drop-leef-anomaly
            when: leef.cat == "anomaly"
            then: drop
          - name: sample-json
            when: json.class == "TPV"
            then: sample 1/2
          - name: drop-flows-to-dns
            when: flow.dstport == 53
            then: drop
        """);

    private static final IngestRecord HEADER = new IngestRecord();

    private static void publish(final EventRing ring, final EventFormat format, final byte[] message)
    {
        final int at = ring.claim(format.typeId(), message.length);
        assertTrue(at >= 0, "ring has room");
        final MemorySegment segment = ring.segment();
        HEADER.wrap(segment, at).receiveTimeNs(1_600_000_000_000_000_000L).peer(PEER, 2055, 0, 0);
        MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, message.length);
        ring.commit(at);
    }

    private static void publish(final EventRing ring, final EventFormat format, final String message)
    {
        publish(ring, format, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void drain(final EventWorker worker)
    {
        int read;
        do
        {
            read = worker.doWork();
        }
        while (read > 0);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void everyItemIsCountedOnce() throws IOException
    {
        try (EventRing ring = new EventRing(EventRing.CAPACITY_BYTES_DEFAULT))
        {
            final EventWorker worker = new EventWorker(ring, POLICY, null);
            publish(ring, EventFormat.SYSLOG, "<15>Oct 11 22:14:15 host app: debug line");                       // filtered
            publish(ring, EventFormat.SYSLOG, "<14>Oct 11 22:14:15 host app: info line");                        // forwarded
            publish(ring, EventFormat.SYSLOG, "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|3|src=10.0.0.1");     // filtered (CEF 3)
            publish(ring, EventFormat.SYSLOG, "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1");     // forwarded
            publish(ring, EventFormat.SYSLOG, "<111>1 2019-01-18T11:07:53.520+00:00 h LEEF:1.0|V|P|1|E|cat=anomaly"); // filtered
            publish(ring, EventFormat.SYSLOG, "<999>1 x");                                                      // dropped
            publish(ring, EventFormat.JSON, "{\"class\":\"TPV\"}");                                             // forwarded
            publish(ring, EventFormat.JSON, "{\"class\":\"TPV\"}");                                             // filtered (sampled out)
            publish(ring, EventFormat.JSON, "{\"class\":");                                                     // dropped
            publish(ring, EventFormat.CANDUMP, "(1.000000) can0 123#DEADBEEF");                                 // forwarded
            drain(worker);

            assertEquals(10, worker.received());
            assertEquals(4, worker.forwarded());
            assertEquals(4, worker.filtered());
            assertEquals(1, worker.dropped("json:unexpected_end"));
            assertEquals(1, worker.dropped("syslog:invalid_pri"));
            assertEquals(2, worker.droppedTotal());

            publish(ring, EventFormat.NETFLOW, Files.readAllBytes(
                SharedData.root().resolve("netflow/logstash-codec-netflow/netflow5.dat")));
            drain(worker);
            assertTrue(worker.received() > 10, "flow records count one item each: " + worker.received());
            assertEquals(worker.received(), worker.forwarded() + worker.filtered() + worker.droppedTotal());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void drainingAllocatesNothing() throws IOException
    {
        final EventFormat[] formats = {EventFormat.SYSLOG, EventFormat.SYSLOG, EventFormat.SYSLOG, EventFormat.SYSLOG,
            EventFormat.JSON, EventFormat.JSON, EventFormat.CANDUMP, EventFormat.NETFLOW};
        final byte[][] messages = {
            "<15>Oct 11 22:14:15 host app: debug line".getBytes(StandardCharsets.UTF_8),
            "<111>Jan 18 11:07:53 h CEF:0|V|P|1|sig|name|8|src=10.0.0.1 cs1=x".getBytes(StandardCharsets.UTF_8),
            "<111>1 2019-01-18T11:07:53.520+00:00 h LEEF:1.0|V|P|1|E|cat=anomaly".getBytes(StandardCharsets.UTF_8),
            "<999>1 x".getBytes(StandardCharsets.UTF_8),
            "{\"class\":\"TPV\",\"speed\":3.5}".getBytes(StandardCharsets.UTF_8),
            "{\"class\":".getBytes(StandardCharsets.UTF_8),
            "(1.000000) can0 123#DEADBEEF".getBytes(StandardCharsets.UTF_8),
            Files.readAllBytes(SharedData.root().resolve("netflow/logstash-codec-netflow/netflow5.dat"))};
        try (EventRing ring = new EventRing(EventRing.CAPACITY_BYTES_DEFAULT))
        {
            final EventWorker worker = new EventWorker(ring, POLICY, null);
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (int i = 0; i < messages.length; i++)
                {
                    publish(ring, formats[i], messages[i]);
                }
                drain(worker);
            }, 20_000, 10_000);
            assertEquals(0, bytes, "bytes allocated publishing and draining " + worker.received() + " items");
            assertEquals(worker.received(), worker.forwarded() + worker.filtered() + worker.droppedTotal());
        }
    }
}
