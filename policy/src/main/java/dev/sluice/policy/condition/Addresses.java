package dev.sluice.policy.condition;

/**
 * Parsing and formatting of IPv4 and IPv6 address and prefix literals. Parsing failures throw
 * {@link IllegalArgumentException} with a message fit for a diagnostic.
 * Stateless; any thread.
 */
public final class Addresses
{
    private Addresses()
    {
    }

    /**
     * @param text a literal that looks like an address: contains ':' or is dotted digits.
     * @return true when the text has the shape of an address or prefix (not necessarily valid).
     */
    public static boolean looksLikeAddress(final String text)
    {
        if (text.indexOf(':') >= 0)
        {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('.' == c)
            {
                dots++;
            }
            else if ('/' == c)
            {
                break;
            }
            else if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return dots > 0;
    }

    /**
     * Parse an address or prefix.
     *
     * @param text e.g. {@code 192.0.2.1}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code ::ffff:1.2.3.4}.
     * @return the prefix; host bits are cleared (use {@link #hasHostBits(String)} to warn about them).
     * @throws IllegalArgumentException with a message for the user.
     */
    public static AddressPrefix parsePrefix(final String text)
    {
        final Parsed parsed = parse(text);
        return new AddressPrefix(parsed.version, parsed.high, parsed.low, parsed.prefixLength);
    }

    /**
     * @param text a valid prefix literal.
     * @return true when the literal has bits set beyond its prefix length, e.g. {@code 10.1.2.3/8}.
     */
    public static boolean hasHostBits(final String text)
    {
        final Parsed parsed = parse(text);
        return (parsed.high & ~AddressPrefix.maskHigh(parsed.version, parsed.prefixLength)) != 0 ||
            (parsed.low & ~AddressPrefix.maskLow(parsed.version, parsed.prefixLength)) != 0;
    }

    /**
     * Parse a prefix once and tell whether it had host bits (what {@link #parsePrefix} and
     * {@link #hasHostBits} do with two parses): a named list can hold 100,000 of them.
     *
     * @return the prefix, host bits cleared, or null when the literal had host bits; then
     * {@link #parsePrefix} gives the prefix.
     * @throws IllegalArgumentException with a message for the user.
     */
    static AddressPrefix parseWithoutHostBits(final String text)
    {
        final Parsed parsed = parse(text);
        final AddressPrefix prefix = new AddressPrefix(parsed.version, parsed.high, parsed.low, parsed.prefixLength);
        return prefix.high() == parsed.high && prefix.low() == parsed.low ? prefix : null;
    }

    private record Parsed(int version, long high, long low, int prefixLength)
    {
    }

    private static Parsed parse(final String text)
    {
        final int slash = text.indexOf('/');
        final String address = slash < 0 ? text : text.substring(0, slash);
        final boolean v6 = address.indexOf(':') >= 0;
        final int version = v6 ? 6 : 4;
        final int bits = AddressPrefix.bits(version);

        int prefixLength = bits;
        if (slash >= 0)
        {
            final String length = text.substring(slash + 1);
            if (length.isEmpty() || length.length() > 3 || !isDigits(length))
            {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "'");
            }
            prefixLength = Integer.parseInt(length);
            if (prefixLength > bits)
            {
                throw new IllegalArgumentException(
                    "prefix length /" + prefixLength + " is too long for an IPv" + version + " address (at most /" + bits + ")");
            }
        }

        if (v6)
        {
            final long[] halves = parseIpv6(address);
            return new Parsed(6, halves[0], halves[1], prefixLength);
        }

        return new Parsed(4, 0L, parseIpv4(address, address), prefixLength);
    }

