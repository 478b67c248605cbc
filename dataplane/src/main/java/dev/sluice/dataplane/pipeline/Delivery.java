package dev.sluice.dataplane.pipeline;

/**
 * What the residency stage decided for one item and one destination region, one byte per
 * (destination, item) in {@link PacketBurst#delivery}.
 */
public final class Delivery
{
    /** The item is not bound for this destination (not PASS). */
    public static final byte NONE = 0;
    /** Sent as it is: every data class in it may reach this region raw. */
    public static final byte RAW = 1;
    /** Sent with the fields of some classes transformed, as the residency rules require. */
    public static final byte TRANSFORMED = 2;
    /** Not sent: a data class in it may not reach this region in any form (fail closed). */
    public static final byte BLOCKED = 3;
    /** Not sent: the item's rule routes it to other regions ({@code route}); not a residency decision. */
    public static final byte NOT_ROUTED = 4;

    private Delivery()
    {
    }
}
