package dev.sluice.dataplane.source.event;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.EpochNanoClock;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Copies one message from a Netty buffer into an ingest ring record, header first: the one copy a
 * message's bytes make on their way in. One per channel (it keeps a view of the ring with its own
 * position); the channel's event loop only.
 */
final class RingPublisher
{
    private final EventRing ring;
    private final MemorySegment ringSegment;
    private final ByteBuffer ringView;
    private final IngestRecord header = new IngestRecord();
    private final EpochNanoClock clock;
    private final int listenerIndex;

    RingPublisher(final EventRing ring, final EpochNanoClock clock, final int listenerIndex)
    {
        this.ring = ring;
        this.ringSegment = ring.segment();
        this.ringView = ringSegment.asByteBuffer();
        this.clock = clock;
        this.listenerIndex = listenerIndex;
    }

    /**
     * @param typeId      the record's type id.
     * @param source      the buffer holding the message; not released here.
     * @param sourceIndex where the message starts in {@code source}.
     * @param length      the message's length.
     * @param peerAddress 4 or 16 bytes in network order.
     * @param peerPort    the peer's port.
     * @param flags       {@link IngestRecord} flags.
     * @return true when committed to the ring, false when the ring had no room.
     */
    boolean publish(
        final int typeId,
        final ByteBuf source,
        final int sourceIndex,
        final int length,
        final byte[] peerAddress,
        final int peerPort,
        final int flags)
    {
        final int recordOffset = ring.claim(typeId, length);
        if (recordOffset < 0)
        {
            return false;
        }
        try
        {
            header.wrap(ringSegment, recordOffset)
                .receiveTimeNs(clock.nanoTime())
                .peer(peerAddress, peerPort, listenerIndex, flags);
            final int messageOffset = recordOffset + IngestRecord.HEADER_LENGTH;
            ringView.clear();
            ringView.position(messageOffset).limit(messageOffset + length);
            source.getBytes(sourceIndex, ringView);
        }
        catch (final RuntimeException ex)
        {
            ring.abort(recordOffset);
            throw ex;
        }
        ring.commit(recordOffset);
        return true;
    }
}
