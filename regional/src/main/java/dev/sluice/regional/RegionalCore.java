package dev.sluice.regional;

import dev.sluice.regional.sink.KafkaSink;
import dev.sluice.regional.sink.Sink;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The regional core of one region: subscribes to the gateways' {@code DataBatch} stream, checks
 * each stream's sequence continuity, drops duplicates and misrouted batches, and appends every
 * record of the accepted batches as one JSON object per line to {@code <outputDir>/<region>.ndjson}
 * (field names in {@link NdjsonFields}), and every forwarded packet (frame record) also to
 * {@code <outputDir>/<region>.pcapng} (see {@link PcapngFrameWriter}). With
 * {@link RegionalCoreContext#kafkaSink} set, the same lines also go to Kafka ({@link KafkaSink}, on
 * its own thread; a slow or absent Kafka never holds the files back). Every frame is counted in
 * {@link #counters()}; malformed frames are rejected by reason and never raise an exception.
 * <p>
 * Messages larger than one Aeron frame are reassembled before they are handled. Buffered output is
 * flushed to both files once it has waited {@link RegionalCoreContext#flushIntervalNs()}, or at the
 * end of every duty cycle that wrote when that is 0, and on close. If a file cannot be written,
 * records stay buffered and intake stops once the buffer is full: frames are left in the
 * subscription for the next attempt, so nothing accepted is dropped.
 * <p>
 * Runs on an {@link org.agrona.concurrent.AgentRunner} ({@link RegionalCoreMain#launch}) or is
 * driven by calling {@link #doWork()} directly. {@link #doWork()}, {@link #onStart()} and
 * {@link #onClose()} must be called by one thread at a time (the agent thread);
 * {@link #counters()}, {@link #roleName()}, {@link #outputFile()} and {@link #pcapngFile()} may be
 * called from any thread.
 */
public final class RegionalCore implements Agent
{
    private final RegionalCoreContext ctx;
    private final String roleName;
    private final RegionalCounters counters;
    private final NdjsonBatchWriter writer;
    private final PcapngFrameWriter frameWriter;
    private final Sink[] sinks;
    private final ControlledFragmentAssembler assembler;
    private final Subscription subscription;
    private final NanoClock nanoClock;
    private final long flushIntervalNs;
    private final int fragmentLimit;
    private long pendingSinceNs;
    private boolean isClosed;

    /**
     * Creates the core, concluding the context first if needed: opens the output files and adds the
     * subscription. The core owns the context from here on and closes it in {@link #onClose()}.
     *
     * @param ctx settings.
     * @throws UncheckedIOException if an output file cannot be opened or is held by another core.
     */
    public RegionalCore(final RegionalCoreContext ctx)
    {
        if (!ctx.isConcluded())
        {
            ctx.conclude();
        }

        this.ctx = ctx;
        roleName = "regional-" + ctx.regionName();
        nanoClock = ctx.nanoClock();
        flushIntervalNs = ctx.flushIntervalNs();
        fragmentLimit = ctx.fragmentLimit();
        counters = new RegionalCounters(ctx.regionName());

        NdjsonBatchWriter writer = null;
        PcapngFrameWriter frameWriter = null;
        final Sink[] sinks = new Sink[null == ctx.kafkaSink() ? 0 : 1];
        try
        {
            writer = NdjsonBatchWriter.open(ctx.outputFile(), ctx.outputBufferLength(), counters, ctx.errorHandler());
            frameWriter = PcapngFrameWriter.open(
                ctx.pcapngFile(), ctx.outputBufferLength(), ctx.regionName(), counters, ctx.errorHandler());
            if (null != ctx.kafkaSink())
            {
                sinks[0] = new KafkaSink(ctx.kafkaSink(), ctx.errorHandler());
            }
            assembler = new ControlledFragmentAssembler(
                new DataBatchHandler(ctx.regionName(), counters, writer, frameWriter, ctx.errorHandler(), sinks));
            subscription = ctx.aeron().addSubscription(ctx.channel(), ctx.streamId());
        }
        catch (final IOException ex)
        {
            CloseHelper.closeAll(writer, frameWriter);
            CloseHelper.closeAll(sinks);
            CloseHelper.close(ctx);
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(writer, frameWriter);
            CloseHelper.closeAll(sinks);
            CloseHelper.close(ctx);
            throw ex;
        }

        this.writer = writer;
        this.frameWriter = frameWriter;
        this.sinks = sinks;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final boolean hadPending = hasPending();
        int workCount = subscription.controlledPoll(assembler, fragmentLimit);

        if (hasPending())
        {
            final long nowNs = nanoClock.nanoTime();
            if (!hadPending)
            {
                pendingSinceNs = nowNs;
            }
            if (nowNs - pendingSinceNs >= flushIntervalNs)
            {
                // Try both even when one fails: the other file's records still reach the page cache.
                final boolean flushed = writer.flush() & frameWriter.flush();
                if (flushed)
                {
                    workCount++;
                }
            }
        }

        return workCount;
    }

    /**
     * Flushes the output, closes the file and the subscription, and closes the context (which
     * closes the Aeron client if the context connected it). Idempotent.
     */
    public void onClose()
    {
        if (!isClosed)
        {
            isClosed = true;
            CloseHelper.closeAll(ctx.errorHandler(), writer, frameWriter, subscription);
            CloseHelper.closeAll(ctx.errorHandler(), sinks);
            CloseHelper.close(ctx.errorHandler(), ctx);
        }
    }

    /**
     * Counters of this core, readable from any thread.
     *
     * @return the counters.
     */
    public RegionalCounters counters()
    {
        return counters;
    }

    /**
     * The NDJSON file this core appends to.
     *
     * @return file path.
     */
    public Path outputFile()
    {
        return writer.file();
    }

    private boolean hasPending()
    {
        return writer.hasPending() || frameWriter.hasPending();
    }

    /**
     * The pcapng file this core appends frames to.
     *
     * @return file path.
     */
    public Path pcapngFile()
    {
        return frameWriter.file();
    }

    /**
     * The sinks this core feeds besides its files (Kafka, when configured), for their counters and
     * delivered sequences; readable from any thread.
     *
     * @return the sinks, empty when none is configured.
     */
    public List<Sink> sinks()
    {
        return List.of(sinks);
    }

    /**
     * Settings of this core.
     *
     * @return the concluded context.
     */
    public RegionalCoreContext context()
    {
        return ctx;
    }
}
