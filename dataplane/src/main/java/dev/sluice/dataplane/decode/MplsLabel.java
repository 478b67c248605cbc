package dev.sluice.dataplane.decode;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.decode.NetworkByteOrder.U32;

/**
 * Flyweight over one MPLS label stack entry (RFC 3032); a stack is a run of these, the last
 * with the bottom-of-stack bit set.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Label                  | TC  |S|      TTL      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (TC: traffic class; S: bottom of stack)
 * </pre>
 * Accessors read at fixed offsets; callers check {@link #length()} against {@link #LENGTH}
 * first. Owned by one decoder, called only by its worker thread.
 */
public final class MplsLabel
{
    public static final int ENTRY_OFFSET = 0;
    public static final int LENGTH = 4;

    private static final int BOTTOM_OF_STACK = 0x100;

    private MemorySegment segment;
    private long offset;
    private int length;

    /** Points this flyweight at an entry starting at {@code offset} with {@code length} readable bytes. */
    public MplsLabel wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Readable bytes from the start of the entry. */
    public int length()
    {
        return length;
    }

    /** The 20-bit label. */
    public int label()
    {
        return entry() >>> 12;
    }

    public int trafficClass()
    {
        return (entry() >>> 9) & 0x7;
    }

    public boolean bottomOfStack()
    {
        return (entry() & BOTTOM_OF_STACK) != 0;
    }

    public int ttl()
    {
        return entry() & 0xFF;
    }

    /** The label of the entry at {@code offset} in {@code segment}, for lazy readers that need no flyweight. */
    public static int label(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset + ENTRY_OFFSET) >>> 12;
    }

    private int entry()
    {
        return segment.get(U32, offset + ENTRY_OFFSET);
    }
}
