package dev.sluice.dataplane.reduce;

import dev.sluice.dataplane.pipeline.FlowRecords;

/**
 * The key of a flow being looked up or inserted: filled field by field by the caller, then
 * passed to {@link FlowTable#update}. A mutable scratch object, reused for every packet.
 * <p>
 * Besides the 5-tuple it holds the outermost VLAN, the outermost tunnel (type and id), and
 * which IP layer the addresses and ports came from ({@link #OUTER_LAYER} or
 * {@link #INNER_LAYER}), so that a tunnelled conversation never merges with an untunnelled one
 * that happens to use the same addresses.
 * Worker thread only.
 */
public final class FlowKey
{
    /** Addresses and ports are those of the outer (first) IP header. */
    public static final byte OUTER_LAYER = FlowRecords.OUTER_LAYER;
    /** Addresses and ports are those of the innermost IP header inside a tunnel. */
    public static final byte INNER_LAYER = FlowRecords.INNER_LAYER;

    public int vlanId;
    public byte tunnelType;
    public long tunnelId;
    public byte addressLayer;
    public byte ipVersion;
    public int ipProtocol;
    public long srcHigh;
    public long srcLow;
    public long dstHigh;
    public long dstLow;
    public int srcPort;
    public int dstPort;

    /**
     * Fills every field; absent VLAN and tunnel id as -1, absent ports as 0, an untunnelled
     * packet with tunnel type 0.
     */
    public FlowKey set(
        final int vlanId,
        final byte tunnelType,
        final long tunnelId,
        final byte addressLayer,
        final byte ipVersion,
        final int ipProtocol,
        final long srcHigh,
        final long srcLow,
        final long dstHigh,
        final long dstLow,
        final int srcPort,
        final int dstPort)
    {
        this.vlanId = vlanId;
        this.tunnelType = tunnelType;
        this.tunnelId = tunnelId;
        this.addressLayer = addressLayer;
        this.ipVersion = ipVersion;
        this.ipProtocol = ipProtocol;
        this.srcHigh = srcHigh;
        this.srcLow = srcLow;
        this.dstHigh = dstHigh;
        this.dstLow = dstLow;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    /**
     * True when source (address, port) orders after destination: a bidirectional table stores
     * both directions of a conversation under the ordered key.
     */
    boolean isReversed()
    {
        return FlowTable.ordersAfter(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort);
    }
}
