package dev.sluice.dataplane.decode.event.cef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Parses an IPv4 or IPv6 address written as text (a CEF {@code src=10.0.0.1}, a LEEF
 * {@code dst=2001:db8::5}) where it lies, without allocating, so address values reach CIDR tests and
 * Crypto-PAn as addresses. Accepts dotted quads without leading zeros (as {@code inet_pton} does) and
 * RFC 4291 IPv6 text ({@code ::} once, an IPv4 tail); anything else, including a zone
 * ({@code fe80::1%eth0}) or surrounding spaces, is not an address. One thread.
 */
public final class AddressText
{
    /** Six groups and a dotted quad, or eight groups, without {@code ::}. */
    private static final int IPV6_MIN_COLONS_WITHOUT_COMPRESSION = 6;

    /** The longest IPv6 text: eight groups of four and seven colons, or six groups and a dotted quad. */
    static final int MAX_TEXT_LENGTH = 45;
    private static final int IPV6_GROUPS = 8;

    private final int[] groups = new int[IPV6_GROUPS];
    private int version;
    private long high;
    private long low;

    /**
     * @param segment holds the text.
     * @param offset  where it starts.
     * @param length  its length.
     * @return 4 or 6 when the whole text is an address (then {@link #high()} and {@link #low()} hold it), else 0.
     */
    public int parse(final MemorySegment segment, final long offset, final int length)
    {
        version = 0;
        high = 0;
        low = 0;
        if (length < 2 || length > MAX_TEXT_LENGTH)
        {
            return 0;
        }
        final long v4 = parseIpv4(segment, offset, length);
        if (v4 >= 0)
        {
            low = v4;
            version = 4;
        }
        else if (parseIpv6(segment, offset, length))
        {
            version = 6;
        }
        return version;
    }

    /**
     * @return 4 or 6 after a successful {@link #parse}, else 0.
     */
    public int version()
    {
        return version;
    }

    /**
     * @return IPv6: bits 127..64; IPv4: 0.
     */
    public long high()
    {
        return high;
    }

    /**
     * @return IPv6: bits 63..0; IPv4: the address as an unsigned 32-bit value.
     */
    public long low()
    {
        return low;
    }

    /**
     * @return the address as an unsigned 32-bit value, or -1 when the text is not a dotted quad.
     */
    static long parseIpv4(final MemorySegment segment, final long offset, final int length)
    {
        long address = 0;
        int octets = 0;
        int i = 0;
        while (i < length)
        {
            int value = 0;
            final int start = i;
            while (i < length)
            {
                final byte b = segment.get(ValueLayout.JAVA_BYTE, offset + i);
                if (b < '0' || b > '9')
                {
                    break;
                }
                value = value * 10 + (b - '0');
                i++;
                if (i - start > 3)
                {
                    return -1;
                }
            }
            final int digits = i - start;
            if (0 == digits || value > 255 || (digits > 1 && '0' == segment.get(ValueLayout.JAVA_BYTE, offset + start)))
            {
                return -1;
            }
            address = (address << 8) | value;
            octets++;
            if (i == length)
            {
                break;
            }
            if (octets == 4 || '.' != segment.get(ValueLayout.JAVA_BYTE, offset + i))
            {
                return -1;
            }
            i++;
            if (i == length)
            {
                return -1;
            }
        }
        return 4 == octets ? address : -1;
    }

