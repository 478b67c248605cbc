package dev.sluice.dataplane.decode;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The big-endian (network order) layouts every header flyweight reads with; unaligned because
 * headers sit wherever the link layer put them.
 * <p>
 * Constants only; any thread.
 */
final class NetworkByteOrder
{
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private NetworkByteOrder()
    {
    }
}
