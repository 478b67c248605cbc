package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U16;

/**
 * Flyweight over the 4 bytes of an IEEE 802.1Q or 802.1ad tag that follow its tag EtherType:
 * the tag control information and the EtherType of what comes next.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | PCP |D|        VLAN id        |   EtherType of next header    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (D: drop eligible indicator)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class VlanTag
{
    public static final int TAG_CONTROL_OFFSET = 0;
    public static final int ETHER_TYPE_OFFSET = 2;
    public static final int LENGTH = 4;

    private static final int VLAN_ID_MASK = 0x0FFF;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at a tag starting at {@code offset} with {@code length} readable bytes. */
    public VlanTag wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Readable bytes from the start of the tag. */
    public int length()
    {
        return length;
    }

    /** Priority code point, 0..7. */
    public int priority()
    {
        return tagControl() >>> 13;
    }

    public boolean dropEligible()
    {
        return (tagControl() & 0x1000) != 0;
    }

    /** VLAN identifier, 0..4095 (0: priority tag only). */
    public int vlanId()
    {
        return tagControl() & VLAN_ID_MASK;
    }

    public int etherType()
    {
        return segment.get(U16, offset + ETHER_TYPE_OFFSET) & 0xFFFF;
    }

    private int tagControl()
    {
        return segment.get(U16, offset + TAG_CONTROL_OFFSET) & 0xFFFF;
    }
}
