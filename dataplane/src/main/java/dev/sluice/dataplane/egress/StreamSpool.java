package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.counters.DestinationCounters;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.StreamAckDecoder;
import dev.sluice.spool.Spool;
import dev.sluice.spool.SpoolCursor;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The durable side of one destination stream: every encoded {@code DataBatch} is appended to a
 * {@link Spool} (its sequence is the spool's), and a sender offers the spooled batches to the
 * Aeron publication in order from a cursor, never past what the spool's fsync policy counts as
 * durable ({@link Spool#durableSequence()}), so a power loss cannot take back a sequence the core
 * has seen. The regional core's {@code StreamAck}s trim the spool.
 * <p>
 * Replay: when the publication (re)connects, and when batches were offered but no
 * acknowledgement moved for {@code replayTimeoutNs} (the core restarted behind a still-connected
 * image, or dropped an image that timed out), the cursor goes back to the batch after the last
 * acknowledged one. The core drops what it already recorded as duplicates, by sequence. At gateway
 * start the spool's recovery keeps its valid prefix and sending starts after the acknowledged
 * sequence. Batches never leave the spool for want of a subscriber: they wait.
 * <p>
 * Threading: owned by the worker that owns the stream. The worker polls this stream's own ack
 * subscription in its duty cycle ({@link #doWork}); each worker has one per destination, and
 * keeps the acks addressed to its (gateway, destination, worker) stream. No state crosses threads.
 */
public final class StreamSpool implements AutoCloseable
{
    /** Batches offered to the publication per duty cycle at most: replay never starves intake. */
    static final int SEND_LIMIT = 64;
    private static final int ACK_FRAGMENT_LIMIT = 16;

    private final Spool spool;
    private final SpoolCursor cursor;
    private final Subscription acks;
    private final UnsafeBuffer scratch;
    private final long replayTimeoutNs;
    private final byte[] gatewayId;
    private final byte[] region;
    private final int workerIndex;
    private final MessageHeaderDecoder ackHeader = new MessageHeaderDecoder();
    private final StreamAckDecoder ackDecoder = new StreamAckDecoder();
    private final FragmentHandler ackHandler = this::onAckFragment;
    private final dev.sluice.spool.RecordHandler sender = new Sender();

    private ExclusivePublication publication;
    private DestinationCounters counters;
    private long ackedSequence;
    private long waitingSinceNs;
    private boolean waiting;
    private boolean wasConnected;
    private boolean offerRefused;
    private long refusedSequence;
    private long replays;

    /**
     * @param spool           the stream's spool, open; this takes ownership
     * @param acks            subscription to the destination's acknowledgements, or null (tests call {@link #onAck})
     * @param gatewayId       this gateway's id
     * @param region          the destination region
     * @param workerIndex     the worker owning the stream
     * @param maxBatchLength  longest batch encoded into {@link #scratch()}
     * @param replayTimeoutNs time without acknowledgement progress, while batches are outstanding, before they are sent again
     */
    public StreamSpool(
        final Spool spool,
        final Subscription acks,
        final String gatewayId,
        final String region,
        final int workerIndex,
        final int maxBatchLength,
        final long replayTimeoutNs)
    {
        this.spool = spool;
        this.acks = acks;
        this.gatewayId = BatchWriter.ascii(gatewayId, DataBatchEncoder.gatewayIdLength(), "gateway id");
        this.region = BatchWriter.ascii(region, DataBatchEncoder.destinationRegionLength(), "destination region");
        this.workerIndex = workerIndex;
        this.replayTimeoutNs = replayTimeoutNs;
        this.scratch = new UnsafeBuffer(new byte[maxBatchLength]);
        this.ackedSequence = spool.acknowledgedSequence();
        this.cursor = spool.newCursor(ackedSequence + 1);
    }

    /** Called once by the stream that owns this spool. */
    void attach(final ExclusivePublication publication, final DestinationCounters counters)
    {
        this.publication = publication;
        this.counters = counters;
        counters.spooledBatches(spool.pendingRecords());
        counters.resume(Math.max(spool.lastSequence(), ackedSequence), ackedSequence);
    }

    /**
     * Makes the spool's next sequence follow a stream that numbered its batches before it had a
     * spool: the spool's sequences continue after {@code lastUsed}, so the core does not drop new
     * batches as duplicates of old ones.
     */
    public void continueAfter(final long lastUsed)
    {
        if (spool.lastSequence() < lastUsed)
        {
            spool.acknowledge(lastUsed);
            ackedSequence = spool.acknowledgedSequence();
            cursor.seek(ackedSequence + 1);
        }
    }

    /** Where batches are encoded before they are appended: one copy into the spool, no other. */
    UnsafeBuffer scratch()
    {
        return scratch;
    }

    /** The sequence the next appended batch gets. */
    long nextSequence()
    {
        return spool.lastSequence() + 1;
    }

    /**
     * Appends an encoded batch.
     *
     * @return its sequence, or one of the spool's negative outcomes ({@link Spool#BACK_PRESSURED}...)
     */
    long append(final DirectBuffer buffer, final int length)
    {
        return spool.append(buffer, 0, length);
    }

    /**
     * Duty-cycle work: takes acknowledgements, forces the spool when its policy says, rewinds for a
     * replay when due, and offers spooled batches to the publication.
     *
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        int work = 0;
        if (null != acks)
        {
            work += acks.poll(ackHandler, ACK_FRAGMENT_LIMIT);
        }
        work += spool.doWork();

        final boolean connected = publication.isConnected();
        if (connected && !wasConnected)
        {
            // A new image at the core (first start, reconnect, restart): send everything unacknowledged.
            rewind();
        }
        wasConnected = connected;

        if (cursor.position() <= ackedSequence + 1)
        {
            waiting = false;
        }
        else if (!waiting)
        {
            waiting = true;
            waitingSinceNs = nowNs;
        }
        else if (nowNs - waitingSinceNs >= replayTimeoutNs)
        {
            rewind();
            waitingSinceNs = nowNs;
        }

        if (connected)
        {
            work += send();
        }
        counters.spooledBatches(spool.pendingRecords());
        return work;
    }

    private void rewind()
    {
        if (cursor.position() > ackedSequence + 1)
        {
            replays++;
        }
        cursor.seek(ackedSequence + 1);
    }

    private int send()
    {
        final long durable = spool.durableSequence();
        int sent = 0;
        offerRefused = false;
        while (sent < SEND_LIMIT && cursor.position() <= durable)
        {
            if (cursor.poll(sender, 1) == 0)
            {
                break;
            }
            if (offerRefused)
            {
                // The cursor moved past the refused batch: put it back so the next cycle offers it again.
                cursor.seek(refusedSequence);
                counters.onBackPressure();
                break;
            }
            sent++;
        }
        return sent;
    }

    /**
     * The regional core made every batch up to {@code durableSequence} durable: trim the spool.
     * Sequences at or below the current acknowledgement change nothing.
     */
    public void onAck(final long durableSequence)
    {
        if (durableSequence > ackedSequence)
        {
            spool.acknowledge(durableSequence);
            ackedSequence = durableSequence;
            if (counters != null)
            {
                counters.ackedSequence(durableSequence);
            }
            waiting = false;
            if (cursor.position() <= ackedSequence)
            {
                cursor.seek(ackedSequence + 1);
            }
        }
    }

    private void onAckFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + StreamAckDecoder.BLOCK_LENGTH)
        {
            return;
        }
        ackHeader.wrap(buffer, offset);
        if (ackHeader.schemaId() != StreamAckDecoder.SCHEMA_ID || ackHeader.templateId() != StreamAckDecoder.TEMPLATE_ID)
        {
            return;
        }
        ackDecoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, ackHeader.blockLength(), ackHeader.version());
        if (ackDecoder.workerIndex() != workerIndex ||
            !matches(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH + StreamAckDecoder.gatewayIdEncodingOffset(), gatewayId) ||
            !matches(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH + StreamAckDecoder.destinationRegionEncodingOffset(), region))
        {
            return;
        }
        onAck(ackDecoder.durableSequence());
    }

    private static boolean matches(final DirectBuffer buffer, final int offset, final byte[] padded)
    {
        for (int i = 0; i < padded.length; i++)
        {
            if (buffer.getByte(offset + i) != padded[i])
            {
                return false;
            }
        }
        return true;
    }

    /** The spool, for its counters and state; the owning worker's thread only. */
    public Spool spool()
    {
        return spool;
    }

    /** The last sequence offered to the publication (and taken by it). */
    public long sentSequence()
    {
        return cursor.position() - 1;
    }

    /** True when every batch appended has been offered to the publication at least once. */
    public boolean hasSentAll()
    {
        return cursor.position() > spool.lastSequence();
    }

    /** Highest sequence the regional core acknowledged. */
    public long ackedSequence()
    {
        return ackedSequence;
    }

    /** Times unacknowledged batches were sent again (reconnects and ack timeouts with batches outstanding). */
    public long replays()
    {
        return replays;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(acks, spool);
    }

    private final class Sender implements dev.sluice.spool.RecordHandler
    {
        @Override
        public void onRecord(final long sequence, final DirectBuffer buffer, final int offset, final int length)
        {
            if (!offerRefused && publication.offer(buffer, offset, length) < 0)
            {
                offerRefused = true;
                refusedSequence = sequence;
            }
        }

        @Override
        public void onGap(final long fromSequence, final long toSequence)
        {
            // Counted by the spool (replay_gap): dropped by DROP_OLDEST or lost to damage, never sent.
        }
    }
}
