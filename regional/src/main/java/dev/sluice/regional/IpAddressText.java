package dev.sluice.regional;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Writes IP addresses as ASCII text without allocating: IPv4 in dotted decimal, IPv6 in the
 * canonical form of RFC 5952 (lower-case hex, no leading zeros, the longest run of two or more
 * zero groups shortened to {@code ::}, the first such run on a tie, and IPv4-mapped addresses
 * {@code ::ffff:0:0/96} in mixed notation such as {@code ::ffff:192.0.2.1}).
 * <p>
 * Stateless; any thread.
 */
public final class IpAddressText
{
    /**
     * Longest IPv4 text: {@code 255.255.255.255}.
     */
    public static final int IPV4_MAX_LENGTH = 15;

    /**
     * Longest canonical IPv6 text: eight groups of four digits and seven colons.
     */
    public static final int IPV6_MAX_LENGTH = 39;

    private static final int IPV6_GROUPS = 8;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAPPED_PREFIX = "::ffff:".getBytes(StandardCharsets.US_ASCII);

    private IpAddressText()
    {
    }

    /**
     * Writes an IPv4 address in dotted decimal.
     *
     * @param dst       where to write.
     * @param dstIndex  first byte to write.
     * @param src       holding the address in network order.
     * @param srcOffset first of its 4 bytes.
     * @return bytes written, at most {@link #IPV4_MAX_LENGTH}.
     */
    public static int putIpv4(final MutableDirectBuffer dst, final int dstIndex, final DirectBuffer src, final int srcOffset)
    {
        int index = dstIndex;
        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                dst.putByte(index++, (byte)'.');
            }
            index += dst.putNaturalIntAscii(index, src.getByte(srcOffset + i) & 0xFF);
        }

        return index - dstIndex;
    }

    /**
     * Writes an IPv6 address in RFC 5952 canonical form.
     *
     * @param dst       where to write.
     * @param dstIndex  first byte to write.
     * @param src       holding the address in network order.
     * @param srcOffset first of its 16 bytes.
     * @return bytes written, at most {@link #IPV6_MAX_LENGTH}.
     */
    public static int putIpv6(final MutableDirectBuffer dst, final int dstIndex, final DirectBuffer src, final int srcOffset)
    {
        if (isIpv4Mapped(src, srcOffset))
        {
            dst.putBytes(dstIndex, MAPPED_PREFIX);
            return MAPPED_PREFIX.length + putIpv4(dst, dstIndex + MAPPED_PREFIX.length, src, srcOffset + 12);
        }

        int bestStart = -1;
        int bestLength = 0;
        int runStart = -1;
        for (int i = 0; i < IPV6_GROUPS; i++)
        {
            if (0 == group(src, srcOffset, i))
            {
                if (runStart < 0)
                {
                    runStart = i;
                }
                final int runLength = i - runStart + 1;
                if (runLength > bestLength)
                {
                    bestStart = runStart;
                    bestLength = runLength;
                }
            }
            else
            {
                runStart = -1;
            }
        }

        if (bestLength < 2)
        {
            // RFC 5952 4.2.2: "::" must not stand for a single zero group.
            bestStart = -1;
            bestLength = 0;
        }

        int index = dstIndex;
        int i = 0;
        while (i < IPV6_GROUPS)
        {
            if (i == bestStart)
            {
                dst.putByte(index++, (byte)':');
                dst.putByte(index++, (byte)':');
                i += bestLength;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                dst.putByte(index++, (byte)':');
            }
            index += putHexGroup(dst, index, group(src, srcOffset, i));
            i++;
        }

        return index - dstIndex;
    }

    /**
     * Formats an address held in a byte array; a convenience for tests and tools, it allocates.
     *
     * @param address 4 bytes (IPv4) or 16 bytes (IPv6) in network order.
     * @return the text form.
     */
    public static String format(final byte[] address)
    {
        final UnsafeBuffer src = new UnsafeBuffer(address);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[IPV6_MAX_LENGTH]);
        final int length = switch (address.length)
        {
            case 4 -> putIpv4(dst, 0, src, 0);
            case 16 -> putIpv6(dst, 0, src, 0);
            default -> throw new IllegalArgumentException("address must be 4 or 16 bytes: " + address.length);
        };

        return dst.getStringWithoutLengthAscii(0, length);
    }

    private static boolean isIpv4Mapped(final DirectBuffer src, final int srcOffset)
    {
        for (int i = 0; i < 10; i++)
        {
            if (0 != src.getByte(srcOffset + i))
            {
                return false;
            }
        }

        return (byte)0xFF == src.getByte(srcOffset + 10) && (byte)0xFF == src.getByte(srcOffset + 11);
    }

    private static int group(final DirectBuffer src, final int srcOffset, final int group)
    {
        final int offset = srcOffset + (group << 1);
        return ((src.getByte(offset) & 0xFF) << 8) | (src.getByte(offset + 1) & 0xFF);
    }

    private static int putHexGroup(final MutableDirectBuffer dst, final int dstIndex, final int value)
    {
        int index = dstIndex;
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int digit = (value >>> shift) & 0xF;
            if (started || 0 != digit || 0 == shift)
            {
                dst.putByte(index++, HEX_DIGITS[digit]);
                started = true;
            }
        }

        return index - dstIndex;
    }
}
