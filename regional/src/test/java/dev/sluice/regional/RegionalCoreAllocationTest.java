package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.regional.TestBatch.batch;
import static dev.sluice.regional.TestBatch.tcp4;
import static dev.sluice.regional.TestBatch.udp6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Receiving, checking and writing batches allocates nothing on the agent thread once warm. The
 * test thread is the agent thread here: it publishes over IPC and calls {@code doWork()}, so the
 * figure includes Aeron's poll and the file write system calls. The output files are links to
 * /dev/null and /dev/zero (one lock per file) so that the long warm-up does not fill the disk.
 */
@Timeout(300)
class RegionalCoreAllocationTest
{
    private static final int RECORDS_PER_BATCH = 100;
    private static final int FLOWS_PER_BATCH = 20;
    private static final int FRAMES_PER_BATCH = 10;
    private static final int EVENTS_PER_BATCH = 10;
    private static final int BATCHES_PER_WINDOW = 1_000;
    private static final int MIN_WARM_UP_WINDOWS = 20;
    private static final int QUIET_WINDOWS_REQUIRED = 5;
    private static final int MAX_WARM_UP_WINDOWS = 100;
    private static final int MEASURED_WINDOWS = 5;
    private static final int SEQUENCE_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + DataBatchDecoder.streamSequenceEncodingOffset();

    @TempDir
    Path outputDir;

    @Test
    void allocatesNothingPerRecordAfterWarmUp() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        Files.createSymbolicLink(outputDir.resolve("eu-west.ndjson"), Path.of("/dev/null"));
        Files.createSymbolicLink(outputDir.resolve("eu-west.pcapng"), Path.of("/dev/zero"));

