package dev.sluice.controlplane;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.chunk.DocumentChunking;
import dev.sluice.protocol.chunk.DocumentReassembler;
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
 * and pushes submitted policies (from the CLI over Aeron or from a watched file), and answers submits. A
 * document too long for one message (up to {@link DocumentChunking#MAX_DOCUMENT_BYTES}) is received and
 * pushed in chunks.
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
    private final DocumentReassembler submitReassembler = new DocumentReassembler(DocumentChunking.MAX_DOCUMENT_BYTES);

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
    private String chunkSourceName;
    private String activeSubmitSourceName = UNNAMED_SOURCE;
    private long encodedDocumentVersion = -1;
    private byte[] encodedDocument;
    private long encodedDocumentCrc32c;

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
    private final class InboundDispatcher implements FragmentHandler, InboundHandler, DocumentReassembler.Listener
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

        public void onPolicySubmitChunk(
            final long correlationId,
            final long chunkIndex,
            final long chunkCount,
            final long totalLength,
            final long documentCrc32c,
            final String sourceName,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            counters.increment(ControlPlaneCounter.SUBMIT_CHUNKS_RECEIVED);
            // Chunk 0's name is the transfer's only once the reassembler has started it: a refused chunk 0
            // must not rename the transfer in progress. A one-chunk document completes within this call.
            chunkSourceName = sourceName;
            submitReassembler.onChunk(
                correlationId, chunkIndex, chunkCount, totalLength, documentCrc32c, buffer, offset, length, this);
            if (null != sourceName && submitReassembler.isActive() && submitReassembler.activeKey() == correlationId)
            {
                activeSubmitSourceName = sourceName;
            }
            chunkSourceName = null;
        }

        public void onDocument(final long correlationId, final byte[] document, final int length)
        {
            final String sourceName = null != chunkSourceName ? chunkSourceName : activeSubmitSourceName;
            ControlPlane.this.onPolicySubmit(
                correlationId, sourceName, new String(document, 0, length, StandardCharsets.UTF_8));
        }

        public void onFailure(final long correlationId, final ChunkFailure failure)
        {
            onSubmitTransferFailed(correlationId, failure);
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
            case INCOMPLETE -> AckState.INCOMPLETE;
            case NULL_VAL -> AckState.NONE;
        };
        registry.onAck(gatewayId, policyVersion, state, appliedPolicyVersion, message, nowMs);
        markSnapshotStale(true);

        if (AckState.INCOMPLETE == state)
        {
            // Not a rejection: the gateway never saw the whole document, so it is pushed again when its
            // next hello still shows the old version after the resend interval.
            counters.increment(ControlPlaneCounter.POLICY_ACKS_INCOMPLETE);
            LOGGER.log(
                Level.WARNING,
                "gateway " + gatewayId + " did not receive version " + policyVersion + " whole and runs " +
                appliedPolicyVersion + "; it is pushed again after " + context.pushResendIntervalMs() + " ms: " +
                message);
        }
        else if (AckState.REJECTED == state)
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

    private void onSubmitTransferFailed(final long correlationId, final ChunkFailure failure)
    {
        final ControlPlaneCounter counter = ControlPlaneCounter.of(failure);
        counters.increment(counter);
        warnings.warn(
            counter,
            nowMs,
            "chunked submit " + correlationId + " discarded: " + failure.description() + "; " + failure.hint(),
            "");
        if (ChunkFailure.ORPHANED != failure)
        {
            // An orphan belongs to a transfer already answered (superseded) or never started: no result, or
            // a CLI would get one per remaining chunk.
            counters.increment(ControlPlaneCounter.SUBMITS_INVALID);
            sendResult(correlationId, new SubmitDecision(
                PolicySubmitStatus.INVALID,
                store.currentVersion(),
                "error: the document did not arrive whole (" + failure.name().toLowerCase() + "): " +
                failure.description() + "; submit it again (" + failure.hint() + ")"));
        }
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
        if (documentLength > DocumentChunking.MAX_DOCUMENT_BYTES)
        {
            return invalid(
                currentVersion,
                sourceName + ": error: document is " + documentLength + " bytes; a policy is at most " +
                DocumentChunking.MAX_DOCUMENT_BYTES + " bytes (16 MiB): split it or shorten its lists");
        }
        if (documentLength > maxSinglePushDocumentLength(sourceName) && 0 == pushChunkLength(sourceName))
        {
            return invalid(
                currentVersion,
                sourceName + ": error: the source name is too long to push a document in chunks; rename the file");
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
        final byte[] document = encodedDocument(policy);
        if (document.length > maxSinglePushDocumentLength(policy.sourceName()))
        {
            // Too long for one PolicyPush: chunks, queued as one message so no other push comes between them.
            final PolicyPushChunks chunks = new PolicyPushChunks(
                policy.version(),
                nowMs,
                targetGatewayId,
                sourceName,
                document,
                encodedDocumentCrc32c,
                pushChunkLength(policy.sourceName()));
            if (pushSender.send(chunks, nowMs))
            {
                counters.increment(ControlPlaneCounter.PUSHES_CHUNKED);
                return true;
            }
            return false;
        }

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

    /**
     * A document up to this long goes in one PolicyPush, which gateways of schema version 4 read too.
     */
    private int maxSinglePushDocumentLength(final String sourceName)
    {
        return pushSender.maxMessageLength() - pushOverheadLength(sourceName);
    }

    private int pushChunkLength(final String sourceName)
    {
        return DocumentChunking.chunkLength(
            pushSender.maxMessageLength(),
            PolicyPushChunks.overheadLength(sourceName.getBytes(StandardCharsets.UTF_8).length));
    }

    /**
     * The current version's UTF-8 bytes and CRC32C, encoded once and shared by every push of it: a broadcast
     * and targeted pushes to lagging gateways may all sit in the queue at once.
     */
    private byte[] encodedDocument(final StoredPolicy policy)
    {
        if (encodedDocumentVersion != policy.version())
        {
            encodedDocument = policy.document().getBytes(StandardCharsets.UTF_8);
            encodedDocumentCrc32c = DocumentChunking.crc32c(encodedDocument);
            encodedDocumentVersion = policy.version();
        }
        return encodedDocument;
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
