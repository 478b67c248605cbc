package dev.sluice.dataplane.source;

import dev.sluice.dataplane.pipeline.PacketBurst;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A capture replayed at a set rate instead of as fast as the worker goes, so a replay behaves like
 * a live link for demos and for fault tests (a kill or a partition lands mid-stream). Credit
 * accrues at the rate and is capped at one burst, so a stalled worker (paused by a full spool, say)
 * does not release a flood when it resumes. Called only by the worker thread.
 */
public final class PacedCaptureFileSource implements PacketSource
{
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final CaptureFileSource capture;
    private final long packetsPerSecond;
    private final LongSupplier nanoClock;
    private long creditedUpToNs;
    private long creditRemainderNs;
    private long credit;

    /**
     * @param capture          the capture to replay.
     * @param packetsPerSecond the rate, at least 1.
     * @param nanoClock        a monotonic clock in nanoseconds ({@code System::nanoTime}).
     */
    public PacedCaptureFileSource(final CaptureFileSource capture, final long packetsPerSecond, final LongSupplier nanoClock)
    {
        if (packetsPerSecond < 1)
        {
            throw new IllegalArgumentException("replay rate must be at least 1 packet/s: " + packetsPerSecond);
        }
        this.capture = capture;
        this.packetsPerSecond = packetsPerSecond;
        this.nanoClock = nanoClock;
        this.creditedUpToNs = nanoClock.getAsLong();
    }

    @Override
    public String name()
    {
        return capture.name();
    }

    @Override
    public int poll(final PacketBurst burst)
    {
        accrue(burst.capacity());
        if (credit == 0)
        {
            burst.count(0);
            return 0;
        }
        final int polled = capture.poll(burst, (int)credit);
        credit -= polled;
        return polled;
    }

    private void accrue(final int maxCredit)
    {
        final long now = nanoClock.getAsLong();
        // Whole packets earned since the last accrual; the time towards the next one carries over.
        final long elapsedNs = now - creditedUpToNs + creditRemainderNs;
        creditedUpToNs = now;
        final long product = elapsedNs * packetsPerSecond;
        if (Math.multiplyHigh(elapsedNs, packetsPerSecond) != 0 || product < 0 ||
            credit + product / NANOS_PER_SECOND >= maxCredit)
        {
            credit = maxCredit;
            creditRemainderNs = 0;
        }
        else
        {
            credit += product / NANOS_PER_SECOND;
            creditRemainderNs = (product % NANOS_PER_SECOND) / packetsPerSecond;
        }
    }

    @Override
    public void release(final PacketBurst burst)
    {
        capture.release(burst);
    }

    @Override
    public boolean isExhausted()
    {
        return capture.isExhausted();
    }

    @Override
    public void close()
    {
        capture.close();
    }
}