    private static long parseIpv4(final String address, final String literal)
    {
        final String[] parts = address.split("\\.", -1);
        if (4 != parts.length)
        {
            throw new IllegalArgumentException("invalid IPv4 address '" + literal + "': expected four numbers separated by dots");
        }

        long value = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !isDigits(part))
            {
                throw new IllegalArgumentException("invalid IPv4 address '" + literal + "'");
            }
            if (part.length() > 1 && '0' == part.charAt(0))
            {
                throw new IllegalArgumentException(
                    "invalid IPv4 address '" + literal + "': leading zeros are ambiguous (octal or decimal?)");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new IllegalArgumentException("invalid IPv4 address '" + literal + "': " + octet + " is more than 255");
            }
            value = (value << 8) | octet;
        }

        return value;
    }

    private static long[] parseIpv6(final String address)
    {
        final String invalid = "invalid IPv6 address '" + address + "'";
        final int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0)
        {
            throw new IllegalArgumentException(invalid + ": '::' may appear only once");
        }

        final String head = doubleColon < 0 ? address : address.substring(0, doubleColon);
        final String tail = doubleColon < 0 ? "" : address.substring(doubleColon + 2);
        final int[] groups = new int[8];
        final int[] tailGroups = new int[8];
        final int headCount = parseGroups(head, groups, 0, doubleColon < 0, invalid);
        final int tailCount = parseGroups(tail, tailGroups, 0, true, invalid);

        if (doubleColon < 0)
        {
            if (8 != headCount)
            {
                throw new IllegalArgumentException(invalid + ": expected eight groups or '::'");
            }
        }
        else
        {
            if (headCount + tailCount > 7)
            {
                throw new IllegalArgumentException(invalid + ": too many groups for '::'");
            }
            System.arraycopy(tailGroups, 0, groups, 8 - tailCount, tailCount);
        }

        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++)
        {
            high = (high << 16) | groups[i];
            low = (low << 16) | groups[i + 4];
        }

        return new long[]{ high, low };
    }

    /**
     * @return the number of 16-bit groups written into {@code groups}; a dotted IPv4 last part
     * counts as two.
     */
    private static int parseGroups(
        final String text, final int[] groups, final int offset, final boolean mayEndWithIpv4, final String invalid)
    {
        if (text.isEmpty())
        {
            return 0;
        }

        final String[] parts = text.split(":", -1);
        if (parts.length > 8)
        {
            throw new IllegalArgumentException(invalid + ": too many groups");
        }

        int count = offset;
        for (int i = 0; i < parts.length; i++)
        {
            final String part = parts[i];
            if (part.indexOf('.') >= 0)
            {
                if (i != parts.length - 1 || !mayEndWithIpv4 || count + 2 > 8)
                {
                    throw new IllegalArgumentException(invalid + ": an embedded IPv4 address must come last");
                }
                final long v4 = parseIpv4(part, part);
                groups[count++] = (int)(v4 >>> 16);
                groups[count++] = (int)(v4 & 0xFFFF);
                continue;
            }
            if (part.isEmpty() || part.length() > 4)
            {
                throw new IllegalArgumentException(invalid + ": each group is one to four hex digits");
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++)
            {
                final int digit = Character.digit(part.charAt(j), 16);
                if (digit < 0)
                {
                    throw new IllegalArgumentException(invalid + ": '" + part.charAt(j) + "' is not a hex digit");
                }
                value = (value << 4) | digit;
            }
            if (count >= 8)
            {
                throw new IllegalArgumentException(invalid + ": too many groups");
            }
            groups[count++] = value;
        }

        return count;
    }

    private static boolean isDigits(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return !text.isEmpty();
    }

    /**
     * @param version 4 or 6.
     * @param high    bits 127..64 (IPv6).
     * @param low     bits 63..0, or the IPv4 address in the low 32 bits.
     * @return dotted IPv4, or IPv6 in the RFC 5952 canonical form (lower case, longest zero run as '::').
     */
    public static String format(final int version, final long high, final long low)
    {
        if (4 == version)
        {
            return ((low >>> 24) & 0xFF) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." + (low & 0xFF);
        }

        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++)
        {
            groups[i] = (int)((high >>> (48 - 16 * i)) & 0xFFFF);
            groups[i + 4] = (int)((low >>> (48 - 16 * i)) & 0xFFFF);
        }

        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; )
        {
            if (0 != groups[i])
            {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && 0 == groups[j])
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }

        final StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && ':' != out.charAt(out.length() - 1))
            {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }

        return out.toString();
    }
}
