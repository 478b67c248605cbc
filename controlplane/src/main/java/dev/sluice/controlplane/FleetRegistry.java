package dev.sluice.controlplane;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The live gateways, learnt from their hellos and acks, with what was pushed to each. Called only on the
 * control plane's agent thread; other threads read the {@link FleetSnapshot}s it builds.
 */
final class FleetRegistry
{
    /**
     * One gateway's mutable state; owned by the agent thread.
     */
    static final class Gateway
    {
        final String gatewayId;
        String site = "";
        String region = "";
        long appliedPolicyVersion;
        long lastSeenMs;
        AckState lastAckState = AckState.NONE;
        long lastAckPolicyVersion;
        String lastAckMessage = "";
        long lastPushedPolicyVersion;
        long lastPushMs;
        long rejectedPolicyVersion;

        Gateway(final String gatewayId)
        {
            this.gatewayId = gatewayId;
        }

        GatewayStatus toStatus()
        {
            return new GatewayStatus(
                gatewayId,
                site,
                region,
                appliedPolicyVersion,
                lastAckState,
                lastAckPolicyVersion,
                lastAckMessage,
                lastSeenMs);
        }
    }

    private final TreeMap<String, Gateway> gateways = new TreeMap<>();
    private boolean lastLookupCreated;

    /**
     * @return true when the last {@link #onHello} or {@link #onAck} added a gateway not seen before.
     */
    boolean lastLookupCreated()
    {
        return lastLookupCreated;
    }

    int size()
    {
        return gateways.size();
    }

    Gateway onHello(
        final String gatewayId,
        final String site,
        final String region,
        final long appliedPolicyVersion,
        final long nowMs)
    {
        final Gateway gateway = lookup(gatewayId);
        gateway.site = site;
        gateway.region = region;
        gateway.appliedPolicyVersion = appliedPolicyVersion;
        gateway.lastSeenMs = nowMs;
        return gateway;
    }

    Gateway onAck(
        final String gatewayId,
        final long policyVersion,
        final AckState state,
        final long appliedPolicyVersion,
        final String message,
        final long nowMs)
    {
        final Gateway gateway = lookup(gatewayId);
        gateway.lastAckState = state;
        gateway.lastAckPolicyVersion = policyVersion;
        gateway.lastAckMessage = message;
        gateway.appliedPolicyVersion = appliedPolicyVersion;
        gateway.lastSeenMs = nowMs;
        if (AckState.REJECTED == state)
        {
            gateway.rejectedPolicyVersion = Math.max(gateway.rejectedPolicyVersion, policyVersion);
        }
        return gateway;
    }

    /**
     * Should the current version be pushed to this gateway now? Not when it already runs it, not when it
     * rejected it (it would reject it again: a new version is needed), and not again before the resend
     * interval, which gives it time to apply and acknowledge.
     */
    static boolean needsPush(
        final Gateway gateway, final long currentPolicyVersion, final long nowMs, final long resendIntervalMs)
    {
        if (0 == currentPolicyVersion ||
            gateway.appliedPolicyVersion >= currentPolicyVersion ||
            gateway.rejectedPolicyVersion >= currentPolicyVersion)
        {
            return false;
        }
        return gateway.lastPushedPolicyVersion != currentPolicyVersion ||
            nowMs - gateway.lastPushMs >= resendIntervalMs;
    }

    static void onPushed(final Gateway gateway, final long policyVersion, final long nowMs)
    {
        gateway.lastPushedPolicyVersion = policyVersion;
        gateway.lastPushMs = nowMs;
    }

    void onBroadcastPush(final long policyVersion, final long nowMs)
    {
        for (final Gateway gateway : gateways.values())
        {
            onPushed(gateway, policyVersion, nowMs);
        }
    }

    /**
     * Remove gateways not heard from within the timeout.
     *
     * @return the removed gateways, empty when none.
     */
    List<Gateway> expire(final long nowMs, final long timeoutMs)
    {
        List<Gateway> expired = List.of();
        final Iterator<Gateway> iterator = gateways.values().iterator();
        while (iterator.hasNext())
        {
            final Gateway gateway = iterator.next();
            if (nowMs - gateway.lastSeenMs > timeoutMs)
            {
                if (expired.isEmpty())
                {
                    expired = new ArrayList<>();
                }
                expired.add(gateway);
                iterator.remove();
            }
        }
        return expired;
    }

    FleetSnapshot snapshot(final long currentPolicyVersion, final long nowMs)
    {
        final List<GatewayStatus> statuses = new ArrayList<>(gateways.size());
        for (final Gateway gateway : gateways.values())
        {
            statuses.add(gateway.toStatus());
        }
        return new FleetSnapshot(currentPolicyVersion, nowMs, statuses);
    }

    private Gateway lookup(final String gatewayId)
    {
        Gateway gateway = gateways.get(gatewayId);
        lastLookupCreated = null == gateway;
        if (lastLookupCreated)
        {
            gateway = new Gateway(gatewayId);
            gateways.put(gatewayId, gateway);
        }
        return gateway;
    }
}
