package dev.sluice.regional.sink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one sink has delivered one stream.
 * <p>
 * The sink's thread advances {@link #delivered(long)}; any thread reads {@link #delivered()};
 * {@link #reported} belongs to the caller's thread, which polls for progress.
 */
final class StreamProgress
{
    private final SinkStream stream;
    private final AtomicLong deliveredSequence = new AtomicLong();
    long reported;

    StreamProgress(final SinkStream stream)
    {
        this.stream = stream;
    }

    SinkStream stream()
    {
        return stream;
    }

    long delivered()
    {
        return deliveredSequence.getAcquire();
    }

    void delivered(final long sequence)
    {
        deliveredSequence.setRelease(sequence);
    }
}