    private boolean parseIpv6(final MemorySegment segment, final long offset, final int length)
    {
        int count = 0;
        int compressAt = -1;
        int i = 0;
        if (':' == segment.get(ValueLayout.JAVA_BYTE, offset))
        {
            if (':' != segment.get(ValueLayout.JAVA_BYTE, offset + 1))
            {
                return false;
            }
            compressAt = 0;
            i = 2;
        }
        while (i < length)
        {
            final int start = i;
            int value = 0;
            while (i < length && i - start <= 4)
            {
                final int digit = hexValue(segment.get(ValueLayout.JAVA_BYTE, offset + i));
                if (digit < 0)
                {
                    break;
                }
                value = (value << 4) | digit;
                i++;
            }
            if (i < length && '.' == segment.get(ValueLayout.JAVA_BYTE, offset + i))
            {
                if (count > IPV6_GROUPS - 2)
                {
                    return false;
                }
                final long v4 = parseIpv4(segment, offset + start, length - start);
                if (v4 < 0)
                {
                    return false;
                }
                groups[count++] = (int)(v4 >>> 16);
                groups[count++] = (int)(v4 & 0xFFFF);
                break;
            }
            final int digits = i - start;
            if (0 == digits || digits > 4 || count == IPV6_GROUPS)
            {
                return false;
            }
            groups[count++] = value;
            if (i == length)
            {
                break;
            }
            if (':' != segment.get(ValueLayout.JAVA_BYTE, offset + i))
            {
                return false;
            }
            i++;
            if (i == length)
            {
                return false;
            }
            if (':' == segment.get(ValueLayout.JAVA_BYTE, offset + i))
            {
                if (compressAt >= 0)
                {
                    return false;
                }
                compressAt = count;
                i++;
            }
        }
        if (compressAt < 0 ? count != IPV6_GROUPS : count > IPV6_GROUPS - 1)
        {
            return false;
        }
        final int zeros = IPV6_GROUPS - count;
        long h = 0;
        long l = 0;
        int source = 0;
        for (int g = 0; g < IPV6_GROUPS; g++)
        {
            final int group;
            if (compressAt >= 0 && g >= compressAt && g < compressAt + zeros)
            {
                group = 0;
            }
            else
            {
                group = groups[source++];
            }
            if (g < 4)
            {
                h = (h << 16) | group;
            }
            else
            {
                l = (l << 16) | group;
            }
        }
        high = h;
        low = l;
        return true;
    }

    private static int hexValue(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    /**
     * A cheap necessary condition for IPv6 text in {@code text[start, end)}, to spare
     * {@link #parse} the times ({@code 22:14:15}) and MACs: a {@code ::}, or at least six colons
     * (six groups and a dotted quad, or eight groups).
     */
    public static boolean mayBeIpv6(final byte[] text, final int start, final int end)
    {
        int colons = 0;
        byte previous = 0;
        for (int i = start; i < end; i++)
        {
            final byte b = text[i];
            if (':' == b)
            {
                if (':' == previous)
                {
                    return true;
                }
                colons++;
            }
            previous = b;
        }
        return colons >= IPV6_MIN_COLONS_WITHOUT_COMPRESSION;
    }

    /**
     * One piece of a word that is not IPv6 text, for the IPv4 walk the anonymizer and the identifier
     * detectors share: the piece starts at {@code pieceStart} and runs to the next {@code ':'} (or
     * {@code end}); its IPv4 candidate is the run of digits and dots it starts with, when that run
     * ends the piece or ends in {@code '.'} before a letter ({@code 10.0.0.1.}, {@code 1.2.3.4.example}),
     * less its trailing dots. Whether the candidate parses is the caller's to check.
     *
     * @return {@code (pieceEnd << 32) | candidateEnd}: the index of the {@code ':'} ending the piece
     * (or {@code end}), and the candidate's end, {@code pieceStart} when the piece holds none.
     */
    public static long ipv4Piece(final byte[] text, final int pieceStart, final int end)
    {
        int runEnd = pieceStart;
        byte b;
        while (runEnd < end && ('.' == (b = text[runEnd]) || (b >= '0' && b <= '9')))
        {
            runEnd++;
        }
        int pieceEnd = runEnd;
        while (pieceEnd < end && ':' != text[pieceEnd])
        {
            pieceEnd++;
        }
        int candidateEnd = pieceStart;
        if (runEnd > pieceStart && (runEnd == pieceEnd || '.' == text[runEnd - 1]))
        {
            candidateEnd = runEnd;
            while (candidateEnd > pieceStart && '.' == text[candidateEnd - 1])
            {
                candidateEnd--;
            }
        }
        return ((long)pieceEnd << 32) | candidateEnd;
    }

    /** The piece's end from {@link #ipv4Piece}. */
    public static int pieceEnd(final long piece)
    {
        return (int)(piece >>> 32);
    }

    /** The piece's IPv4 candidate's end from {@link #ipv4Piece} (its start when it holds none). */
    public static int candidateEnd(final long piece)
    {
        return (int)piece;
    }
}
