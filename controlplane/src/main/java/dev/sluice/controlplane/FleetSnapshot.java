package dev.sluice.controlplane;

import java.util.List;

/**
 * The control plane's view of its fleet at one moment. Immutable, so any thread may use it; the agent
 * publishes a new one when the view changes.
 *
 * @param currentPolicyVersion the store's current version, 0 when none has been accepted.
 * @param snapshotTimestampMs  epoch time the snapshot was taken, by the control plane's clock.
 * @param gateways             every live gateway, ordered by gateway id.
 */
public record FleetSnapshot(long currentPolicyVersion, long snapshotTimestampMs, List<GatewayStatus> gateways)
{
    /**
     * @param currentPolicyVersion the store's current version.
     * @param snapshotTimestampMs  epoch time the snapshot was taken.
     * @param gateways             every live gateway; copied.
     */
    public FleetSnapshot
    {
        gateways = List.copyOf(gateways);
    }

    /**
     * @param gatewayId to look for.
     * @return the gateway's status, or null when it is not live.
     */
    public GatewayStatus gateway(final String gatewayId)
    {
        for (final GatewayStatus gateway : gateways)
        {
            if (gateway.gatewayId().equals(gatewayId))
            {
                return gateway;
            }
        }
        return null;
    }
}
