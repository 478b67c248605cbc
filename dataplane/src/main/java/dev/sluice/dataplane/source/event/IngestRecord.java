package dev.sluice.dataplane.source.event;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Flyweight over the fixed header that starts every ingest ring record; the message bytes follow it.
 * Written by an event loop thread between claim and commit, read by the ring's consumer; a view
 * belongs to one thread.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          receive time, ns since the epoch (little endian)     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  peer address, 16 bytes in network order: an IPv4 address    |
 *  |  fills the first 4 (flag IPV6 clear), the rest are zero       |
 *  |                                                               |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |  peer port (big endian)       |  listener index (little end.) |
 *  +-------------------------------+-------------------------------+
 *  |  flags (little endian)        |  reserved, zero               |
 *  +-------------------------------+-------------------------------+
 *  |  message bytes ...                                            |
 * </pre>
 */
public final class IngestRecord
{
    public static final int RECEIVE_TIME_NS_OFFSET = 0;
    public static final int PEER_ADDRESS_OFFSET = 8;
    public static final int PEER_ADDRESS_LENGTH = 16;
    public static final int IPV4_ADDRESS_LENGTH = 4;
    public static final int PEER_PORT_OFFSET = 24;
    public static final int LISTENER_INDEX_OFFSET = 26;
    public static final int FLAGS_OFFSET = 28;
    public static final int RESERVED_OFFSET = 30;
    /** Bytes before the message. */
    public static final int HEADER_LENGTH = 32;

    /** The peer address is IPv6 (all 16 bytes); clear for IPv4 (the first 4). */
    public static final int FLAG_IPV6 = 1;
    /** The message arrived over TLS. */
    public static final int FLAG_TLS = 1 << 1;
    /** The record is an NDJSON batch ({@link EventRing#NDJSON_BATCH_TYPE_ID}): many JSON lines. */
    public static final int FLAG_BATCH = 1 << 2;

    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemorySegment segment;
    private long offset;

    /**
     * @param segment the memory holding the record.
     * @param offset  where the header starts.
     * @return this.
     */
    public IngestRecord wrap(final MemorySegment segment, final long offset)
    {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    /**
     * @return where the header starts in {@link #segment()}.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * @return the memory the view is over.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * @return where the message starts in {@link #segment()}.
     */
    public long messageOffset()
    {
        return offset + HEADER_LENGTH;
    }

    public long receiveTimeNs()
    {
        return segment.get(LONG_LE, offset + RECEIVE_TIME_NS_OFFSET);
    }

    public IngestRecord receiveTimeNs(final long epochNs)
    {
        segment.set(LONG_LE, offset + RECEIVE_TIME_NS_OFFSET, epochNs);
        return this;
    }

    public int peerPort()
    {
        return segment.get(SHORT_BE, offset + PEER_PORT_OFFSET) & 0xFFFF;
    }

    public int listenerIndex()
    {
        return segment.get(SHORT_LE, offset + LISTENER_INDEX_OFFSET) & 0xFFFF;
    }

    public int flags()
    {
        return segment.get(SHORT_LE, offset + FLAGS_OFFSET) & 0xFFFF;
    }

    public boolean isIpv6()
    {
        return (flags() & FLAG_IPV6) != 0;
    }

    /**
     * @return the IPv4 peer address as an int in network order's significance (a.b.c.d = a &lt;&lt; 24 | ...);
     * meaningful when {@link #isIpv6()} is false.
     */
    public int peerIpv4()
    {
        return segment.get(INT_BE, offset + PEER_ADDRESS_OFFSET);
    }

    /**
     * @param index 0 to 15.
     * @return one byte of the peer address (the first 4 only for IPv4).
     */
    public int peerAddressByte(final int index)
    {
        return segment.get(ValueLayout.JAVA_BYTE, offset + PEER_ADDRESS_OFFSET + index) & 0xFF;
    }

    /**
     * Copies the peer address out; for tools and tests, it allocates.
     *
     * @return the peer address.
     */
    public InetAddress peerAddress()
    {
        final byte[] bytes = new byte[isIpv6() ? 16 : 4];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + PEER_ADDRESS_OFFSET, bytes, 0, bytes.length);
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Writes the peer and listener fields in one go.
     *
     * @param peerAddress   4 or 16 bytes in network order, as {@link InetAddress#getAddress()} gives them.
     * @param peerPort      the peer's port.
     * @param listenerIndex the listener's index in the ingest configuration.
     * @param flags         FLAG_* bits other than {@link #FLAG_IPV6}, which follows from the address.
     * @return this.
     */
    public IngestRecord peer(final byte[] peerAddress, final int peerPort, final int listenerIndex, final int flags)
    {
        final long addressOffset = offset + PEER_ADDRESS_OFFSET;
        MemorySegment.copy(peerAddress, 0, segment, ValueLayout.JAVA_BYTE, addressOffset, peerAddress.length);
        if (peerAddress.length == IPV4_ADDRESS_LENGTH)
        {
            segment.set(INT_BE, addressOffset + 4, 0);
            segment.set(LONG_LE, addressOffset + 8, 0L);
        }
        segment.set(SHORT_BE, offset + PEER_PORT_OFFSET, (short)peerPort);
        segment.set(SHORT_LE, offset + LISTENER_INDEX_OFFSET, (short)listenerIndex);
        final int allFlags = peerAddress.length == PEER_ADDRESS_LENGTH ? flags | FLAG_IPV6 : flags & ~FLAG_IPV6;
        segment.set(SHORT_LE, offset + FLAGS_OFFSET, (short)allFlags);
        segment.set(SHORT_LE, offset + RESERVED_OFFSET, (short)0);
        return this;
    }
}
