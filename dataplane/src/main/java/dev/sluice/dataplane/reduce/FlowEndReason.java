package dev.sluice.dataplane.reduce;

/**
 * Why a flow record was emitted; the values match the wire enum of the same name.
 */
public final class FlowEndReason
{
    /** No packet for longer than the idle timeout. */
    public static final byte IDLE_TIMEOUT = 0;
    /** Open for longer than the active timeout: a long flow is reported in slices. */
    public static final byte ACTIVE_TIMEOUT = 1;
    /** A TCP FIN was seen. */
    public static final byte TCP_FIN = 2;
    /** A TCP RST was seen. */
    public static final byte TCP_RST = 3;
    /** The table was full and this was the flow idle the longest. */
    public static final byte EVICTED = 4;
    /** The input ended, the policy changed or the gateway stopped. */
    public static final byte FLUSHED = 5;

    private FlowEndReason()
    {
    }
}
