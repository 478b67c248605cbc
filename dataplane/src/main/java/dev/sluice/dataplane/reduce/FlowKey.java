package dev.sluice.dataplane.reduce;

/**
 * The key of a flow being looked up or inserted: filled field by field by the caller, then
 * passed to {@link FlowTable#update}. A mutable scratch object, reused for every packet.
 * Worker thread only.
 */
public final class FlowKey
{
    public int vlanId;
    public long tunnelId;
    public byte ipVersion;
    public int ipProtocol;
    public long srcHigh;
    public long srcLow;
    public long dstHigh;
    public long dstLow;
    public int srcPort;
    public int dstPort;

    /** Fills every field; the absent ones as -1 (VLAN, tunnel) or 0 (ports). */
    public FlowKey set(
        final int vlanId,
        final long tunnelId,
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
        this.tunnelId = tunnelId;
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
        final int high = Long.compareUnsigned(srcHigh, dstHigh);
        if (high != 0)
        {
            return high > 0;
        }
        final int low = Long.compareUnsigned(srcLow, dstLow);
        if (low != 0)
        {
            return low > 0;
        }
        return srcPort > dstPort;
    }
}
