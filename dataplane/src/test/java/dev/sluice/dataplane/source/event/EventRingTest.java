package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sluice.dataplane.source.event.IngestTesting.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ring without sockets: records carry their header and bytes, an NDJSON batch is handed out line
 * by line, a full ring refuses claims, and parked producers are woken once half the ring is free.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventRingTest
{
    @Test
    void recordCarriesHeaderAndMessage() throws Exception
    {
        try (EventRing ring = new EventRing(64 * 1024))
        {
            write(ring, EventFormat.SYSLOG.typeId(), "<34>1 - host app - - - hi", new byte[]{10, 1, 2, 3}, 514, 3,
                IngestRecord.FLAG_TLS, 1_700_000_000_123_456_789L);
            write(ring, EventFormat.NETFLOW.typeId(), "flow", InetAddress.getByName("2001:db8::7").getAddress(), 2055, 4,
                0, 5L);
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            final long[] times = new long[2];
            final AtomicInteger calls = new AtomicInteger();
            assertEquals(2, ring.read((format, header, segment, offset, length) ->
            {
                times[calls.getAndIncrement()] = header.receiveTimeNs();
                collector.onEvent(format, header, segment, offset, length);
            }, 10));

            final IngestTesting.Received syslog = collector.messages.get(0);
            assertEquals(EventFormat.SYSLOG, syslog.format());
            assertEquals("<34>1 - host app - - - hi", syslog.text());
            assertEquals(InetAddress.getByName("10.1.2.3"), syslog.peer());
            assertEquals(514, syslog.peerPort());
            assertEquals(3, syslog.listenerIndex());
            assertEquals(IngestRecord.FLAG_TLS, syslog.flags());
            assertEquals(1_700_000_000_123_456_789L, times[0]);

            final IngestTesting.Received flow = collector.messages.get(1);
            assertEquals(EventFormat.NETFLOW, flow.format());
            assertEquals(InetAddress.getByName("2001:db8::7"), flow.peer());
            assertEquals(IngestRecord.FLAG_IPV6, flow.flags());
            assertEquals(2055, flow.peerPort());
            assertEquals(5L, times[1]);
        }
    }

    @Test
    void ndjsonBatchIsHandedOutLineByLine()
    {
        try (EventRing ring = new EventRing(64 * 1024))
        {
            write(ring, EventRing.NDJSON_BATCH_TYPE_ID, "{\"a\":1}\n\n{\"b\":2}\r\n  \n{\"c\":3}", new byte[]{127, 0, 0, 1},
                40_000, 0, IngestRecord.FLAG_BATCH, 1L);
            final IngestTesting.Collector collector = new IngestTesting.Collector();
            assertEquals(1, ring.read(collector, 10));
            assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), collector.texts());
            for (final IngestTesting.Received message : collector.messages)
            {
                assertEquals(EventFormat.JSON, message.format());
                assertEquals(IngestRecord.FLAG_BATCH, message.flags());
            }
        }
    }

    @Test
    void fullRingRefusesAndWakesParkedProducersWhenHalfIsFree()
    {
        try (EventRing ring = new EventRing(4096))
        {
            int records = 0;
            while (write(ring, EventFormat.JSON.typeId(), "x".repeat(100), new byte[4], 1, 0, 0, 0))
            {
                records++;
            }
            assertTrue(records > 1, "records until full: " + records);
            final AtomicInteger wakeUps = new AtomicInteger();
            ring.awaitSpace(wakeUps::incrementAndGet);
            assertEquals(0, wakeUps.get(), "no room yet, so the producer stays parked");
            assertEquals(1, ring.waitingProducers());

            ring.read((format, header, segment, offset, length) -> { }, 1);
            assertEquals(0, wakeUps.get(), "one record freed is less than half the ring");
            ring.read((format, header, segment, offset, length) -> { }, records);
            assertEquals(1, wakeUps.get(), "woken once the ring is drained");
            assertEquals(0, ring.waitingProducers());

            ring.awaitSpace(wakeUps::incrementAndGet);
            assertEquals(2, wakeUps.get(), "room already there: woken at once, not parked");
        }
    }

    @Test
    void capacityMustBeAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new EventRing(1000));
    }

    private static boolean write(
        final EventRing ring,
        final int typeId,
        final String message,
        final byte[] peer,
        final int port,
        final int listener,
        final int flags,
        final long timeNs)
    {
        final byte[] bytes = ascii(message);
        final int at = ring.claim(typeId, bytes.length);
        if (at < 0)
        {
            return false;
        }
        final MemorySegment segment = ring.segment();
        new IngestRecord().wrap(segment, at).receiveTimeNs(timeNs).peer(peer, port, listener, flags);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, bytes.length);
        ring.commit(at);
        return true;
    }
}
