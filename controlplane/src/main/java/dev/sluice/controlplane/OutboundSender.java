package dev.sluice.controlplane;

import java.util.ArrayDeque;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Offers control messages to one publication without ever blocking the agent: a back-pressured message is
 * queued and retried in later duty cycles, in order. A message nobody can receive (no subscriber connected,
 * publication closed) is dropped and counted: gateways that missed a push say hello with their old version
 * and get a targeted push. A message of several chunks ({@link Message}) is one queue entry, so its chunks
 * leave back to back and never interleave with another message's on this publication. Called only on the
 * control plane's agent thread.
 */
final class OutboundSender
{
    static final int MAX_QUEUED_MESSAGES = 1024;

    /**
     * A message sent as one or more offers, resumed where back pressure stopped it. Agent thread only.
     */
    interface Message
    {
        /**
         * Offer what is left, in order, until all of it is sent or an offer fails.
         *
         * @param publication to offer to.
         * @param scratch     to encode into; grows as needed, shared by every message of the sender.
         * @return a positive position when all of it has been sent, else the failed offer's result.
         */
        long offerRemaining(Publication publication, ExpandableDirectByteBuffer scratch);

        /**
         * @return what it is, for the warning when it is dropped.
         */
        String describe();
    }

    private final String name;
    private final Publication publication;
    private final ControlPlaneCounters counters;
    private final RateLimitedLog warnings;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);

    OutboundSender(
        final String name,
        final Publication publication,
        final ControlPlaneCounters counters,
        final RateLimitedLog warnings)
    {
        this.name = name;
        this.publication = publication;
        this.counters = counters;
        this.warnings = warnings;
    }

    /**
     * @return the largest message the publication accepts.
     */
    int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    /**
     * @return true when at least one subscriber is connected.
     */
    boolean isConnected()
    {
        return publication.isConnected();
    }

    int queuedCount()
    {
        return queue.size();
    }

    /**
     * Send now, or queue a copy for retry when back-pressured.
     *
     * @return true when sent or queued, false when dropped.
     */
    boolean send(final DirectBuffer buffer, final int offset, final int length, final long nowMs)
    {
        if (length > publication.maxMessageLength())
        {
            return drop(nowMs, "message longer than the publication's maximum, bytes=", length);
        }

        if (queue.isEmpty())
        {
            final long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                return true;
            }
            if (!isRetryable(result))
            {
                return drop(nowMs, "offer failed: ", Publication.errorString(result));
            }
        }

        if (queue.size() >= MAX_QUEUED_MESSAGES)
        {
            return drop(nowMs, "retry queue full, messages=", queue.size());
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        queue.addLast(new CopiedMessage(copy));
        return true;
    }

    /**
     * Send as much of a message as the publication takes now and queue the rest, behind anything queued.
     *
     * @return true when sent or queued, false when dropped.
     */
    boolean send(final Message message, final long nowMs)
    {
        if (queue.isEmpty())
        {
            final long result = message.offerRemaining(publication, scratch);
            if (result > 0)
            {
                return true;
            }
            if (!isRetryable(result))
            {
                return drop(nowMs, message.describe() + ": offer failed: ", Publication.errorString(result));
            }
        }

        if (queue.size() >= MAX_QUEUED_MESSAGES)
        {
            return drop(nowMs, message.describe() + ": retry queue full, messages=", queue.size());
        }
        queue.addLast(message);
        return true;
    }

    /**
     * Retry queued messages in order until one is back-pressured again.
     *
     * @return how many were sent or dropped.
     */
    int drain(final long nowMs)
    {
        int work = 0;
        Message message;
        while (null != (message = queue.peekFirst()))
        {
            final long result = message.offerRemaining(publication, scratch);
            if (result < 0 && isRetryable(result))
            {
                break;
            }
            queue.pollFirst();
            work++;
            if (result < 0)
            {
                drop(nowMs, message.describe() + ": queued offer failed: ", Publication.errorString(result));
            }
        }
        return work;
    }

    private static boolean isRetryable(final long result)
    {
        return Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result;
    }

    private boolean drop(final long nowMs, final String reason, final Object value)
    {
        counters.increment(ControlPlaneCounter.OUTBOUND_DROPPED);
        warnings.warn(ControlPlaneCounter.OUTBOUND_DROPPED, nowMs, name + " message dropped: " + reason, value);
        return false;
    }

    /**
     * A whole message copied when it was back-pressured.
     */
    private static final class CopiedMessage implements Message
    {
        private final byte[] bytes;
        private final UnsafeBuffer buffer;

        CopiedMessage(final byte[] bytes)
        {
            this.bytes = bytes;
            this.buffer = new UnsafeBuffer(bytes);
        }

        public long offerRemaining(final Publication publication, final ExpandableDirectByteBuffer scratch)
        {
            return publication.offer(buffer, 0, bytes.length);
        }

        public String describe()
        {
            return "message of " + bytes.length + " bytes";
        }
    }
}
