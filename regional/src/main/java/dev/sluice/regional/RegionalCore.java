package dev.sluice.regional;

import dev.sluice.protocol.accounting.CountersFile;
import dev.sluice.regional.sink.KafkaSink;
import dev.sluice.regional.sink.Sink;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.StreamAckEncoder;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The regional core of one region: subscribes to the gateways' {@code DataBatch} stream, checks
 * each stream's sequence continuity, drops duplicates and misrouted batches, and appends every
 * record of the accepted batches as one JSON object per line to {@code <outputDir>/<region>.ndjson}
 * (field names in {@link NdjsonFields}), and every forwarded packet (frame record) also to
 * {@code <outputDir>/<region>.pcapng} (see {@link PcapngFrameWriter}). With
 * {@link RegionalCoreContext#kafkaSink} set, the same lines also go to Kafka ({@link KafkaSink}, on
 * its own thread), fed from the durable recording once it is durable ({@link SinkFeed}): a slow or
 * absent Kafka never holds the files back, loses nothing (the feed offers again what Kafka could
 * not take) and, after a restart, gets nothing twice (the feed's cursor is persisted with the
 * state, and Kafka skips what it already holds). Every frame is counted in
 * {@link #counters()}; malformed frames are rejected by reason and never raise an exception.
 * <p>
 * <h2>Durability and acknowledgements</h2>
 * Once accepted batches have waited {@link RegionalCoreContext#ackIntervalNs()} (coalescing every
 * batch accepted meanwhile), both files are flushed <em>and forced to the device</em> ({@code fsync}),
 * then each stream's last accepted sequence is written as its durable sequence to the state file
 * ({@link CoreStateFile}, forced too), and only then is a {@code StreamAck} published for each stream
 * whose durable sequence moved, on {@link RegionalCoreContext#ackChannel()}. Every stream's ack is
 * sent again every {@link RegionalCoreContext#ackRepeatIntervalNs()}, so a gateway that restarted or
 * reconnected learns where to replay from. At a restart the files are cut back to the lengths the
 * state file recorded (records after them were never acknowledged, so the gateways replay them)
 * and each stream resumes after its durable sequence: a replayed batch is then a counted duplicate,
 * and the recording holds every acknowledged record exactly once.
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
    private static final long FEED_DRAIN_NS = TimeUnit.SECONDS.toNanos(10);

    private final RegionalCoreContext ctx;
    private final String roleName;
    private final RegionalCounters counters;
    private final NdjsonBatchWriter writer;
    private final PcapngFrameWriter frameWriter;
    private final Sink[] sinks;
    private final SinkFeed feed;
    private final ControlledFragmentAssembler assembler;
    private final Subscription subscription;
    private final DataBatchHandler handler;
    private final CoreStateFile stateFile;
    private final Publication ackPublication;
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(
        MessageHeaderEncoder.ENCODED_LENGTH + StreamAckEncoder.BLOCK_LENGTH));
    private final MessageHeaderEncoder ackHeader = new MessageHeaderEncoder();
    private final StreamAckEncoder ackEncoder = new StreamAckEncoder();
    private final NanoClock nanoClock;
    private final long flushIntervalNs;
    private final long ackIntervalNs;
    private final long ackRepeatIntervalNs;
    private long durableBatches;
    private long acceptedSinceNs;
    private boolean acceptedPending;
    private boolean acksPending;
    private long nextAckRepeatNs;
    private final int fragmentLimit;
    private long pendingSinceNs;
    private boolean isClosed;
    private final RegionalCountersFile countersFile;

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
        ackIntervalNs = ctx.ackIntervalNs();
        ackRepeatIntervalNs = ctx.ackRepeatIntervalNs();
        counters = new RegionalCounters(ctx.regionName());
        countersFile = new RegionalCountersFile(
            counters, CountersFile.coreFile(ctx.outputDir(), ctx.regionName()), SystemEpochClock.INSTANCE);

        NdjsonBatchWriter writer = null;
        PcapngFrameWriter frameWriter = null;
        CoreStateFile stateFile = null;
        Publication ackPublication = null;
        SinkFeed feed = null;
        final Sink[] sinks = new Sink[null == ctx.kafkaSink() ? 0 : 1];
        try
        {
            stateFile = CoreStateFile.open(ctx.stateFile());
            final CoreStateFile.Snapshot recovered = stateFile.recovered();
            if (null != recovered)
            {
                cutBack(ctx.outputFile(), recovered.ndjsonLength());
                cutBack(ctx.pcapngFile(), recovered.pcapngLength());
            }
            writer = NdjsonBatchWriter.open(ctx.outputFile(), ctx.outputBufferLength(), counters, ctx.errorHandler());
            frameWriter = PcapngFrameWriter.open(
                ctx.pcapngFile(), ctx.outputBufferLength(), ctx.regionName(), counters, ctx.errorHandler());
            handler = new DataBatchHandler(ctx.regionName(), counters, writer, frameWriter, ctx.errorHandler());
            if (null != recovered)
            {
                for (int i = 0; i < recovered.keys().size(); i++)
                {
                    handler.streams().restore(recovered.keys().get(i), recovered.sequences()[i]);
                }
                acksPending = recovered.keys().size() > 0;
            }
            if (null != ctx.kafkaSink())
            {
                sinks[0] = new KafkaSink(ctx.kafkaSink(), ctx.errorHandler(), new RecordingOriginCheck(ctx.outputFile()));
                feed = new SinkFeed(ctx.outputFile(), 2 * ctx.outputBufferLength(), sinks[0], handler.streams(),
                    sinkStart(recovered), counters, ctx.errorHandler());
                feed.durableLength(null == recovered ? 0 : recovered.ndjsonLength());
            }
            handler.gapTimeoutNs(ctx.gapTimeoutNs());
            assembler = new ControlledFragmentAssembler(handler);
            ackPublication = ctx.aeron().addPublication(ctx.ackChannel(), ctx.ackStreamId());
            subscription = ctx.aeron().addSubscription(ctx.channel(), ctx.streamId());
        }
        catch (final IOException ex)
        {
            CloseHelper.closeAll(ackPublication, stateFile, writer, frameWriter, feed);
            CloseHelper.closeAll(sinks);
            CloseHelper.close(ctx);
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.closeAll(ackPublication, stateFile, writer, frameWriter, feed);
            CloseHelper.closeAll(sinks);
            CloseHelper.close(ctx);
            throw ex;
        }

        this.writer = writer;
        this.frameWriter = frameWriter;
        this.sinks = sinks;
        this.feed = feed;
        this.stateFile = stateFile;
        if (null != feed)
        {
            // The feed's cursor is the agent's; the file writer reads a value at most a second old.
            countersFile.sinks(List.of(sinks), feed::publishedCursor);
        }
        this.ackPublication = ackPublication;
        nextAckRepeatNs = nanoClock.nanoTime();
    }

    /**
     * Where the sink starts in the recording: its persisted cursor; the start of a new recording;
     * or, for a recording made before the sink was configured, its durable end (the records
     * already recorded are not sent).
     */
    private static long sinkStart(final CoreStateFile.Snapshot recovered)
    {
        if (null == recovered)
        {
            return 0;
        }
        if (CoreStateFile.NO_SINK_CURSOR == recovered.sinkCursor())
        {
            return recovered.ndjsonLength();
        }

        return Math.min(recovered.sinkCursor(), recovered.ndjsonLength());
    }

    /**
     * Cuts a file back to the length the state file recorded as durable: what follows was written
     * but never acknowledged (the core stopped before forcing it), and the gateways replay it.
     */
    private static void cutBack(final Path file, final long durableLength) throws IOException
    {
        if (!Files.exists(file))
        {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            if (channel.size() > durableLength)
            {
                channel.truncate(durableLength);
                channel.force(true);
            }
        }
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
        handler.nowNs(nanoClock.nanoTime());
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

        workCount += makeDurable(false);
        workCount += sendAcks();
        if (null != feed)
        {
            workCount += feed.doWork(nanoClock.nanoTime());
        }

        return workCount;
    }

    /**
     * Forces the files and the state once accepted batches have waited the ack interval; see the
     * class documentation. Allocates nothing.
     */
    private int makeDurable(final boolean now)
    {
        final long batches = counters.get(RegionalCounter.BATCHES);
        if (batches == durableBatches)
        {
            return 0;
        }
        final long nowNs = nanoClock.nanoTime();
        if (!acceptedPending)
        {
            acceptedPending = true;
            acceptedSinceNs = nowNs;
        }
        if (!now && nowNs - acceptedSinceNs < ackIntervalNs)
        {
            return 0;
        }

        if (!(writer.flush() & frameWriter.flush()) || !(writer.force() & frameWriter.force()))
        {
            // Retry after another interval, not every duty cycle: a failing disk is not hammered.
            acceptedSinceNs = nowNs;
            return 0;
        }
        final StreamTable streams = handler.streams();
        final int count = streams.size();
        for (int i = 0; i < count; i++)
        {
            final StreamState stream = streams.stream(i);
            stream.durableSequence(stream.lastSequence());
        }
        if (!writeState())
        {
            acceptedSinceNs = nowNs;
            return 0;
        }
        counters.onDurableForce();
        if (null != feed)
        {
            feed.durableLength(writer.writtenLength());
        }
        durableBatches = batches;
        acceptedPending = false;
        acksPending = true;
        return 1;
    }

    /**
     * Writes the durable state: the files' lengths (forced by the caller), each stream's durable
     * sequence, the sink feed's cursor.
     */
    private boolean writeState()
    {
        try
        {
            stateFile.write(writer.writtenLength(), frameWriter.writtenLength(), handler.streams(),
                null == feed ? CoreStateFile.NO_SINK_CURSOR : feed.cursor());
            return true;
        }
        catch (final IOException ex)
        {
            counters.onStateError();
            ctx.errorHandler().onError(new IOException("cannot write the durable state " + stateFile.file(), ex));
            return false;
        }
    }

    /**
     * At a clean stop, offers the sink what is durable and not yet offered, for at most
     * {@link #FEED_DRAIN_NS}; the sink then delivers what it holds within its close timeout. What
     * is left is offered at the next start.
     */
    private void drainFeed()
    {
        final long deadlineNs = nanoClock.nanoTime() + FEED_DRAIN_NS;
        while (feed.hasUnoffered() && nanoClock.nanoTime() - deadlineNs < 0)
        {
            if (0 == feed.doWork(nanoClock.nanoTime()))
            {
                Thread.onSpinWait();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    /**
     * Publishes the durable sequence of each stream whose sequence moved since its last ack, and
     * of every stream once per repeat interval. A refused offer leaves the ack pending for the next
     * duty cycle.
     */
    private int sendAcks()
    {
        final long nowNs = nanoClock.nanoTime();
        final boolean repeat = nowNs - nextAckRepeatNs >= 0;
        if (!acksPending && !repeat)
        {
            return 0;
        }
        if (repeat)
        {
            nextAckRepeatNs = nowNs + ackRepeatIntervalNs;
        }
        final StreamTable streams = handler.streams();
        final int count = streams.size();
        int sent = 0;
        boolean allSent = true;
        for (int i = 0; i < count; i++)
        {
            final StreamState stream = streams.stream(i);
            final long durable = stream.durableSequence();
            if (durable == 0 || (!repeat && durable == stream.ackedSequence()))
            {
                continue;
            }
            ackEncoder.wrapAndApplyHeader(ackBuffer, 0, ackHeader)
                .putGatewayId(stream.key(), 0)
                .putDestinationRegion(stream.key(), StreamTable.GATEWAY_ID_LENGTH)
                .workerIndex(stream.workerIndex())
                .durableSequence(durable);
            if (ackPublication.offer(ackBuffer, 0, ackBuffer.capacity()) > 0)
            {
                stream.ackedSequence(durable);
                counters.onAckSent();
                sent++;
            }
            else
            {
                allSent = false;
            }
        }
        acksPending = !allSent;
        return sent;
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
            // A clean stop makes everything accepted durable, so a restart replays nothing.
            makeDurable(true);
            sendAcks();
            if (null != feed)
            {
                drainFeed();
            }
            CloseHelper.closeAll(ctx.errorHandler(), sinks);
            if (null != feed)
            {
                // What the sink delivered while closing need not be offered again at the next start.
                feed.doWork(nanoClock.nanoTime());
                writeState();
            }
            CloseHelper.closeAll(ctx.errorHandler(), writer, frameWriter, subscription, ackPublication, stateFile, feed);
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
     * The counters file {@code sluice reconcile} reads: {@link RegionalCoreMain} writes it every
     * second and once more at a clean stop; a test driving the core by hand may write it itself.
     *
     * @return the file's writer.
     */
    public RegionalCountersFile countersFile()
    {
        return countersFile;
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
     * How far the sink (Kafka) has delivered the recording, as the core persists it with its state.
     *
     * @return the cursor in bytes of the NDJSON file; {@link CoreStateFile#NO_SINK_CURSOR} without a sink.
     */
    long sinkCursor()
    {
        return null == feed ? CoreStateFile.NO_SINK_CURSOR : feed.cursor();
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
