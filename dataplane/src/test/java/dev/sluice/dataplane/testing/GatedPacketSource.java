package dev.sluice.dataplane.testing;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;
import dev.sluice.dataplane.source.PacketSource;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A capture file handed out only as fast as a test allows: another thread {@link #grant grants}
 * packets, the worker's polls take at most what was granted, and always whole groups of
 * {@code groupLength} packets, so a group never straddles two bursts (and so never two policy
 * versions). Lets a test spread a finite capture over a run of other events, such as policy
 * pushes, with the worker still polling on its own thread.
 * <p>
 * {@link #poll}, {@link #release}, {@link #isExhausted()}: the worker thread; {@link #grant},
 * {@link #finish()}, {@link #packetsTaken()}: any thread.
 */
public final class GatedPacketSource implements PacketSource
{
    private final CaptureFileSource capture;
    private final int groupLength;
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();
    private volatile boolean finished;

    /**
     * @param capture     the packets, in the order they are handed out.
     * @param groupLength packets that always leave in the same burst; the burst capacity must be a multiple.
     */
    public GatedPacketSource(final CaptureFileSource capture, final int groupLength)
    {
        this.capture = capture;
        this.groupLength = groupLength;
    }

    /** Lets the worker take {@code packets} more (a multiple of the group length). */
    public void grant(final long packets)
    {
        if (packets % groupLength != 0)
        {
            throw new IllegalArgumentException(packets + " is not a whole number of groups of " + groupLength);
        }
        granted.addAndGet(packets);
    }

    /** No more grants: once the worker has taken what was granted, the source is exhausted. */
    public void finish()
    {
        finished = true;
    }

    /** Packets the worker has taken so far. */
    public long packetsTaken()
    {
        return taken.get();
    }

    /** Packets granted so far. */
    public long packetsGranted()
    {
        return granted.get();
    }

    @Override
    public String name()
    {
        return capture.name();
    }

    @Override
    public int poll(final PacketBurst burst)
    {
        final long available = granted.get() - taken.get();
        final int limit = (int)Math.min(available, burst.capacity()) / groupLength * groupLength;
        if (limit == 0)
        {
            burst.count(0);
            return 0;
        }
        final int count = capture.poll(burst, limit);
        taken.addAndGet(count);
        return count;
    }

    @Override
    public void release(final PacketBurst burst)
    {
        capture.release(burst);
    }

    @Override
    public boolean isExhausted()
    {
        return capture.isExhausted() || (finished && taken.get() == granted.get());
    }

    @Override
    public void close()
    {
        capture.close();
    }
}
