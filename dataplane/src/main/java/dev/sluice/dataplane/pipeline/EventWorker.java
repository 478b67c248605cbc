package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.EventAnonymizer;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import dev.sluice.dataplane.anonymize.keys.WorkerKeys;
import dev.sluice.dataplane.classify.event.EventDispatcher;
import dev.sluice.dataplane.classify.event.EventItemHandler;
import dev.sluice.dataplane.classify.count.CountRecordJson;
import dev.sluice.dataplane.classify.count.CountRecordReader;
import dev.sluice.dataplane.classify.count.CountTable;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.classify.limit.RateLimiter;
import dev.sluice.dataplane.counters.EventCounters;
import dev.sluice.dataplane.counters.RejectSamples;
import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.netflow.FlowRecordJson;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.egress.EventSender;
import dev.sluice.dataplane.residency.ClassCounting;
import dev.sluice.dataplane.residency.ClassTally;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.source.event.EventRing;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.protocol.EventKind;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The event path's worker: drains the ingest {@link EventRing}, parses each message
 * ({@link EventDispatcher}), applies the policy's rules ({@link EventRules}), rewrites the
 * addresses of the events that are anonymized or that residency lets go only transformed
 * ({@link TextAddressAnonymizer}; flow records are rendered with Crypto-PAn images,
 * {@link FlowRecordJson}), decides per destination ({@link EventDelivery}, {@link EventResidencyPlan}) and stages the
 * forwarded events in an {@link EventBatch} that {@link EventSender} sends.
 * <p>
 * Accounting, per item (a message, or a record of a NetFlow/IPFIX datagram):
 * {@code received = forwarded + aggregated + filtered + sampled_out + dropped{format:reason}},
 * counted once per cycle; the destinations count what left ({@code EventDestinationCounters}).
 * <p>
 * Counts: an event a {@code count} rule matches is {@code aggregated} into that rule's
 * {@link CountTable}, not forwarded. Windows are in event receive time (see {@link CountTable});
 * a window also closes when the worker's epoch clock is {@link #WINDOW_GRACE_NS} past its end, so
 * quiet inputs still report. Each closed window's entries are staged as count records
 * ({@link EventKind#COUNT}, {@link CountRecordJson}) in the same batch as events and decided per
 * destination by the same {@link EventDelivery} (the record's fields are its key fields,
 * {@link CountRecordReader}), so residency and the rule's {@code anonymize} apply to the key
 * values; the destinations count records as events. Before a policy switch and at close every
 * open window is emitted early, under the version that counted it.
 * <p>
 * A policy is switched to only between batches, so every batch is produced by exactly one
 * version and names it. The readers for a new policy's fields are made when the worker first
 * sees a version that names other fields than the one before (once per such version, never per
 * item). Until the first policy arrives the
 * ring is not read: nothing leaves the site without a policy deciding so, and ingest's back
 * pressure holds the senders meanwhile.
 * <p>
 * Back pressure: after each read the staged batch is offered to every destination; while a
 * destination pushes back the worker holds it and reads nothing more. When the batch fills in the
 * middle of one ring record (a large NDJSON batch, a NetFlow datagram of many records), the worker
 * sends it before staging on, waiting for a slow destination there: the ring then fills and
 * ingest stops reading its connections. Worker thread only, except the counters and samples.
 */
public final class EventWorker implements Agent, EventItemHandler
{
    /** Ring records read per cycle. */
    public static final int READ_LIMIT_DEFAULT = 256;
    /** Events staged before they are sent. */
    public static final int BATCH_CAPACITY_DEFAULT = 1024;
    /** The longest rendered flow record: every field of a record with room to spare. */
    private static final int FLOW_RECORD_MAX_BYTES = 16 * 1024;
    /** Attempts to send the staged events at close before they are left counted in flight. */
    private static final int MAX_SEND_ATTEMPTS_AT_CLOSE = 10_000;
    /** The reason a flow record is dropped when its rendering does not fit (it always should). */
    private static final String FLOW_TOO_LARGE = "netflow:record_too_large";
    /** The reason an event a count rule matches is dropped when its key values do not fit a count table entry. */
    private static final String COUNT_KEY_TOO_LONG = "count:key_too_long";
    /**
     * How long past a window's end, on the worker's epoch clock, the window is closed when no
     * later event closed it: events still in the ring from before the end are counted in it.
     */
    public static final long WINDOW_GRACE_NS = TimeUnit.SECONDS.toNanos(2);

    private final String roleName;
    private final EventRing ring;
    private final PolicyHolder policyHolder;
    private final CanDatabase database;
    private final NetflowParser netflow = new NetflowParser();
    private final WorkerKeys keys;
    /** The key epoch's instances for the batch being staged; switched between batches only. */
    private CryptoPan cryptoPan;
    private final FlowRecordJson flowJson = new FlowRecordJson();
    private final EventAnonymizer eventAnonymizer;
    private final EventBatch batch;
    private final EventSender sender;
    private final EventCounters counters;
    private final RejectSamples rejects;
    private final NanoClock clock;
    private final EventDelivery delivery;
    private final ClassTally classTally = new ClassTally();
    /** How {@link #sendWhileReading()} waits for a slow destination: spin briefly, then park up to 1 ms. */
    private final IdleStrategy waitIdle =
        new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));

    private PolicySnapshot policy;
    private Policy rulesPolicy;
    private EventRules rules;
    private EventDispatcher dispatcher;
    private long[] matchesPerSlot;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final CountTable countTable = new CountTable();
    private final CountTable.RecordHandler onCountRecord = this::onCountRecord;
    private final EpochNanoClock windowClock;

    private long received;
    private long forwarded;
    private long filtered;
    private long sampledOut;
    /** The part of {@link #sampledOut} over a rate limit. */
    private long rateLimited;
    private long rateLimitEvictionsCounted;
    private long anonymized;
    /** Events folded into count records. */
    private long aggregated;
    private long countRecords;
    private long countEvictionsCounted;
    private boolean holding;
    private volatile boolean closing;

    /**
     * @param ring         the ingest ring to drain.
     * @param database     the DBC to decode CAN signals with, or null.
     * @param cryptoPan    the site's keyed Crypto-PAn, or null when the gateway has no key.
     * @param sender       egress to every destination.
     */
    public EventWorker(
        final String roleName,
        final EventRing ring,
        final PolicyHolder policyHolder,
        final CanDatabase database,
        final CryptoPan cryptoPan,
        final EventSender sender,
        final EventCounters counters,
        final RejectSamples rejects,
        final NanoClock clock)
    {
        this(roleName, ring, policyHolder, database, sender, counters, rejects, clock, WorkerKeys.fixed(cryptoPan));
    }

    /**
     * @param ring         the ingest ring to drain.
     * @param database     the DBC to decode CAN signals with, or null.
     * @param sender       egress to every destination.
     * @param keys         the worker's keys: moved to the policy snapshot's key epoch between batches.
     */
    public EventWorker(
        final String roleName,
        final EventRing ring,
        final PolicyHolder policyHolder,
        final CanDatabase database,
        final EventSender sender,
        final EventCounters counters,
        final RejectSamples rejects,
        final NanoClock clock,
        final WorkerKeys keys)
    {
        // Not SystemEpochNanoClock: its Instant is not always scalar-replaced, and this runs every duty cycle.
        this(roleName, ring, policyHolder, database, sender, counters, rejects, clock, keys, new OffsetEpochNanoClock());
    }

    /**
     * @param ring         the ingest ring to drain.
     * @param database     the DBC to decode CAN signals with, or null.
     * @param sender       egress to every destination.
     * @param keys         the worker's keys: moved to the policy snapshot's key epoch between batches.
     * @param windowClock  the epoch clock that closes count windows no later event closes.
     */
    public EventWorker(
        final String roleName,
        final EventRing ring,
        final PolicyHolder policyHolder,
        final CanDatabase database,
        final EventSender sender,
        final EventCounters counters,
        final RejectSamples rejects,
        final NanoClock clock,
        final WorkerKeys keys,
        final EpochNanoClock windowClock)
    {
        this.roleName = roleName;
        this.windowClock = windowClock;
        this.ring = ring;
        this.policyHolder = policyHolder;
        this.database = database;
        this.keys = keys;
        this.cryptoPan = keys.cryptoPan();
        this.sender = sender;
        this.counters = counters;
        this.rejects = rejects;
        this.clock = clock;
        this.batch = new EventBatch(BATCH_CAPACITY_DEFAULT, maxBodyBytes(ring.maxMessageLength()), sender.destinationCount());
        this.eventAnonymizer = new EventAnonymizer(maxBodyBytes(ring.maxMessageLength()));
        this.delivery = new EventDelivery(eventAnonymizer, sender.destinationCount());
    }

    /** The longest body an event has as received: a ring message, or a rendered flow record. */
    private static int maxBodyBytes(final int maxMessageLength)
    {
        return Math.max(maxMessageLength, FLOW_RECORD_MAX_BYTES);
    }

    /**
     * The longest body the worker may stage (a rewritten one can be longer than received): what
     * {@link EventSender} must be able to send.
     */
    public static int maxEventBytes(final int maxMessageLength)
    {
        return EventBatch.areaBytes(maxBodyBytes(maxMessageLength));
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public int doWork()
    {
        // The spools send (and replay) whether or not a batch is held: a full PAUSE spool drains this way.
        return sender.doWork(clock.nanoTime()) + processBatch();
    }

    private int processBatch()
    {
        if (holding)
        {
            if (!sender.send(batch, policy.version(), clock.nanoTime()))
            {
                return 0;
            }
            finishBatch();
            return 1;
        }

        final PolicySnapshot current = policyHolder.current();
        if (null == current)
        {
            return 0;
        }
        if (current != policy)
        {
            arm(current);
        }
        // A batch boundary (nothing staged, nothing held): the key epoch can switch here.
        keys.refresh(current.keys());
        cryptoPan = keys.cryptoPan();
        if (countTable.hasOpenWindows())
        {
            countTable.advance(windowClock.nanoTime() - WINDOW_GRACE_NS, onCountRecord);
        }

        final int records = ring.read(dispatcher, READ_LIMIT_DEFAULT);
        countCycle();
        if (batch.count() > 0)
        {
            sender.begin(batch);
            holding = true;
            if (sender.send(batch, policy.version(), clock.nanoTime()))
            {
                finishBatch();
            }
        }
        return records;
    }

    /**
     * Switches to a policy version: its rules, residency and readers for its fields. Readers are
     * built only when the version names other fields than the one before, and the sample counts
     * are reset in place (growing only for more rules than ever before), so switching between
     * versions allocates nothing in steady state.
     */
    private void arm(final PolicySnapshot snapshot)
    {
        if (countTable.hasOpenWindows())
        {
            // Counted under the version before: emitted, and sent, under it.
            countTable.flushAll(windowClock.nanoTime(), onCountRecord);
            if (batch.count() > 0)
            {
                sendWhileReading();
            }
        }
        policy = snapshot;
        rulesPolicy = snapshot.rules().policy();
        rules = snapshot.eventRules();
        delivery.use(rules, snapshot.eventResidency());
        classTally.use(snapshot.classCounting());
        if (null == dispatcher || !dispatcher.reads(rulesPolicy.catalogue()))
        {
            dispatcher = new EventDispatcher(rulesPolicy.catalogue(), database, netflow).items(this);
        }
        final int slots = rules.slots();
        if (null == matchesPerSlot || matchesPerSlot.length < slots)
        {
            matchesPerSlot = new long[slots];
        }
        else
        {
            Arrays.fill(matchesPerSlot, 0, slots, 0);
        }
        rateLimiter.onNewPolicy(snapshot.rules().rateLimits());
        countTable.onNewPolicy(rules.counts());
        eventAnonymizer.use(rulesPolicy);
    }

    private void finishBatch()
    {
        holding = false;
        batch.clear();
    }

    @Override
    public void onEvent(
        final int kind,
        final FieldReader reader,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receiveTimeNs)
    {
        final int slot = decide(reader, receiveTimeNs);
        if (slot >= 0)
        {
            stageText(kind, reader, slot, segment, offset, length, receiveTimeNs);
        }
    }

    /** Stages a forwarded event whose body is its text, rewritten where some destination needs it. */
    private void stageText(
        final int kind,
        final FieldReader reader,
        final int slot,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receiveTimeNs)
    {
        final int i = batch.begin(kind, receiveTimeNs);
        MemorySegment.copy(segment, offset, batch.segment(), batch.writeOffset(), length);
        batch.endRaw(i, length);
        if (!decideAndTransform(i, reader, slot, segment, offset, length, receiveTimeNs))
        {
            stageText(kind, reader, slot, segment, offset, length, receiveTimeNs);
            return;
        }
        stage(i);
    }

    /**
     * Decides every destination for the staged item {@code i} whose text is at {@code offset}, writes
     * its transformed form where one is needed, and counts what could not be transformed and the
     * item's classes.
     *
     * @return false when the transformed form did not fit after the items staged before it: they were
     * sent and item {@code i} abandoned, to be staged again.
     */
    private boolean decideAndTransform(
        final int i,
        final FieldReader reader,
        final int slot,
        final MemorySegment text,
        final long offset,
        final int length,
        final long timeNs)
    {
        final boolean addressMustChange = delivery.decide(reader, slot);
        final int transformed = delivery.transformText(reader, slot, addressMustChange, keys.current(), text, offset,
            length, batch.bytes(), batch.writeOffset(), batch.writeLimit(), timeNs, i > 0);
        if (EventDelivery.DID_NOT_FIT == transformed)
        {
            batch.abandon(i);
            sendWhileReading();
            return false;
        }
        if (transformed >= 0)
        {
            batch.endTransformed(i, transformed);
        }
        if (null != delivery.failure())
        {
            counters.onUntransformed(delivery.failure());
        }
        countClasses(reader, slot);
        return true;
    }

    @Override
    public void onFlowRecord(final FieldReader reader, final NetflowParser parser, final long receiveTimeNs)
    {
        final int slot = decide(reader, receiveTimeNs);
        if (slot >= 0)
        {
            stageFlowRecord(reader, slot, parser, receiveTimeNs);
        }
    }

    /** Stages a forwarded flow record, rendered as JSON, and with Crypto-PAn images where some destination needs them. */
    private void stageFlowRecord(final FieldReader reader, final int slot, final NetflowParser parser, final long receiveTimeNs)
    {
        final int i = batch.begin(EventKind.FLOW.code(), receiveTimeNs);
        final int length = flowJson.render(parser, null, batch.bytes(), batch.writeOffset(), batch.writeLimit() - batch.writeOffset());
        if (length < 0)
        {
            batch.abandon(i);
            if (i > 0)
            {
                sendWhileReading();
                stageFlowRecord(reader, slot, parser, receiveTimeNs);
                return;
            }
            // Counted as dropped instead of forwarded (received once, by onDropped).
            received--;
            forwarded--;
            counters.onDropped(FLOW_TOO_LARGE);
            return;
        }
        batch.endRaw(i, length);
        final boolean addressMustChange = delivery.decide(reader, slot);
        boolean rewritten = false;
        final boolean truncates = AnonymizationMethod.TRUNCATE == rulesPolicy.addressMethod();
        if (delivery.needsRewrite() && (truncates || null != cryptoPan))
        {
            // Crypto-PAn images are rendered into the record; truncation rewrites the rendered addresses.
            final int written = truncates ?
                eventAnonymizer.addressRewriter(null).rewrite(batch.segment(), batch.rawOffset[i], length,
                    batch.bytes(), batch.writeOffset(), batch.writeLimit()) :
                flowJson.render(parser, cryptoPan, batch.bytes(), batch.writeOffset(), batch.writeLimit() - batch.writeOffset());
            if (written < 0 && i > 0)
            {
                batch.abandon(i);
                sendWhileReading();
                stageFlowRecord(reader, slot, parser, receiveTimeNs);
                return;
            }
            if (written >= 0)
            {
                batch.endTransformed(i, written);
                rewritten = true;
            }
        }
        delivery.finish(rewritten, !rewritten && addressMustChange);
        countClasses(reader, slot);
        stage(i);
    }

    @Override
    public void onRejected(
        final String key,
        final int position,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receiveTimeNs)
    {
        counters.onDropped(key);
        rejects.record(key, position, segment, offset, length, receiveTimeNs);
    }

    /**
     * Counts the item and applies its rule. Returns the rule's slot when the item is forwarded
     * (and the batch has room for it: a full batch is sent first), or -1.
     */
    private int decide(final FieldReader reader, final long receiveTimeNs)
    {
        received++;
        if (receiveTimeNs >= countTable.nextWindowEndNs())
        {
            countTable.advance(receiveTimeNs, onCountRecord);
        }
        final int slot = rules.slot(rulesPolicy.firstMatch(reader));
        switch (rules.action(slot))
        {
            case EventRules.FILTER ->
            {
                filtered++;
                return -1;
            }
            case EventRules.SAMPLE ->
            {
                if (!rules.keepsSample(slot, reader, matchesPerSlot[slot]++))
                {
                    sampledOut++;
                    return -1;
                }
            }
            case EventRules.RATE_LIMIT ->
            {
                if (!rateLimiter.admit(slot, reader, receiveTimeNs))
                {
                    sampledOut++;
                    rateLimited++;
                    return -1;
                }
            }
            case EventRules.COUNT ->
            {
                if (CountTable.KEY_TOO_LONG == countTable.add(slot, reader, receiveTimeNs, onCountRecord))
                {
                    // Counted as dropped instead (received once, by onDropped).
                    received--;
                    counters.onDropped(COUNT_KEY_TOO_LONG);
                }
                else
                {
                    aggregated++;
                }
                return -1;
            }
            default ->
            {
            }
        }
        forwarded++;
        if (batch.isFull())
        {
            sendWhileReading();
        }
        return slot;
    }

    /**
     * Stages one count record: rendered from its table entry, then decided and transformed per
     * destination like an event whose fields are the record's keys.
     */
    private void onCountRecord(final int slot, final int entry, final boolean early, final long atNs)
    {
        if (batch.isFull())
        {
            sendWhileReading();
        }
        final int i = batch.begin(EventKind.COUNT.code(), atNs);
        // A batch that is not full has room for the longest body, which no count record exceeds.
        final int length = CountRecordJson.render(countTable, slot, entry, early, batch.bytes(), batch.writeOffset(), batch.writeLimit());
        batch.endRaw(i, length);
        if (!decideAndTransform(i, countTable.reader(slot, entry), slot, batch.segment(), batch.rawOffset[i], length, atNs))
        {
            onCountRecord(slot, entry, early, atNs);
            return;
        }
        countRecords++;
        for (int d = 0; d < delivery.destinations(); d++)
        {
            batch.delivery[d][i] = delivery.decision(d);
        }
        batch.commit(i);
    }

    /** The event's decisions once more, under every data class it holds. */
    private void countClasses(final FieldReader reader, final int slot)
    {
        if (!classTally.isCounting())
        {
            return;
        }
        final ClassCounting counting = policy.classCounting();
        final long classes = counting.eventClasses(reader, delivery.detectedKinds(), eventAnonymizer.addressesRewritten() > 0) |
            counting.taggedClasses(slot, delivery.modifiers());
        if (0 != classes)
        {
            for (int d = 0; d < delivery.destinations(); d++)
            {
                // EventResidencyPlan's RAW, TRANSFORM, BLOCK are 0, 1, 2 like the counters' outcomes; an event not
                // routed to a destination is not decided there.
                final byte decision = delivery.decision(d);
                if (EventResidencyPlan.NOT_ROUTED != decision)
                {
                    classTally.add(classes, d, decision);
                }
            }
        }
    }

    /** Commits the staged event with every destination's decision. */
    private void stage(final int i)
    {
        if (delivery.anonymized())
        {
            anonymized++;
        }
        for (int d = 0; d < delivery.destinations(); d++)
        {
            batch.delivery[d][i] = delivery.decision(d);
        }
        batch.commit(i);
    }

    /** The batch filled during a ring read: send it now, waiting on back pressure, then stage on. */
    private void sendWhileReading()
    {
        countCycle();
        sender.begin(batch);
        while (!sender.send(batch, policy.version(), clock.nanoTime()))
        {
            if (closing)
            {
                // Left counted in flight: the gateway is stopping and a destination takes nothing.
                break;
            }
            waitIdle.idle();
        }
        waitIdle.reset();
        batch.clear();
    }

    private void countCycle()
    {
        classTally.flush();
        if ((received | forwarded | filtered | sampledOut | anonymized | aggregated | countRecords) != 0)
        {
            counters.add(received, forwarded, filtered, sampledOut, anonymized);
            final long countEvictions = countTable.evictions();
            counters.addCounts(aggregated, countRecords, countEvictions - countEvictionsCounted);
            countEvictionsCounted = countEvictions;
            aggregated = 0;
            countRecords = 0;
            final long evictions = rateLimiter.evictions();
            counters.addRateLimits(rateLimited, evictions - rateLimitEvictionsCounted);
            rateLimitEvictionsCounted = evictions;
            rateLimited = 0;
            received = 0;
            forwarded = 0;
            filtered = 0;
            sampledOut = 0;
            anonymized = 0;
        }
    }

    /** Asks a worker waiting on a destination inside a read to give up; any thread, before closing its runner. */
    public void stopWaiting()
    {
        closing = true;
    }

    /**
     * Gives the staged events, then the records of the open count windows, a bounded chance to
     * leave; what a destination does not take stays counted in flight. The windows are emitted
     * only once the staged events left: a batch a destination holds cannot take more.
     */
    @Override
    public void onClose()
    {
        closing = true;
        sendAtClose();
        if (!holding && countTable.hasOpenWindows())
        {
            countTable.flushAll(windowClock.nanoTime(), onCountRecord);
            if (batch.count() > 0)
            {
                countCycle();
                sender.begin(batch);
                holding = true;
                sendAtClose();
            }
        }
        countCycle();
        delivery.close();
    }

    private void sendAtClose()
    {
        if (holding)
        {
            for (int attempt = 0; attempt < MAX_SEND_ATTEMPTS_AT_CLOSE; attempt++)
            {
                if (sender.send(batch, policy.version(), clock.nanoTime()))
                {
                    finishBatch();
                    break;
                }
                Thread.yield();
            }
        }
    }

    /** True when no staged event waits for a destination (open count windows aside). Worker thread, or after it stopped. */
    public boolean isIdle()
    {
        return !holding && batch.count() == 0;
    }
}