        try (TestDriver driver = new TestDriver();
            Publication publication = driver.aeron.addPublication("aeron:ipc", RegionalCoreContext.STREAM_ID_DEFAULT))
        {
            final RegionalCore core = new RegionalCore(new RegionalCoreContext()
                .regionName("eu-west")
                .aeron(driver.aeron)
                .channel("aeron:ipc")
                .outputDir(outputDir)
                .flushIntervalNs(0)
                // The outputs are /dev/null and /dev/zero, which cannot be forced: durability (once per
                // interval, never per record) stays out of this measurement.
                .ackIntervalNs(TimeUnit.HOURS.toNanos(1)));
            try
            {
                TestDriver.until(publication::isConnected, core::doWork, "the publication to connect");
                final UnsafeBuffer frame = mixedBatch().encode();

                // While code warms up, class loading, JIT compilation and deoptimisation allocate a
                // few hundred bytes now and then (also with escape analysis off); that settles
                // after about a million records. Warm up until several windows in a row allocate
                // nothing, then measure a fresh window.
                final List<Long> warmUpWindows = new ArrayList<>();
                int quietWindows = 0;
                long sequence = 1;
                while (true)
                {
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    sequence = publish(publication, core, frame, sequence);
                    final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    warmUpWindows.add(allocated);
                    quietWindows = 0 == allocated ? quietWindows + 1 : 0;
                    if (warmUpWindows.size() >= MIN_WARM_UP_WINDOWS && quietWindows >= QUIET_WINDOWS_REQUIRED)
                    {
                        break;
                    }
                    if (warmUpWindows.size() >= MAX_WARM_UP_WINDOWS)
                    {
                        fail("still allocating after warm-up, bytes per window of " +
                            BATCHES_PER_WINDOW * RECORDS_PER_BATCH + " records: " + warmUpWindows);
                    }
                }

                // A per-record allocation shows in every window; a one-off (a late C2 deoptimization
                // on a busy machine) in one. Keep the fewest bytes of up to MEASURED_WINDOWS.
                final List<Long> measuredWindows = new ArrayList<>();
                long fewestBytes = Long.MAX_VALUE;
                long records = 0;
                while (fewestBytes != 0 && measuredWindows.size() < MEASURED_WINDOWS)
                {
                    final long recordsBefore = core.counters().get(RegionalCounter.RECORDS);
                    final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                    sequence = publish(publication, core, frame, sequence);
                    final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
                    records = core.counters().get(RegionalCounter.RECORDS) - recordsBefore;
                    measuredWindows.add(allocatedBytes);
                    fewestBytes = Math.min(fewestBytes, allocatedBytes);
                }

                System.out.printf("warm-up windows (bytes allocated each): %s%n", warmUpWindows);
                System.out.printf("measured windows of %d records (bytes allocated each): %s%n", records, measuredWindows);
                assertEquals((long)BATCHES_PER_WINDOW * RECORDS_PER_BATCH, records);
                assertEquals(core.counters().get(RegionalCounter.RECORDS),
                    core.counters().get(RegionalCounter.PACKET_RECORDS) + core.counters().get(RegionalCounter.FLOW_RECORDS) +
                    core.counters().get(RegionalCounter.FRAME_RECORDS) + core.counters().get(RegionalCounter.EVENT_RECORDS));
                assertEquals(core.counters().get(RegionalCounter.BATCHES) * FRAMES_PER_BATCH,
                    core.counters().get(RegionalCounter.FRAME_RECORDS));
                assertEquals(0, core.counters().get(RegionalCounter.GAPS));
                assertEquals(0, core.counters().get(RegionalCounter.REJECTED_FRAMES));
                assertEquals(0, fewestBytes, "fewest bytes allocated in a window of " + records + " records: " + measuredWindows);
            }
            finally
            {
                core.onClose();
                Files.delete(outputDir.resolve("eu-west.ndjson"));
                Files.delete(outputDir.resolve("eu-west.pcapng"));
            }
        }
    }

    /**
     * 60 packet summaries (IPv4, IPv6 with mapped addresses, anonymization and VLANs, non-IP,
     * GTP-U with an inner IPv6 packet, VXLAN), 20 flows, 10 frames on three link types (whole and
     * truncated) and 10 events, from a gateway id that needs JSON escaping.
     */
    private static TestBatch mixedBatch()
    {
        final TestBatch batch = batch("gw-\"quoted\"", "eu-west", 1);
        final int packets = RECORDS_PER_BATCH - FLOWS_PER_BATCH - FRAMES_PER_BATCH - EVENTS_PER_BATCH;
        for (int i = 0; i < packets; i++)
        {
            batch.packet(switch (i % 5)
            {
                case 0 -> tcp4("192.0.2." + i, "198.51.100.254", 40000 + i, 443);
                case 1 -> udp6("2001:db8::" + i, "::ffff:10.0.0." + i, i, true, 0 == i % 2);
                case 2 -> TestBatch.gtpu(i, "2001:db8::" + i, "2001:db8:1::" + i);
                case 3 -> TestBatch.vxlanArp(i);
                default -> TestBatch.arp();
            });
        }
        for (int i = 0; i < FLOWS_PER_BATCH; i++)
        {
            batch.flow(0 == i % 2 ? TestBatch.tcpFlow4("10.0.0." + i, "10.1.0." + i, 1000 + i, 443) : TestBatch.gtpuFlow6(i));
        }
        for (int i = 0; i < FRAMES_PER_BATCH; i++)
        {
            batch.frame(switch (i % 3)
            {
                case 0 -> TestBatch.frame(
                    TestBatch.LINKTYPE_ETHERNET, TestPackets.ethernetTcp4("192.0.2.1", "192.0.2.2", i, 80, 100 + i));
                case 1 -> TestBatch.frame(
                    TestBatch.LINKTYPE_LINUX_SLL, TestPackets.sllUdp4("192.0.2.1", "192.0.2.2", i, 53, 40 + i));
                default -> TestBatch.truncatedFrame(
                    TestBatch.LINKTYPE_RAW, 1500, 1460, TestPackets.ipv4Tcp("192.0.2.1", "192.0.2.2", i, 80, i));
            });
        }
        for (int i = 0; i < EVENTS_PER_BATCH; i++)
        {
            // Every body form: text with escapes, an embedded object, bytes that are not UTF-8, unknown kinds.
            final byte[] body = switch (i % 4)
            {
                case 0 -> ("<13>Oct 11 22:14:15 host su: \"root\" \\ \t \u00e9t\u00e9 " + i).getBytes(StandardCharsets.UTF_8);
                case 1 -> ("{ \"flow.src\": \"192.0.2." + i + "\", \"flow.bytes\": " + i + ", \"a\": [1, -2.5e3, true, null] }")
                    .getBytes(StandardCharsets.UTF_8);
                case 2 -> new byte[]{ (byte)0xFF, (byte)0xC0, (byte)i };
                default -> new byte[40 + i];
            };
            final int kind = switch (i % 4)
            {
                case 0 -> 8 == i ? 300 : 1;
                case 1 -> 5 == i ? 5 : 4;
                case 2 -> 6;
                default -> i;
            };
            batch.event(TestBatch.BASE_TS_NS + i, kind, body);
        }
        return batch;
    }

    /**
     * Publishes one window of the frame with consecutive sequences and drives the core until all
     * are written. No lambdas or boxing: the loop itself must not allocate.
     */
    private static long publish(
        final Publication publication, final RegionalCore core, final UnsafeBuffer frame, final long firstSequence)
    {
        final RegionalCounters counters = core.counters();
        final long expectedBatches = counters.get(RegionalCounter.BATCHES) + BATCHES_PER_WINDOW;
        long sequence = firstSequence;
        for (int i = 0; i < BATCHES_PER_WINDOW; i++)
        {
            frame.putLong(SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
            while (publication.offer(frame, 0, frame.capacity()) < 0)
            {
                core.doWork();
            }
            sequence++;
        }

        while (counters.get(RegionalCounter.BATCHES) < expectedBatches)
        {
            core.doWork();
        }
        core.doWork();

        return sequence;
    }
}
