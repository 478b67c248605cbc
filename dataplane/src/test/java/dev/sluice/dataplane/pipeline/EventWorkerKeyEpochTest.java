package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.keys.KeyCustodian;
import dev.sluice.dataplane.anonymize.keys.KeyDirectory;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.control.PolicyInstaller;
import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.egress.DestinationStream;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.egress.StreamSequence;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.dataplane.testing.EventBatches;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.dataplane.testing.TestPolicies;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event worker crossing a key epoch's start between batches, under a clock the test sets:
 * the addresses in the events staged before the switch are rewritten with the old epoch's key,
 * those after with the new one's, and every event is counted and sent once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventWorkerKeyEpochTest
{
    private static final long NOVEMBER_NS = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final long DECEMBER_NS = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final int EVENTS_PER_EPOCH = 5;
    private static final String POLICY = """
        sluice-policy: 1
        name: rotating-events
        match: first
        default: keep
        regions: [eu-west, us-east]
        residency:
          - class: pii.ip
            origin: eu-west
            raw: [eu-west]
            after:
              cryptopan: [us-east]
        keys:
          epochs:
            - {region: eu-west, id: "2026-11", from: "2026-11-01T00:00:00Z"}
            - {region: eu-west, id: "2026-12", from: "2026-12-01T00:00:00Z"}
        """;
    private static final IngestRecord HEADER = new IngestRecord();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicLong wallClockNs = new AtomicLong(NOVEMBER_NS + 1);
    private TestMediaDriver media;
    private EventRing ring;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(resources.reversed());
        CloseHelper.closeAll(ring, media);
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 37 + i * 13);
        }
        return key;
    }

    private static String image(final CryptoPan cryptoPan, final int address)
    {
        final int image = cryptoPan.anonymizeIpv4(address);
        return (image >>> 24) + "." + ((image >>> 16) & 0xFF) + "." + ((image >>> 8) & 0xFF) + "." + (image & 0xFF);
    }

    private static String message(final int i)
    {
        return "<14>Oct 11 22:14:15 host app: login from 198.51.100." + (i + 1) + " failed";
    }

    private void publish(final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final int at = ring.claim(EventFormat.SYSLOG.typeId(), bytes.length);
        assertTrue(at >= 0, "the ring has room");
        HEADER.wrap(ring.segment(), at).receiveTimeNs(1).peer(new byte[]{(byte)192, 0, 2, 7}, 514, 0, 0);
        MemorySegment.copy(bytes, 0, ring.segment(), ValueLayout.JAVA_BYTE, at + IngestRecord.HEADER_LENGTH, bytes.length);
        ring.commit(at);
    }

    private static void drain(final EventWorker worker)
    {
        for (int idle = 0; idle < 3; )
        {
            idle = worker.doWork() == 0 ? idle + 1 : 0;
        }
    }

    @Test
    void eventsStagedAfterTheSwitchUseTheNewKey(@TempDir final Path directory) throws IOException
    {
        final Path keyRoot = directory.resolve("keys");
        Files.createDirectories(keyRoot.resolve("eu-west"));
        CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2026-11.key"), key(11));
        CryptoPan.writeKeyFile(keyRoot.resolve("eu-west/2026-12.key"), key(12));

        media = new TestMediaDriver();
        ring = new EventRing(EventRing.CAPACITY_BYTES_DEFAULT);
        final EventCounters counters = track(new EventCounters(media.aeron::addCounter, "events-0"));
        final List<String> regions = List.of("eu-west", "us-east");
        final List<DestinationStream> streams = new ArrayList<>();
        final List<EventDestinationCounters> destinationCounters = new ArrayList<>();
        final List<Subscription> subscriptions = new ArrayList<>();
        for (int d = 0; d < regions.size(); d++)
        {
            subscriptions.add(track(media.aeron.addSubscription("aeron:ipc", 1101 + d)));
            final DestinationStream stream = track(new DestinationStream(
                d,
                regions.get(d),
                media.aeron.addExclusivePublication("aeron:ipc", 1101 + d),
                StreamSequence.open(directory.resolve(regions.get(d) + ".seq"), StreamSequence.RESERVATION_BLOCK_DEFAULT),
                new DestinationCounters(media.aeron::addCounter, regions.get(d), "events-0")));
            streams.add(stream);
            destinationCounters.add(track(new EventDestinationCounters(media.aeron::addCounter, regions.get(d), "events-0")));
            TestMediaDriver.until(stream.publication()::isConnected, () -> {}, "publication connected");
        }

        final KeyCustodian custodian = track(new KeyCustodian(
            "eu-west", new KeyDirectory(keyRoot, "eu-west"), null, 1, CryptoPan.DEFAULT_CACHE_SLOTS, wallClockNs::get, null));
        final PolicyHolder holder = new PolicyHolder();
        final PolicyInstaller.Result result = new PolicyInstaller("eu-west", regions, custodian).build(1, TestPolicies.parse(POLICY));
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        holder.apply(result.snapshot());
        final EventSender sender = new EventSender(
            streams, destinationCounters, "gw-paris-1", "paris-1", "eu-west", 0x8000, TimeUnit.SECONDS.toNanos(5),
            new OffsetEpochNanoClock(), EventWorker.maxEventBytes(ring.maxMessageLength()));
        final WorkerKeys keys = new WorkerKeys(0, wallClockNs::get);
        final EventWorker worker = new EventWorker(
            "events-0", ring, holder, null, sender, counters, new RejectSamples(), new SystemNanoClock(), keys);

        for (int i = 0; i < EVENTS_PER_EPOCH; i++)
        {
            publish(message(i));
        }
        drain(worker);
        wallClockNs.set(DECEMBER_NS);
        for (int i = EVENTS_PER_EPOCH; i < 2 * EVENTS_PER_EPOCH; i++)
        {
            publish(message(i));
        }
        drain(worker);

        final CryptoPan november = new CryptoPan(key(11));
        final CryptoPan december = new CryptoPan(key(12));
        final List<String> expectedAbroad = new ArrayList<>();
        final List<String> expectedHome = new ArrayList<>();
        for (int i = 0; i < 2 * EVENTS_PER_EPOCH; i++)
        {
            final int address = (198 << 24) | (51 << 16) | (100 << 8) | (i + 1);
            expectedHome.add(message(i));
            expectedAbroad.add(message(i).replace("198.51.100." + (i + 1),
                image(i < EVENTS_PER_EPOCH ? november : december, address)));
        }
        assertEquals(expectedHome, new EventBatches().drain(subscriptions.get(0)).bodies());
        assertEquals(expectedAbroad, new EventBatches().drain(subscriptions.get(1)).bodies(),
            "images under November's key before the switch, December's after");
        assertEquals(1, keys.switches());
        final EventCounters.Snapshot totals = counters.snapshot();
        assertEquals(2 * EVENTS_PER_EPOCH, totals.received());
        assertEquals(2 * EVENTS_PER_EPOCH, totals.forwarded());
        assertEquals(2 * EVENTS_PER_EPOCH, destinationCounters.get(1).snapshot().transformed());
        assertEquals(2 * EVENTS_PER_EPOCH, destinationCounters.get(0).snapshot().raw());
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }
}
