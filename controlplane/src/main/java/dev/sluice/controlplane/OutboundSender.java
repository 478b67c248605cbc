package dev.sluice.controlplane;

import java.util.ArrayDeque;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Offers control messages to one publication without ever blocking the agent: a back-pressured message is
 * copied to a bounded queue and retried in later duty cycles, in order. A message nobody can receive (no
 * subscriber connected, publication closed) is dropped and counted: gateways that missed a push say hello
 * with their old version and get a targeted push. Called only on the control plane's agent thread.
 */
final class OutboundSender
{
    static final int MAX_QUEUED_MESSAGES = 1024;

    private final String name;
    private final Publication publication;
    private final ControlPlaneCounters counters;
    private final RateLimitedLog warnings;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final UnsafeBuffer queuedBuffer = new UnsafeBuffer(0, 0);

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
     * Send now, or queue for retry when back-pressured.
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
        queue.addLast(copy);
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
        byte[] message;
        while (null != (message = queue.peekFirst()))
        {
            queuedBuffer.wrap(message);
            final long result = publication.offer(queuedBuffer, 0, message.length);
            if (result < 0 && isRetryable(result))
            {
                break;
            }
            queue.pollFirst();
            work++;
            if (result < 0)
            {
                drop(nowMs, "queued offer failed: ", Publication.errorString(result));
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
}
