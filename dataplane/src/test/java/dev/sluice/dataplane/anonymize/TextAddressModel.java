package dev.sluice.dataplane.anonymize;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A slow, obviously-correct model of {@link TextAddressAnonymizer}'s recognition rules, written
 * with strings, regular expressions and the JDK's own address parser instead of a byte scanner and
 * {@code AddressText}, so the two can be compared on any text. Test thread only.
 */
final class TextAddressModel
{
    /** Where an address was found and what replaced it. */
    record Replacement(int start, int end, String original, String image)
    {
    }

    private static final Pattern WORD = Pattern.compile("[0-9A-Za-z:.]+");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final Pattern QUAD = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);

    /** A dotted quad, then nothing, or dots and then nothing or a letter and anything. */
    private static final Pattern QUAD_PIECE = Pattern.compile("(" + QUAD.pattern() + ")(\\.+([A-Za-z].*)?)?");

    private final CryptoPan cryptoPan;
    private final boolean deanonymize;

    TextAddressModel(final CryptoPan cryptoPan, final boolean deanonymize)
    {
        this.cryptoPan = cryptoPan;
        this.deanonymize = deanonymize;
    }

    /** The text with every address replaced, as the anonymizer should write it. */
    String rewrite(final String text)
    {
        final StringBuilder out = new StringBuilder();
        int copied = 0;
        for (final Replacement replacement : find(text))
        {
            out.append(text, copied, replacement.start()).append(replacement.image());
            copied = replacement.end();
        }
        return out.append(text, copied, text.length()).toString();
    }

    List<Replacement> find(final String text)
    {
        final List<Replacement> found = new ArrayList<>();
        final Matcher words = WORD.matcher(text);
        while (words.find())
        {
            final String word = words.group();
            final int start = words.start();
            if (IPV6_CHARS.matcher(word).matches())
            {
                String candidate = stripTrailingDots(word);
                long[] address = ipv6(candidate);
                if (null == address && candidate.length() > 3 && candidate.endsWith(":"))
                {
                    candidate = candidate.substring(0, candidate.length() - 1);
                    address = ipv6(candidate);
                }
                if (null != address)
                {
                    found.add(new Replacement(start, start + candidate.length(), candidate, ipv6Image(address[0], address[1])));
                    continue;
                }
            }
            int pieceStart = start;
            for (final String piece : word.split(":", -1))
            {
                final Matcher quad = QUAD_PIECE.matcher(piece);
                if (quad.matches())
                {
                    final String candidate = quad.group(1);
                    found.add(new Replacement(pieceStart, pieceStart + candidate.length(), candidate, ipv4Image(ipv4(candidate))));
                }
                pieceStart += piece.length() + 1;
            }
        }
        return found;
    }

    String ipv4Image(final int address)
    {
        return CryptoPanVectors.dotted(deanonymize ? cryptoPan.deanonymizeIpv4(address) : cryptoPan.anonymizeIpv4(address));
    }

    String ipv6Image(final long high, final long low)
    {
        if (deanonymize)
        {
            cryptoPan.deanonymizeIpv6(high, low);
        }
        else
        {
            cryptoPan.anonymizeIpv6(high, low);
        }
        return rfc5952(cryptoPan.resultHigh(), cryptoPan.resultLow());
    }

    static int ipv4(final String dotted)
    {
        return CryptoPanVectors.ipv4(dotted);
    }

    /** RFC 5952 text, written independently of the anonymizer's formatter. */
    static String rfc5952(final long high, final long low)
    {
        if (0 == high && 0xFFFFL == low >>> 32)
        {
            return "::ffff:" + CryptoPanVectors.dotted((int)low);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = (int)((i < 4 ? high : low) >>> (48 - 16 * (i % 4))) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; i++)
        {
            int j = i;
            while (j < 8 && 0 == groups[j])
            {
                j++;
            }
            if (j - i >= 2 && j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
        }
        final List<String> before = new ArrayList<>();
        final List<String> after = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength)
            {
                continue;
            }
            (bestStart >= 0 && i > bestStart ? after : before).add(Integer.toHexString(groups[i]));
        }
        return bestStart < 0 ? String.join(":", before) : String.join(":", before) + "::" + String.join(":", after);
    }

    /** The address as {high, low}, or null when the text is not RFC 4291 IPv6 text (or is {@code ::}). */
    static long[] ipv6(final String text)
    {
        if ("::".equals(text) || text.length() > 45 || !text.contains(":"))
        {
            return null;
        }
        final int lastColon = text.lastIndexOf(':');
        final String tail = text.substring(lastColon + 1);
        if (tail.contains(".") && !QUAD.matcher(tail).matches())
        {
            return null;
        }
        if (text.substring(0, lastColon).contains("."))
        {
            return null;
        }
        for (final String group : text.substring(0, lastColon).split(":", -1))
        {
            if (group.length() > 4)
            {
                // The JDK reads 02101 as 0x2101; RFC 4291 allows at most four hex digits a group.
                return null;
            }
        }
        if (!tail.contains(".") && tail.length() > 4)
        {
            return null;
        }
        final InetAddress address;
        try
        {
            address = InetAddress.ofLiteral(text);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
        final byte[] bytes = address.getAddress();
        final ByteBuffer buffer = ByteBuffer.allocate(16);
        if (address instanceof Inet4Address)
        {
            // The JDK turns ::ffff:a.b.c.d into an Inet4Address.
            buffer.putLong(0).putInt(0xFFFF).put(bytes);
        }
        else
        {
            buffer.put(bytes);
        }
        return new long[]{buffer.getLong(0), buffer.getLong(8)};
    }

    private static String stripTrailingDots(final String text)
    {
        int end = text.length();
        while (end > 0 && '.' == text.charAt(end - 1))
        {
            end--;
        }
        return text.substring(0, end);
    }
}
