package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.slice.PayloadSlicer;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestMediaDriver;
import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.PayloadAction;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames through egress and Aeron: the summaries' batch comes first, then a batch of frames whose
 * bytes are the sliced packets (with the destination's transformed addresses), with their lengths
 * before the cut, action and rewritten-address bits; a frame longer than a batch can carry is
 * counted and skipped, not lost silently; frames count apart from the summaries' records.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameSenderTest
{
    private static TestMediaDriver media;

    @TempDir
    Path directory;

    @BeforeAll
    static void launchDriver()
    {
        media = new TestMediaDriver();
    }

    @AfterAll
    static void closeDriver()
    {
        CloseHelper.close(media);
    }

    @Test
    void framesFollowTheirSummariesAndTooLargeOnesAreCounted() throws Exception
    {
        final int streamId = 7900;
        try (Subscription subscription = media.aeron.addSubscription("aeron:ipc", streamId);
            ExclusivePublication publication = media.aeron.addExclusivePublication("aeron:ipc", streamId);
            DestinationStream stream = new DestinationStream(0, "us-east", publication,
                StreamSequence.open(directory.resolve("us-east.seq"), 100), new DestinationCounters(media.aeron, "us-east")))
        {
            final BatchEgress egress = new BatchEgress(List.of(stream), "gw-1", "site-1", "eu-west", 1_000_000, () -> 1L);
            TestMediaDriver.until(() -> publication.isConnected() && publication.positionLimit() > 0, () -> {},
                "publication connected");

            final byte[] big = payload(publication.maxPayloadLength() + 100);
            final PacketBurst burst = Bursts.decoded(new PacketBurst(3, 1), List.of(
                Packets.ethernet(Packets.NO_VLAN, Packets.ETHERTYPE_IPV4,
                    Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.UDP, 64, Packets.udp(4000, 5000, payload(300)))),
                Packets.ethernet(Packets.NO_VLAN, Packets.ETHERTYPE_IPV4,
                    Packets.ipv4("10.0.0.3", "10.0.0.4", Packets.UDP, 64, Packets.udp(4000, 5000, big))),
                Packets.ipv4Tcp("10.0.0.5", "10.0.0.6", 1, 2, 0x010)));
            final PayloadSlicer slicer = new PayloadSlicer();
            for (int i = 0; i < 3; i++)
            {
                burst.verdict[i] = Verdict.PASS;
                burst.delivery[0][i] = Delivery.TRANSFORMED;
                burst.transformedFields[0][i] = AnonymizedFields.SRC_ADDRESS;
                burst.anonSrcAddressLow[i] = Packets.ipv4Low("192.0.2.99");
            }
            assertTrue(slicer.plan(burst, 0, 16, PayloadSlicer.ACTION_TRUNCATED));
            assertTrue(slicer.plan(burst, 1, big.length, PayloadSlicer.ACTION_TRUNCATED));

            egress.beginBurst();
            assertTrue(egress.send(burst, 5, 0));

            final List<DataBatchDecoder> batches = new ArrayList<>();
            final List<byte[]> frames = new ArrayList<>();
            final List<long[]> frameFields = new ArrayList<>();
            final int[] summaries = new int[1];
            final FragmentHandler handler = (buffer, offset, length, header) ->
            {
                final DataBatchDecoder batch = new DataBatchDecoder().wrapAndApplyHeader(buffer, offset, new MessageHeaderDecoder());
                batches.add(batch);
                // Groups are read in order, each wrapped once.
                final DataBatchDecoder.PacketsDecoder packets = batch.packets();
                summaries[0] += packets.count();
                packets.forEach(packet -> {});
                batch.flows().forEach(flow -> {});
                for (final DataBatchDecoder.FramesDecoder frame : batch.frames())
                {
                    frameFields.add(new long[]{frame.wireLength(), frame.capturedLength(), frame.linkType(),
                        frame.payloadAction() == PayloadAction.TRUNCATED ? 1 : 0, frame.originalPayloadLength(),
                        frame.anonymized().srcAddress() ? 1 : 0, frame.anonymized().dstAddress() ? 1 : 0});
                    final byte[] bytes = new byte[frame.bytesLength()];
                    frame.getBytes(bytes, 0, bytes.length);
                    frames.add(bytes);
                }
            };
            TestMediaDriver.until(() -> batches.size() >= 2, () -> subscription.poll(handler, 10), "two batches");

            assertEquals(3, summaries[0], "every item's summary is sent");
            assertEquals(1, frames.size(), "the frame too large for a batch is skipped");
            final byte[] frame = frames.get(0);
            assertEquals(14 + 20 + 8 + 16, frame.length);
            assertArrayEquals(Packets.address("192.0.2.99", 4), Arrays.copyOfRange(frame, 26, 30));
            assertArrayEquals(Packets.address("10.0.0.2", 4), Arrays.copyOfRange(frame, 30, 34));
            // wire and captured length before the cut, Ethernet, TRUNCATED, UDP payload before the cut, src rewritten only.
            assertArrayEquals(new long[]{burst.wireLength[0], burst.capturedLength[0], 1, 1, 300, 1, 0}, frameFields.get(0));

            final DestinationCounters.Snapshot counters = stream.counters().snapshot();
            assertEquals(3, counters.sentRecords(), "frames are not summary records");
            assertEquals(1, counters.sentFrames());
            assertEquals(1, counters.framesTooLarge());
            assertEquals(2, counters.sentBatches());
            assertEquals(burst.capturedLength[0] - frame.length, counters.frameBytesSaved());
            assertEquals(2, counters.lastSequence());
        }
    }

    private static byte[] payload(final int length)
    {
        final byte[] bytes = new byte[length];
        ByteBuffer.wrap(bytes).putInt(0x5EED_0001);
        return bytes;
    }
}
