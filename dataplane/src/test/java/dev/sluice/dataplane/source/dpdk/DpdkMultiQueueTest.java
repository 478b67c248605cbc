package dev.sluice.dataplane.source.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several rx queues, each polled by its own thread through its own source: every packet counted exactly once. */
@Timeout(120)
class DpdkMultiQueueTest
{
    @Test
    void everyPacketOfEveryQueueIsReceivedOnceByTheQueuesOwnThread() throws Exception
    {
        DpdkTesting.eal();
        // A net_pcap vdev with several rx_pcap= arguments has one rx queue per file.
        final List<Path> captures = List.of(
            SharedData.pcap("zeek/http_bro.org.pcap"),
            SharedData.pcap("zeek/tunnels_gtp_gtp2_different_udp_port.pcap"),
            SharedData.pcap("zeek/dnp3_dnp3.pcap"));
        final List<List<byte[]>> expected = new ArrayList<>();
        final StringBuilder device = new StringBuilder("net_pcap_multiqueue");
        int total = 0;
        for (final Path capture : captures)
        {
            final List<byte[]> packets = DpdkSourceTest.captureFilePackets(capture);
            expected.add(packets);
            total += packets.size();
            device.append(",rx_pcap=").append(capture);
        }

        final int queues = captures.size();
        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, device.toString(), queues, 8191);
            ExecutorService workers = Executors.newFixedThreadPool(queues))
        {
            assertEquals(queues, sources.workerCount());
            final List<DpdkSource> opened = new ArrayList<>();
            for (int queue = 0; queue < queues; queue++)
            {
                opened.add((DpdkSource)sources.open(queue));
            }
            final int freeBefore = sources.mempool().available();
            final List<Future<List<byte[]>>> received = new ArrayList<>();
            for (int queue = 0; queue < queues; queue++)
            {
                final DpdkSource source = opened.get(queue);
                final int expectedCount = expected.get(queue).size();
                received.add(workers.submit(() -> DpdkSourceTest.drain(source, expectedCount)));
            }
            int receivedTotal = 0;
            for (int queue = 0; queue < queues; queue++)
            {
                final List<byte[]> packets = received.get(queue).get();
                receivedTotal += packets.size();
                assertEquals(expected.get(queue).size(), packets.size(), "packets on queue " + queue);
                for (int i = 0; i < packets.size(); i++)
                {
                    assertArrayEquals(expected.get(queue).get(i), packets.get(i), "queue " + queue + " packet " + i);
                }
            }
            assertEquals(total, receivedTotal);
            assertEquals(freeBefore, sources.mempool().available(), "free mbufs after the run");
            System.out.println("multi-queue: " + queues + " queues, " + receivedTotal + " packets, each once; " +
                "rss=" + sources.port().rss() + "; " + sources.describe());
            for (final DpdkSource source : opened)
            {
                source.close();
            }
        }
    }

    @Test
    void aDeviceThatCanHashGetsRssAcrossItsQueues() throws Exception
    {
        DpdkTesting.eal();
        // net_null reports RSS capability (it hashes nothing, but every queue delivers packets).
        try (DpdkSources sources = new DpdkSources(DpdkTesting.EAL_ARGS, "net_null_rss,size=64", 2, 4095))
        {
            final DpdkSource first = (DpdkSource)sources.open(0);
            final DpdkSource second = (DpdkSource)sources.open(1);
            assertTrue(sources.port().rss(), sources.describe());
            assertEquals("dpdk:net_null_rss (2 queues, RSS)", sources.describe());
            final PacketBurst burst = new PacketBurst(32, 1);
            for (final DpdkSource source : List.of(first, second))
            {
                assertEquals(32, source.poll(burst));
                source.release(burst);
                source.close();
            }
        }
    }
}
