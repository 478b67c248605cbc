package dev.sluice.controlplane;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushEncoder;
import dev.sluice.protocol.codec.PolicySubmitResultEncoder;
import dev.sluice.protocol.codec.PolicySubmitStatus;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * The control plane's agent: keeps the fleet registry from gateways' hellos and acks, validates, versions
 * and pushes submitted policies (from the CLI over Aeron or from a watched file), and answers submits.
 * {@link #doWork()} and the lifecycle methods are called by one thread (an {@code AgentRunner}, or a test
 * by hand); {@link #fleetSnapshot()}, {@link #currentPolicyVersion()} and {@link #counter} by any thread.
 */
public final class ControlPlane implements Agent
{
    /**
     * Agent role name, also the runner thread's name.
     */
    public static final String ROLE_NAME = "controlplane";

    static final int FRAGMENT_LIMIT = 16;
    static final long HOUSEKEEPING_INTERVAL_MS = 100;
    static final long SNAPSHOT_MIN_INTERVAL_MS = 100;
    static final long WARNING_INTERVAL_MS = 10_000;

    private static final Logger LOGGER = System.getLogger(ControlPlane.class.getName());
    private static final String UNNAMED_SOURCE = "(unnamed)";

    private final ControlPlaneContext context;
    private final EpochClock epochClock;
    private final PolicyStore store;
    private final PolicyValidator validator;
    private final InboundFrameDecoder decoder = new InboundFrameDecoder();
    private final FleetRegistry registry = new FleetRegistry();
    private final RateLimitedLog warnings = new RateLimitedLog(LOGGER, WARNING_INTERVAL_MS);
    private final PolicyFileWatcher policyFileWatcher;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PolicyPushEncoder pushEncoder = new PolicyPushEncoder();
    private final PolicySubmitResultEncoder resultEncoder = new PolicySubmitResultEncoder();
    private final ExpandableDirectByteBuffer encodeBuffer = new ExpandableDirectByteBuffer(4096);
    private final InboundDispatcher inboundDispatcher = new InboundDispatcher();
    private final FragmentAssembler fragmentAssembler = new FragmentAssembler(inboundDispatcher);

    private final ControlPlaneCounters counters;
    private final Subscription inboundSubscription;
    private final ExclusivePublication pushPublication;
    private final ExclusivePublication replyPublication;
    private final OutboundSender pushSender;
    private final OutboundSender replySender;

    private volatile FleetSnapshot fleetSnapshot;
    private volatile long currentPolicyVersion;
    private long nowMs;
    private long nextHousekeepingMs;
    private long lastSnapshotMs;
    private boolean isSnapshotStale;
    private boolean isSnapshotUrgent;

    /**
     * Create the agent and its Aeron resources (inbound subscription, push and reply publications, counters).
     *
     * @param context a concluded context; the agent does not close it.
     */
    public ControlPlane(final ControlPlaneContext context)
    {
        if (!context.isConcluded())
        {
            throw new IllegalStateException("conclude() the context before creating the control plane");
        }
        this.context = context;
        this.epochClock = context.epochClock();
        this.store = context.policyStore();
        this.validator = context.policyValidator();
        this.policyFileWatcher = null == context.policyFile() ?
            null : new PolicyFileWatcher(context.policyFile(), context.policyFilePollIntervalMs());

        ControlPlaneCounters counters = null;
        Subscription inboundSubscription = null;
        ExclusivePublication pushPublication = null;
        ExclusivePublication replyPublication = null;
        try
        {
            counters = new ControlPlaneCounters(context.aeron());
            inboundSubscription = context.aeron().addSubscription(context.inboundChannel(), context.inboundStreamId());
            pushPublication = context.aeron().addExclusivePublication(context.pushChannel(), context.pushStreamId());
            replyPublication = context.aeron().addExclusivePublication(
                context.pushChannel(), context.replyStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(replyPublication, pushPublication, inboundSubscription, counters);
            throw ex;
        }
        this.counters = counters;
        this.inboundSubscription = inboundSubscription;
        this.pushPublication = pushPublication;
        this.replyPublication = replyPublication;
        this.pushSender = new OutboundSender("push", pushPublication, counters, warnings);
        this.replySender = new OutboundSender("reply", replyPublication, counters, warnings);

        currentPolicyVersion = store.currentVersion();
        nowMs = epochClock.time();
        fleetSnapshot = registry.snapshot(currentPolicyVersion, nowMs);
    }

    public String roleName()
    {
        return ROLE_NAME;
    }

    public void onStart()
    {
        LOGGER.log(
            Level.INFO,
            "control plane started: store=" + store.directory() + " currentVersion=" + store.currentVersion() +
            " inbound=" + context.inboundChannel() + " stream " + context.inboundStreamId() +
            " push=" + context.pushChannel() + " streams " + context.pushStreamId() + "/" + context.replyStreamId() +
            (null == policyFileWatcher ? "" : " watching " + policyFileWatcher.file()));
    }

    public int doWork()
    {
        nowMs = epochClock.time();
        int workCount = inboundSubscription.poll(fragmentAssembler, FRAGMENT_LIMIT);
        workCount += pushSender.drain(nowMs);
        workCount += replySender.drain(nowMs);

        if (nowMs >= nextHousekeepingMs)
        {
            nextHousekeepingMs = nowMs + HOUSEKEEPING_INTERVAL_MS;
            workCount += housekeeping();
        }

        if (isSnapshotStale && (isSnapshotUrgent || nowMs - lastSnapshotMs >= SNAPSHOT_MIN_INTERVAL_MS))
        {
            publishSnapshot();
        }

        return workCount;
    }

    public void onClose()
    {
        CloseHelper.closeAll(replyPublication, pushPublication, inboundSubscription, counters);
    }

    /**
     * @return the latest fleet status; a new immutable snapshot is published whenever it changes (hellos
     * that only refresh liveness at most every {@value #SNAPSHOT_MIN_INTERVAL_MS} ms).
     */
    public FleetSnapshot fleetSnapshot()
    {
        return fleetSnapshot;
    }

    /**
     * @return the store's current version, 0 when none has been accepted.
     */
    public long currentPolicyVersion()
    {
        return currentPolicyVersion;
    }

    /**
     * @param counter which counter.
     * @return its current value.
     */
    public long counter(final ControlPlaneCounter counter)
    {
        return counters.get(counter);
    }

    /**
     * Keeps the inbound callbacks off the agent's public API; runs on the agent thread.
     */
    private final class InboundDispatcher implements FragmentHandler, InboundHandler
    {
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            onInboundFrame(buffer, offset, length);
        }

        public void onGatewayHello(
            final String gatewayId,
            final String site,
            final String region,
            final long appliedPolicyVersion,
            final long timestampMs)
        {
            ControlPlane.this.onGatewayHello(gatewayId, site, region, appliedPolicyVersion);
        }

        public void onPolicyAck(
            final String gatewayId,
            final long policyVersion,
            final PolicyAckStatus status,
            final long appliedPolicyVersion,
            final String message)
        {
            ControlPlane.this.onPolicyAck(gatewayId, policyVersion, status, appliedPolicyVersion, message);
        }

        public void onPolicySubmit(final long correlationId, final String sourceName, final String document)
        {
            ControlPlane.this.onPolicySubmit(correlationId, sourceName, document);
        }
    }

    private void onInboundFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            final InboundVerdict verdict = decoder.decode(buffer, offset, length, inboundDispatcher);
            switch (verdict)
            {
                case TRUNCATED -> badFrame(ControlPlaneCounter.FRAMES_TRUNCATED, length);
                case UNKNOWN -> badFrame(ControlPlaneCounter.FRAMES_UNKNOWN, length);
                case MALFORMED -> badFrame(ControlPlaneCounter.FRAMES_MALFORMED, length);
                default ->
                {
                }
            }
        }
        catch (final RuntimeException ex)
        {
            counters.increment(ControlPlaneCounter.HANDLER_ERRORS);
            warnings.warn(ControlPlaneCounter.HANDLER_ERRORS, nowMs, "handling an inbound message failed: ", ex);
        }
    }

    private void onGatewayHello(
        final String gatewayId, final String site, final String region, final long appliedPolicyVersion)
    {
        counters.increment(ControlPlaneCounter.GATEWAY_HELLOS);
        final FleetRegistry.Gateway gateway = registry.onHello(gatewayId, site, region, appliedPolicyVersion, nowMs);
        if (registry.lastLookupCreated())
        {
            LOGGER.log(
                Level.INFO,
                "gateway " + gatewayId + " joined: site=" + site + " region=" + region +
                " appliedVersion=" + appliedPolicyVersion);
            markSnapshotStale(true);
        }
        else
        {
            markSnapshotStale(false);
        }

        final StoredPolicy current = store.current();
        if (null != current &&
            FleetRegistry.needsPush(gateway, current.version(), nowMs, context.pushResendIntervalMs()))
        {
            if (push(current, gatewayId))
            {
                counters.increment(ControlPlaneCounter.PUSHES_TARGETED);
                FleetRegistry.onPushed(gateway, current.version(), nowMs);
                LOGGER.log(
                    Level.INFO,
                    "pushed version " + current.version() + " to gateway " + gatewayId +
                    " (it runs " + appliedPolicyVersion + ")");
            }
        }
    }

    private void onPolicyAck(
        final String gatewayId,
        final long policyVersion,
        final PolicyAckStatus status,
        final long appliedPolicyVersion,
        final String message)
    {
        counters.increment(ControlPlaneCounter.POLICY_ACKS);
        final AckState state = switch (status)
        {
            case APPLIED -> AckState.APPLIED;
            case REJECTED -> AckState.REJECTED;
            case STALE -> AckState.STALE;
            case NULL_VAL -> AckState.NONE;
        };
        registry.onAck(gatewayId, policyVersion, state, appliedPolicyVersion, message, nowMs);
        markSnapshotStale(true);

        if (AckState.REJECTED == state)
        {
            LOGGER.log(
                Level.WARNING,
                "gateway " + gatewayId + " rejected version " + policyVersion + " and runs " +
                appliedPolicyVersion + ":\n" + message);
        }
        else
        {
            LOGGER.log(
                Level.INFO,
                "gateway " + gatewayId + " " + state + " version " + policyVersion + ", runs " + appliedPolicyVersion);
        }
    }

    private void onPolicySubmit(final long correlationId, final String sourceName, final String document)
    {
        final SubmitDecision decision = submit(sourceName, document);
        LOGGER.log(
            Level.INFO,
            "submit " + correlationId + " from " + sourceName + ": " + decision.status() +
            " version " + decision.policyVersion());
        sendResult(correlationId, decision);
    }

    /**
     * The outcome of one submit, as sent back in PolicySubmitResult.
     */
    record SubmitDecision(PolicySubmitStatus status, long policyVersion, String message)
    {
    }

    SubmitDecision submit(final String submittedSourceName, final String document)
    {
        counters.increment(ControlPlaneCounter.POLICY_SUBMITS);
        final String sourceName = submittedSourceName.isEmpty() ? UNNAMED_SOURCE : submittedSourceName;
        final StoredPolicy current = store.current();
        final long currentVersion = store.currentVersion();

        if (null != current && current.document().equals(document))
        {
            counters.increment(ControlPlaneCounter.SUBMITS_UNCHANGED);
            return new SubmitDecision(
                PolicySubmitStatus.UNCHANGED, currentVersion, "identical to the current version " + currentVersion);
        }

        final int documentLength = document.getBytes(StandardCharsets.UTF_8).length;
        final int maxDocumentLength = pushSender.maxMessageLength() - pushOverheadLength(sourceName);
        if (documentLength > maxDocumentLength)
        {
            return invalid(
                currentVersion,
                sourceName + ": error: document is " + documentLength + " bytes; one push carries at most " +
                Math.max(0, maxDocumentLength) + " bytes");
        }

        final Validation validation;
        try
        {
            validation = validator.validate(sourceName, document);
        }
        catch (final RuntimeException ex)
        {
            counters.increment(ControlPlaneCounter.HANDLER_ERRORS);
            LOGGER.log(Level.ERROR, "policy validator failed on " + sourceName, ex);
            return invalid(currentVersion, sourceName + ": error: the validator failed: " + ex);
        }
        if (null == validation)
        {
            return invalid(currentVersion, sourceName + ": error: the validator returned no result");
        }
        if (!validation.isValid())
        {
            return invalid(currentVersion, validation.message());
        }

        final StoredPolicy stored;
        try
        {
            stored = store.append(sourceName, document, nowMs);
        }
        catch (final IOException ex)
        {
            counters.increment(ControlPlaneCounter.STORE_ERRORS);
            LOGGER.log(Level.ERROR, "cannot store policy from " + sourceName + " in " + store.directory(), ex);
            return invalid(currentVersion, "not stored: the control plane cannot write its policy store: " + ex);
        }

        currentPolicyVersion = stored.version();
        markSnapshotStale(true);
        counters.increment(ControlPlaneCounter.SUBMITS_ACCEPTED);

        final int liveGateways = registry.size();
        // Gateways that miss the broadcast say hello with an older version and get a targeted push: at once
        // if it could not be sent at all, after the resend interval if it was sent and perhaps lost.
        if (push(stored, ""))
        {
            counters.increment(ControlPlaneCounter.PUSHES_BROADCAST);
            registry.onBroadcastPush(stored.version(), nowMs);
        }
        LOGGER.log(
            Level.INFO,
            "version " + stored.version() + " accepted from " + sourceName + " (sha256 " + stored.sha256() +
            "), pushed to every gateway; " + liveGateways + " live");

        return new SubmitDecision(
            PolicySubmitStatus.ACCEPTED,
            stored.version(),
            "stored as version " + stored.version() + " and pushed to every gateway (" + liveGateways + " live)");
    }

    private SubmitDecision invalid(final long currentVersion, final String message)
    {
        counters.increment(ControlPlaneCounter.SUBMITS_INVALID);
        return new SubmitDecision(PolicySubmitStatus.INVALID, currentVersion, message);
    }

    private int housekeeping()
    {
        int workCount = 0;
        final List<FleetRegistry.Gateway> expired = registry.expire(nowMs, context.gatewayTimeoutMs());
        for (final FleetRegistry.Gateway gateway : expired)
        {
            counters.increment(ControlPlaneCounter.GATEWAYS_EXPIRED);
            LOGGER.log(
                Level.WARNING,
                "gateway " + gateway.gatewayId + " expired: not heard from for " +
                (nowMs - gateway.lastSeenMs) + " ms");
            markSnapshotStale(true);
            workCount++;
        }

        if (null != policyFileWatcher)
        {
            switch (policyFileWatcher.poll(nowMs))
            {
                case CHANGED ->
                {
                    workCount++;
                    onPolicyFileChanged(policyFileWatcher.text());
                }
                case ERROR ->
                {
                    counters.increment(ControlPlaneCounter.POLICY_FILE_ERRORS);
                    warnings.warn(ControlPlaneCounter.POLICY_FILE_ERRORS, nowMs, "", policyFileWatcher.error());
                }
                case NONE ->
                {
                }
            }
        }

        return workCount;
    }

    private void onPolicyFileChanged(final String text)
    {
        final String sourceName = policyFileWatcher.file().toString();
        final SubmitDecision decision = submit(sourceName, text);
        final Level level = PolicySubmitStatus.INVALID == decision.status() ? Level.WARNING : Level.INFO;
        final String errors = PolicySubmitStatus.INVALID == decision.status() ?
            ":\n  " + decision.message().replace("\n", "\n  ") : "";
        LOGGER.log(
            level,
            "watched policy file " + sourceName + ": " + decision.status() + " (version " +
            decision.policyVersion() + ")" + errors);
    }

    private boolean push(final StoredPolicy policy, final String targetGatewayId)
    {
        final byte[] sourceName = policy.sourceName().getBytes(StandardCharsets.UTF_8);
        final byte[] document = policy.document().getBytes(StandardCharsets.UTF_8);
        pushEncoder.wrapAndApplyHeader(encodeBuffer, 0, headerEncoder)
            .policyVersion(policy.version())
            .issuedTimestampMs(nowMs)
            .targetGatewayId(targetGatewayId)
            .putSourceName(sourceName, 0, sourceName.length)
            .putDocument(document, 0, document.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + pushEncoder.encodedLength();
        return pushSender.send(encodeBuffer, 0, length, nowMs);
    }

    private void sendResult(final long correlationId, final SubmitDecision decision)
    {
        final int fixedLength = MessageHeaderEncoder.ENCODED_LENGTH + PolicySubmitResultEncoder.BLOCK_LENGTH +
            ControlFrames.VAR_DATA_HEADER_LENGTH;
        final byte[] message = fitMessage(decision.message(), replySender.maxMessageLength() - fixedLength);
        resultEncoder.wrapAndApplyHeader(encodeBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .status(decision.status())
            .policyVersion(decision.policyVersion())
            .putMessage(message, 0, message.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + resultEncoder.encodedLength();
        if (replySender.send(encodeBuffer, 0, length, nowMs))
        {
            counters.increment(ControlPlaneCounter.SUBMIT_RESULTS_SENT);
        }
    }

    /**
     * Cut a result message that does not fit one reply at a line boundary, saying how much was cut.
     */
    static byte[] fitMessage(final String message, final int maxLengthBytes)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxLengthBytes)
        {
            return bytes;
        }

        final String[] lines = message.split("\n", -1);
        final StringBuilder fitted = new StringBuilder();
        int fittedBytes = 0;
        int keptLines = 0;
        final int reserveBytes = 64;
        for (final String line : lines)
        {
            final int lineBytes = line.getBytes(StandardCharsets.UTF_8).length + 1;
            if (fittedBytes + lineBytes > maxLengthBytes - reserveBytes)
            {
                break;
            }
            fitted.append(line).append('\n');
            fittedBytes += lineBytes;
            keptLines++;
        }
        fitted.append("... ").append(lines.length - keptLines).append(" more lines not shown");
        final byte[] fittedMessage = fitted.toString().getBytes(StandardCharsets.UTF_8);
        return fittedMessage.length <= maxLengthBytes ? fittedMessage : new byte[0];
    }

    private static int pushOverheadLength(final String sourceName)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + PolicyPushEncoder.BLOCK_LENGTH +
            ControlFrames.VAR_DATA_HEADER_LENGTH + sourceName.getBytes(StandardCharsets.UTF_8).length +
            ControlFrames.VAR_DATA_HEADER_LENGTH;
    }

    private void badFrame(final ControlPlaneCounter counter, final int length)
    {
        counters.increment(counter);
        warnings.warn(counter, nowMs, "inbound frame ignored, length=", length);
    }

    private void markSnapshotStale(final boolean isUrgent)
    {
        isSnapshotStale = true;
        isSnapshotUrgent |= isUrgent;
    }

    private void publishSnapshot()
    {
        fleetSnapshot = registry.snapshot(currentPolicyVersion, nowMs);
        lastSnapshotMs = nowMs;
        isSnapshotStale = false;
        isSnapshotUrgent = false;
    }
}
