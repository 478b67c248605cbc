package dev.sluice.dataplane.control;

import dev.sluice.dataplane.pipeline.PolicyHolder;
import dev.sluice.dataplane.pipeline.PolicySnapshot;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.protocol.chunk.ChunkFailure;
import dev.sluice.protocol.codec.GatewayHelloEncoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PolicyAckEncoder;
import dev.sluice.protocol.codec.PolicyAckStatus;
import dev.sluice.protocol.codec.PolicyPushChunkDecoder;
import dev.sluice.protocol.codec.PolicyPushDecoder;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.aeron.FragmentAssembler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The gateway's link to the control plane: says hello periodically (who it is, which policy
 * version it runs), receives policy pushes, validates and builds each new version off the
 * data path, hands it to the workers, and acknowledges the version applied or the errors.
 * A gateway given an invalid policy keeps the one it has. A document too long for one message
 * arrives in chunks ({@link ChunkedPushReceiver}); one that does not arrive whole is acknowledged
 * INCOMPLETE, and the gateway keeps its policy until the control plane pushes it again.
 * Runs on the conductor thread (or is driven by {@link #doWork()} in tests).
 */
public final class GatewayConductor implements Agent
{
    private static final System.Logger LOG = System.getLogger(GatewayConductor.class.getName());
    private static final int FRAGMENT_LIMIT = 10;
    private static final int MAX_PENDING_ACKS = 64;
    private static final long HELLO_RETRY_MS = 100;

    private final String gatewayId;
    private final String site;
    private final String region;
    private final Subscription pushSubscription;
    private final Publication controlPublication;
    private final PolicyHolder policyHolder;
    private final PolicyInstaller installer;
    private final EpochClock clock;
    private final long helloIntervalMs;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PolicyPushDecoder pushDecoder = new PolicyPushDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final GatewayHelloEncoder helloEncoder = new GatewayHelloEncoder();
    private final PolicyAckEncoder ackEncoder = new PolicyAckEncoder();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(1024);
    private final ArrayDeque<byte[]> pendingAcks = new ArrayDeque<>();
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(0, 0);
    private final FragmentHandler fragmentHandler = new FragmentAssembler(this::onFragment);
    private final ChunkedPushReceiver chunkedPushReceiver;

    private long nextHelloMs;
    private long pushesReceived;
    private long pushesRejected;
    private long framesIgnored;
    private volatile String lastRejection = "";

    public GatewayConductor(
        final String gatewayId,
        final String site,
        final String region,
        final Subscription pushSubscription,
        final Publication controlPublication,
        final PolicyHolder policyHolder,
        final PolicyInstaller installer,
        final EpochClock clock,
        final long helloIntervalMs)
    {
        this.gatewayId = gatewayId;
        this.site = site;
        this.region = region;
        this.pushSubscription = pushSubscription;
        this.controlPublication = controlPublication;
        this.policyHolder = policyHolder;
        this.installer = installer;
        this.clock = clock;
        this.helloIntervalMs = helloIntervalMs;
        this.chunkedPushReceiver = new ChunkedPushReceiver(gatewayId, new ChunkedPushReceiver.Listener()
        {
            public void onPolicyPush(final long version, final String sourceName, final String document)
            {
                pushesReceived++;
                GatewayConductor.this.onPolicyPush(version, sourceName, document);
            }

            public void onPushIncomplete(final long version, final ChunkFailure failure)
            {
                GatewayConductor.this.onPushIncomplete(version, failure);
            }
        });
    }

    @Override
    public String roleName()
    {
        return "gateway-conductor";
    }

    @Override
    public int doWork()
    {
        int work = pushSubscription.poll(fragmentHandler, FRAGMENT_LIMIT);
        work += sendPendingAcks();
        work += installer.doKeyWork();
        final long nowMs = clock.time();
        if (nowMs >= nextHelloMs)
        {
            // Until the control plane is reachable, retry a little more often than the interval.
            nextHelloMs = nowMs + (sendHello(nowMs) ? helloIntervalMs : Math.min(helloIntervalMs, HELLO_RETRY_MS));
            work++;
        }
        return work;
    }

    /**
     * Applies a policy document directly (a bootstrap policy from the gateway's own config, or
     * a test), with the same checks as a pushed one.
     *
     * @return the errors, empty when applied
     */
    public List<String> applyLocal(final long version, final String sourceName, final String document)
    {
        return install(version, sourceName, document);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            framesIgnored++;
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() == PolicyPushChunkDecoder.SCHEMA_ID &&
            headerDecoder.templateId() == PolicyPushChunkDecoder.TEMPLATE_ID)
        {
            if (!chunkedPushReceiver.onFrame(buffer, offset, length, headerDecoder))
            {
                framesIgnored++;
            }
            return;
        }
        if (headerDecoder.schemaId() != PolicyPushDecoder.SCHEMA_ID ||
            headerDecoder.templateId() != PolicyPushDecoder.TEMPLATE_ID)
        {
            framesIgnored++;
            return;
        }
        if (!isWellFormedPush(buffer, offset, length))
        {
            framesIgnored++;
            return;
        }
        pushDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final String target = pushDecoder.targetGatewayId();
        if (!target.isEmpty() && !target.equals(gatewayId))
        {
            return;
        }
        final long version = pushDecoder.policyVersion();
        final String sourceName = pushDecoder.sourceName();
        final String document = pushDecoder.document();
        pushesReceived++;
        onPolicyPush(version, sourceName, document);
    }

    /**
     * Checks the block and both variable-length fields lie inside the frame before the decoder
     * reads them: a damaged or hostile frame is ignored and counted, never an exception.
     */
    private boolean isWellFormedPush(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        final int blockLength = headerDecoder.blockLength();
        if (blockLength < PolicyPushDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        long position = (long)offset + MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
        for (int field = 0; field < 2; field++)
        {
            if (position + PolicyPushDecoder.sourceNameHeaderLength() > end)
            {
                return false;
            }
            final long fieldLength = buffer.getInt((int)position, PolicyPushDecoder.BYTE_ORDER) & 0xFFFF_FFFFL;
            position += PolicyPushDecoder.sourceNameHeaderLength() + fieldLength;
            if (position > end)
            {
                return false;
            }
        }
        return true;
    }

    private void onPolicyPush(final long version, final String sourceName, final String document)
    {
        final long applied = policyHolder.appliedVersion();
        if (version <= applied)
        {
            queueAck(version, PolicyAckStatus.STALE,
                "version " + version + " is not newer than the applied version " + applied);
            return;
        }
        final List<String> errors = install(version, sourceName, document);
        if (errors.isEmpty())
        {
            queueAck(version, PolicyAckStatus.APPLIED, "");
        }
        else
        {
            pushesRejected++;
            final String message = String.join("\n", errors);
            lastRejection = message;
            LOG.log(System.Logger.Level.WARNING, "rejected policy version " + version + " from " + sourceName +
                "; keeping version " + policyHolder.appliedVersion() + ":\n" + message);
            queueAck(version, PolicyAckStatus.REJECTED, message);
        }
    }

    private void onPushIncomplete(final long version, final ChunkFailure failure)
    {
        if (ChunkFailure.ORPHANED == failure)
        {
            // The rest of a push whose start this gateway missed (it joined mid-transfer, or the start was
            // discarded and acknowledged already): counted, not acknowledged once per chunk.
            return;
        }
        final String message = "policy version " + version + " did not arrive whole: " + failure.description() +
            "; keeping version " + policyHolder.appliedVersion() + " (" + failure.hint() + ")";
        LOG.log(System.Logger.Level.WARNING, message);
        queueAck(version, PolicyAckStatus.INCOMPLETE, message);
    }

    private List<String> install(final long version, final String sourceName, final String document)
    {
        final PolicyParseResult parsed = PolicyParser.parse(sourceName, document);
        if (parsed.hasErrors())
        {
            return parsed.diagnostics().stream()
                .filter(Diagnostic::isError)
                .map(Diagnostic::toString)
                .collect(Collectors.toList());
        }
        final PolicyInstaller.Result result = installer.build(version, parsed.policy().orElseThrow());
        if (!result.errors().isEmpty())
        {
            return result.errors().stream().map(e -> sourceName + ": " + e).collect(Collectors.toList());
        }
        final PolicySnapshot snapshot = result.snapshot();
        policyHolder.apply(snapshot);
        LOG.log(System.Logger.Level.INFO, "applied policy '" + snapshot.name() + "' version " + version + " from " + sourceName);
        return List.of();
    }

    private void queueAck(final long version, final PolicyAckStatus status, final String message)
    {
        ackEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .gatewayId(gatewayId)
            .policyVersion(version)
            .status(status)
            .appliedPolicyVersion(policyHolder.appliedVersion())
            .message(message);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength();
        final byte[] frame = new byte[length];
        sendBuffer.getBytes(0, frame);
        if (pendingAcks.size() == MAX_PENDING_ACKS)
        {
            pendingAcks.pollFirst();
        }
        pendingAcks.addLast(frame);
        sendPendingAcks();
    }

    private int sendPendingAcks()
    {
        int sent = 0;
        while (!pendingAcks.isEmpty())
        {
            final byte[] frame = pendingAcks.peekFirst();
            frameBuffer.wrap(frame);
            if (controlPublication.offer(frameBuffer, 0, frame.length) < 0)
            {
                break;
            }
            pendingAcks.pollFirst();
            sent++;
        }
        return sent;
    }

    private boolean sendHello(final long nowMs)
    {
        helloEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .gatewayId(gatewayId)
            .site(site)
            .region(region)
            .appliedPolicyVersion(policyHolder.appliedVersion())
            .timestampMs(nowMs);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + helloEncoder.encodedLength();
        return controlPublication.offer(sendBuffer, 0, length) > 0;
    }

    public long pushesReceived()
    {
        return pushesReceived;
    }

    public long pushesRejected()
    {
        return pushesRejected;
    }

    public long framesIgnored()
    {
        return framesIgnored;
    }

    /**
     * @param failure a reason a chunked push is discarded.
     * @return how many were discarded (or, for {@link ChunkFailure#ORPHANED}, chunks ignored) for it.
     */
    public long chunkedPushFailures(final ChunkFailure failure)
    {
        return chunkedPushReceiver.failures(failure);
    }

    /** Chunks of pushes addressed to this gateway received so far. */
    public long pushChunksReceived()
    {
        return chunkedPushReceiver.chunksReceived();
    }

    /** The error text of the last rejected push; any thread. */
    public String lastRejection()
    {
        return lastRejection;
    }
}
