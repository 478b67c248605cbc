package dev.sluice.controlplane;

/**
 * One gateway in a {@link FleetSnapshot}. Immutable, so any thread may use it.
 *
 * @param gatewayId            the gateway's name.
 * @param site                 edge site it runs at (empty until its first hello).
 * @param region               region it belongs to (empty until its first hello).
 * @param appliedPolicyVersion version it runs, as last reported by a hello or an ack; 0 for none.
 * @param lastAckState         its last acknowledgement, {@link AckState#NONE} if none yet.
 * @param lastAckPolicyVersion the version that acknowledgement was for; 0 if none yet.
 * @param lastAckMessage       the acknowledgement's message (every error, one per line, when rejected).
 * @param lastSeenMs           epoch time of its last hello or ack, by the control plane's clock.
 */
public record GatewayStatus(
    String gatewayId,
    String site,
    String region,
    long appliedPolicyVersion,
    AckState lastAckState,
    long lastAckPolicyVersion,
    String lastAckMessage,
    long lastSeenMs)
{
}
