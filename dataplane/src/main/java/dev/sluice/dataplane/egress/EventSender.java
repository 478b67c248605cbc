package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.counters.EventDestinationCounters;
import dev.sluice.dataplane.pipeline.EventBatch;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.protocol.codec.DataBatchEncoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Egress of an event worker: sends each destination the events of an {@link EventBatch} it may
 * receive, raw or with their addresses rewritten as residency decided, as {@code DataBatch}
 * messages of the {@code events} group, one stream per destination. Events go as many per
 * batch as fit one Aeron frame, straight into a {@code tryClaim} buffer; an event longer than a
 * frame goes alone, offered from a scratch buffer so Aeron fragments it (the regional core
 * reassembles). An event longer than the publication's largest message is counted
 * ({@code events_dropped{too_large}}) and skipped.
 * <p>
 * Back pressure holds the batch: {@link #send} resumes each destination where it stopped, so
 * nothing is lost and no sequence is skipped. A destination with a spool takes every batch into
 * it (sent from there by {@link #doWork}, replayed until acknowledged); a full spool holds the
 * batch under {@code pause}, which stops the worker reading its ring (the listeners then push back
 * on their clients), or drops it, counted {@code events_dropped{spool_full}}. A destination without
 * a spool and without a subscriber for longer than the timeout drops (and counts) what it is
 * offered until it reconnects. No destination stalls the others. Worker thread only.
 */
public final class EventSender
{
    private static final int RECORD_FIXED_LENGTH =
        DataBatchEncoder.EventsEncoder.sbeBlockLength() + DataBatchEncoder.EventsEncoder.bodyHeaderLength();

    private final DestinationStream[] streams;
    private final EventDestinationCounters[] counters;
    private final BatchWriter writer;
    private final int[] resumeIndex;
    private final UnsafeBuffer scratch;

    /**
     * @param streams       one per destination, in destination index order.
     * @param counters      the event counters of each destination, same order.
     * @param workerIndex   the stream's worker index in every batch (the regional core keys streams by it).
     * @param maxEventBytes the longest body an event can have; sizes the scratch buffer.
     */
    public EventSender(
        final List<DestinationStream> streams,
        final List<EventDestinationCounters> counters,
        final String gatewayId,
        final String site,
        final String originRegion,
        final int workerIndex,
        final long notConnectedTimeoutNs,
        final EpochNanoClock clock,
        final int maxEventBytes)
    {
        this.streams = DestinationStreams.inDestinationOrder(streams);
        this.counters = counters.toArray(new EventDestinationCounters[0]);
        writer = new BatchWriter(gatewayId, site, originRegion, workerIndex, notConnectedTimeoutNs, clock);
        resumeIndex = new int[this.streams.length];
        final int scratchLength = BitUtil.findNextPositivePowerOfTwo(BatchWriter.EMPTY_BATCH_LENGTH + RECORD_FIXED_LENGTH + maxEventBytes);
        scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(scratchLength, 64));
    }

    public int destinationCount()
    {
        return streams.length;
    }

    /**
     * Duty-cycle work of the spooled destinations: acknowledgements, fsync policy, replay and
     * sending; done whether or not a batch is held, so a full spool drains.
     *
     * @return work done.
     */
    public int doWork(final long nowNs)
    {
        return DestinationStreams.doSpoolWork(streams, nowNs);
    }

    /** True when no spooled destination holds a batch it has not offered to its publication yet. */
    public boolean hasSentAll()
    {
        return DestinationStreams.haveSentAll(streams);
    }

    /** Starts sending a newly staged batch: counts its residency decisions, every destination from its first event. */
    public void begin(final EventBatch batch)
    {
        final int count = batch.count();
        for (int d = 0; d < streams.length; d++)
        {
            resumeIndex[d] = 0;
            final byte[] delivery = batch.delivery[d];
            long raw = 0;
            long transformed = 0;
            long blocked = 0;
            long notRouted = 0;
            for (int i = 0; i < count; i++)
            {
                switch (delivery[i])
                {
                    case EventResidencyPlan.RAW -> raw++;
                    case EventResidencyPlan.TRANSFORM -> transformed++;
                    case EventResidencyPlan.NOT_ROUTED -> notRouted++;
                    default -> blocked++;
                }
            }
            counters[d].addDecisions(raw, transformed, blocked, notRouted);
        }
    }

    /**
     * Sends what remains of the batch to every destination.
     *
     * @return true when every destination has taken (or definitively dropped) its events; false when
     * some publication pushed back and the batch must be offered again.
     */
    public boolean send(final EventBatch batch, final long policyVersion, final long nowNs)
    {
        boolean complete = true;
        for (final DestinationStream stream : streams)
        {
            if (!send(stream, batch, policyVersion, nowNs))
            {
                complete = false;
            }
        }
        return complete;
    }

    private boolean send(final DestinationStream stream, final EventBatch batch, final long policyVersion, final long nowNs)
    {
        final int d = stream.index();
        final byte[] delivery = batch.delivery[d];
        final int count = batch.count();
        final int maxClaimLength = stream.publication().maxPayloadLength();
        final int maxOfferLength = Math.min(stream.publication().maxMessageLength(), scratch.capacity());
        final int maxRecords = DataBatchEncoder.EventsEncoder.countMaxValue();

        int from = resumeIndex[d];
        while (true)
        {
            from = next(delivery, from, count);
            if (from == count)
            {
                resumeIndex[d] = count;
                return true;
            }
            final int firstLength = BatchWriter.EMPTY_BATCH_LENGTH + RECORD_FIXED_LENGTH + batch.bodyLength(from, delivery[from]);
            if (firstLength > maxOfferLength)
            {
                counters[d].onTooLarge();
                from++;
                continue;
            }

            int outcome;
            int end;
            int records = 1;
            if (firstLength > maxClaimLength)
            {
                end = from + 1;
                encode(writer.beginIn(scratch, stream, policyVersion, 1), batch, delivery, from, end, 1);
                outcome = writer.offer(stream, scratch, firstLength, nowNs);
                if (outcome == BatchWriter.CLAIMED)
                {
                    writer.committedOffer(stream);
                }
            }
            else
            {
                int length = firstLength;
                end = from + 1;
                while (end < count && records < maxRecords)
                {
                    if (EventResidencyPlan.sends(delivery[end]))
                    {
                        final int recordLength = RECORD_FIXED_LENGTH + batch.bodyLength(end, delivery[end]);
                        if (length + recordLength > maxClaimLength)
                        {
                            break;
                        }
                        length += recordLength;
                        records++;
                    }
                    end++;
                }
                outcome = writer.claim(stream, length, nowNs);
                if (outcome == BatchWriter.CLAIMED)
                {
                    encode(writer.begin(stream, policyVersion, records), batch, delivery, from, end, records);
                    outcome = writer.commitEvents(stream);
                }
            }

            if (outcome == BatchWriter.CLAIMED)
            {
                counters[d].onSent(records);
            }
            else if (outcome == BatchWriter.DROPPED)
            {
                counters[d].onDroppedSpoolFull(records);
            }

            if (outcome == BatchWriter.HOLD)
            {
                resumeIndex[d] = from;
                return false;
            }
            if (outcome == BatchWriter.UNAVAILABLE)
            {
                counters[d].onDroppedUnavailable(countAllowed(delivery, from, count));
                resumeIndex[d] = count;
                return true;
            }
            from = end;
        }
    }

    private static void encode(
        final DataBatchEncoder encoder,
        final EventBatch batch,
        final byte[] delivery,
        final int from,
        final int end,
        final int records)
    {
        encoder.packetsCount(0);
        encoder.flowsCount(0);
        encoder.framesCount(0);
        final DataBatchEncoder.EventsEncoder events = encoder.eventsCount(records);
        final UnsafeBuffer bytes = batch.bytes();
        for (int i = from; i < end; i++)
        {
            final byte decision = delivery[i];
            if (EventResidencyPlan.sends(decision))
            {
                events.next()
                    .timestampNs(batch.timestampNs[i])
                    .eventKind(batch.kind[i])
                    .putBody(bytes, batch.bodyOffset(i, decision), batch.bodyLength(i, decision));
            }
        }
    }

    private static int next(final byte[] delivery, final int from, final int count)
    {
        int i = from;
        while (i < count && !EventResidencyPlan.sends(delivery[i]))
        {
            i++;
        }
        return i;
    }

    private static long countAllowed(final byte[] delivery, final int from, final int count)
    {
        long allowed = 0;
        for (int i = from; i < count; i++)
        {
            if (EventResidencyPlan.sends(delivery[i]))
            {
                allowed++;
            }
        }
        return allowed;
    }
}
