package dev.sluice.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds pcapng files block by block for tests, each section in the byte order it is started
 * with, so readers can be fed multiple sections, both byte orders, odd resolutions and block
 * types that real writers rarely produce.
 * <p>
 * Not thread safe; one test at a time.
 */
public final class PcapngBuilder
{
    public static final int SECTION_HEADER = 0x0A0D0D0A;
    public static final int INTERFACE_DESCRIPTION = 1;
    public static final int OBSOLETE_PACKET = 2;
    public static final int SIMPLE_PACKET = 3;
    public static final int NAME_RESOLUTION = 4;
    public static final int INTERFACE_STATISTICS = 5;
    public static final int ENHANCED_PACKET = 6;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Starts a section (version 1.0, unknown length) in {@code byteOrder}. */
    public PcapngBuilder section(final ByteOrder byteOrder)
    {
        order = byteOrder;
        return block(SECTION_HEADER, buffer(16).putInt(0x1A2B3C4D).putShort((short)1).putShort((short)0).putLong(-1L));
    }

    /**
     * Describes an interface; {@code tsresol} (the raw option byte) and {@code tsoffsetSeconds}
     * are written as options when not null.
     */
    public PcapngBuilder interfaceDescription(
        final int linkType, final int snapLength, final Integer tsresol, final Long tsoffsetSeconds)
    {
        final ByteBuffer body = buffer(64).putShort((short)linkType).putShort((short)0).putInt(snapLength);
        if (null != tsresol)
        {
            body.putShort((short)9).putShort((short)1).put((byte)(int)tsresol).put(new byte[3]);
        }
        if (null != tsoffsetSeconds)
        {
            body.putShort((short)14).putShort((short)8).putLong(tsoffsetSeconds);
        }
        if (null != tsresol || null != tsoffsetSeconds)
        {
            body.putShort((short)0).putShort((short)0);
        }
        return block(INTERFACE_DESCRIPTION, body);
    }

    public PcapngBuilder enhancedPacket(final int interfaceId, final long ticks, final byte[] data, final int wireLength)
    {
        final ByteBuffer body = buffer(20 + padded(data.length))
            .putInt(interfaceId).putInt((int)(ticks >>> 32)).putInt((int)ticks).putInt(data.length).putInt(wireLength);
        body.put(data).put(new byte[padded(data.length) - data.length]);
        return block(ENHANCED_PACKET, body);
    }

    public PcapngBuilder obsoletePacket(final int interfaceId, final long ticks, final byte[] data, final int wireLength)
    {
        final ByteBuffer body = buffer(20 + padded(data.length))
            .putShort((short)interfaceId).putShort((short)0).putInt((int)(ticks >>> 32)).putInt((int)ticks)
            .putInt(data.length).putInt(wireLength);
        body.put(data).put(new byte[padded(data.length) - data.length]);
        return block(OBSOLETE_PACKET, body);
    }

    public PcapngBuilder simplePacket(final byte[] data, final int wireLength)
    {
        final ByteBuffer body = buffer(4 + padded(data.length)).putInt(wireLength);
        body.put(data).put(new byte[padded(data.length) - data.length]);
        return block(SIMPLE_PACKET, body);
    }

    /** Any block type with a body of {@code bodyLength} zero bytes. */
    public PcapngBuilder opaque(final int type, final int bodyLength)
    {
        return block(type, buffer(bodyLength).put(new byte[bodyLength]));
    }

    public byte[] build()
    {
        return out.toByteArray();
    }

    private PcapngBuilder block(final int type, final ByteBuffer body)
    {
        body.flip();
        final int bodyLength = padded(body.remaining());
        final ByteBuffer block = buffer(12 + bodyLength).putInt(type).putInt(12 + bodyLength);
        block.put(body).put(new byte[bodyLength - body.limit()]).putInt(12 + bodyLength);
        out.writeBytes(block.array());
        return this;
    }

    private ByteBuffer buffer(final int capacity)
    {
        return ByteBuffer.allocate(capacity).order(order);
    }

    private static int padded(final int length)
    {
        return (length + 3) & ~3;
    }
}
