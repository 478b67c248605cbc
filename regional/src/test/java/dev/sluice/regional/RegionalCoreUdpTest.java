package dev.sluice.regional;

import com.fasterxml.jackson.databind.JsonNode;
import io.aeron.Publication;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static dev.sluice.regional.TestBatch.udp6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A launched regional core (own agent thread, own Aeron client) receiving over UDP on localhost.
 */
@Timeout(60)
class RegionalCoreUdpTest
{
    private static final int BATCHES_PER_GATEWAY = 50;
    private static final int RECORDS_PER_BATCH = 10;

    @TempDir
    Path outputDir;

    @Test
    void receivesBatchesOverUdpAndFlushesOnClose() throws Exception
    {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            port = socket.getLocalPort();
        }
        final String channel = "aeron:udp?endpoint=localhost:" + port;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        try (TestDriver driver = new TestDriver())
        {
            final RegionalCoreContext ctx = new RegionalCoreContext()
                .regionName("eu-west")
                .aeronDirectoryName(driver.aeronDirectoryName())
                .channel(channel)
                .outputDir(outputDir)
                .idleStrategy(new SleepingMillisIdleStrategy(1))
                .errorHandler(errors::add);

            final RegionalCountersSnapshot snapshot;
            final Path file;
            try (RegionalCoreMain main = RegionalCoreMain.launch(ctx);
                Publication publication = driver.aeron.addPublication(channel, RegionalCoreContext.STREAM_ID_DEFAULT))
            {
                assertEquals("regional-eu-west", main.core().roleName());
                file = main.core().outputFile();
                TestDriver.until(publication::isConnected, Thread::yield, "the UDP publication to connect");

                for (int sequence = 1; sequence <= BATCHES_PER_GATEWAY; sequence++)
                {
                    for (final String gateway : List.of("gw-a", "gw-b"))
                    {
                        final TestBatch batch = batch(gateway, "eu-west", sequence);
                        for (int i = 0; i < RECORDS_PER_BATCH; i++)
                        {
                            batch.packet(0 == i % 2 ?
                                tcp4("192.0.2." + i, "198.51.100." + sequence, 1000 + i, 443) :
                                udp6("2001:db8::" + i, "2001:db8:1::" + sequence, i, false, true));
                        }
                        final UnsafeBuffer frame = batch.encode();
                        TestDriver.until(
                            () -> publication.offer(frame, 0, frame.capacity()) > 0, Thread::yield, "offer");
                    }
                }

                TestDriver.until(
                    () -> main.counters().get(RegionalCounter.RECORDS) == 2L * BATCHES_PER_GATEWAY * RECORDS_PER_BATCH,
                    Thread::yield,
                    "all records to arrive");
                snapshot = main.counters().snapshot();
            }

            assertTrue(ctx.aeron().isClosed(), "the client the context connected is closed with the core");
            assertEquals(List.of(), List.copyOf(errors));
            assertEquals(2L * BATCHES_PER_GATEWAY, snapshot.batches());
            assertEquals(0, snapshot.gaps());
            assertEquals(0, snapshot.duplicates());
            assertEquals(BATCHES_PER_GATEWAY, snapshot.stream("gw-a", "eu-west").orElseThrow().lastSequence());
            assertEquals(BATCHES_PER_GATEWAY, snapshot.stream("gw-b", "eu-west").orElseThrow().lastSequence());

            final List<JsonNode> lines = NdjsonReader.read(file);
            assertEquals(2 * BATCHES_PER_GATEWAY * RECORDS_PER_BATCH, lines.size());
            final Map<String, Long> byGateway = lines.stream()
                .collect(Collectors.groupingBy((line) -> line.get(NdjsonFields.GATEWAY).asText(), Collectors.counting()));
            assertEquals(Map.of("gw-a", 500L, "gw-b", 500L), byGateway);
            assertEquals("2001:db8:1::50", lines.getLast().get(NdjsonFields.DST).asText());
        }
    }
}
