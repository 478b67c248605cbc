package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.generalize.AddressTruncation;
import dev.sluice.dataplane.decode.event.cef.AddressText;
import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Copies an event's text (a syslog line, CEF/LEEF, a JSON document, a candump line, a rendered
 * flow record) with every IPv4 and IPv6 address literal in it replaced by its Crypto-PAn image, so
 * an event the policy anonymizes leaves the gateway with no raw address in its bytes. Worker thread
 * only; allocates nothing per call.
 * <p>
 * <b>What is an address.</b> One pass, linear in the input, no regular expression and no
 * backtracking: the text is cut into <i>words</i>, maximal runs of {@code [0-9A-Za-z:.]}; every
 * other byte (space, {@code = , ; " ' [ ] ( ) < > / % - _ @ #}, control bytes, any byte above
 * 0x7F) separates words and is copied unchanged. Then, per word:
 * <ol>
 *   <li><b>IPv6</b>: a word made only of hex digits, {@code ':'} and {@code '.'} and holding a
 *   {@code ':'} is an IPv6 address when it parses as RFC 4291 text ({@link AddressText}: eight
 *   groups of 1-4 hex digits, or fewer with exactly one {@code ::}, optionally a dotted IPv4 in the
 *   last 32 bits), after dropping trailing dots (end of a sentence) and, if the word does not
 *   parse as it is, one trailing {@code ':'} ({@code "from fe80::1: refused"}). Upper- and
 *   lower-case hex are both read. So the character before an IPv6 address is never a letter, a
 *   digit, {@code ':'} or {@code '.'}; nor is the one after, save those trailing dots and colon:
 *   {@code std::vector}, the time {@code 22:14:15}, the MAC {@code 00:1a:2b:3c:4d:5e},
 *   {@code ::ffff:1.2.3.4.5} and {@code ip:2001:db8::1} are not addresses. A zone
 *   ({@code fe80::1%eth0}), a prefix length ({@code 2001:db8::/32}) and brackets
 *   ({@code [2001:db8::1]:443}) fall outside the word: the address is rewritten, they stay. A
 *   bare {@code ::} is left alone: it names no host and is far more often a separator
 *   ({@code Class::method}, {@code a :: b}) than the unspecified address.</li>
 *   <li><b>IPv4</b>, in a word that is not an IPv6 address: each piece between {@code ':'}s
 *   (or a word end) that starts with a dotted quad (four decimal octets 0-255 of 1-3 digits, no
 *   leading zero except the octet {@code 0} itself, as {@code inet_pton} reads them) holds an
 *   IPv4 address when the quad ends the piece, or is followed by dots and then the end or a letter
 *   (a sentence's full stop, a host name that embeds its address:
 *   {@code 68.143.156.89.nw.nu}). So the byte before an IPv4 address is a separator,
 *   {@code ':'} or the start ({@code src=1.2.3.4}, {@code ip":"10.0.0.1"}, {@code (1.2.3.4)},
 *   {@code client:10.0.0.1}, {@code /10.0.0.1:514}, {@code 10.1.2.0/24}, {@code 1.2.3.4.} all
 *   hold one), and {@code 1.2.3.4.5}, {@code v1.2.3.4}, {@code x.1.2.3.4}, {@code 1.2.3.4a},
 *   {@code 256.1.1.1}, {@code 1.2.3} and {@code 010.1.2.3} are left as they are: an octal-looking
 *   octet has two readings, and rewriting an OID or a longer version number would damage the event
 *   without protecting anyone. A four-part version written like an address ({@code rv:1.9.2.12})
 *   cannot be told from one and is rewritten: a false positive costs a version string, a false
 *   negative leaks an address.</li>
 * </ol>
 * <b>What is written.</b> IPv4 images as dotted quads without leading zeros. IPv6 images in RFC
 * 5952 canonical form: lower-case hex without leading zeros, the longest run of two or more zero
 * groups written {@code ::} (the first on ties), and a dotted last 32 bits exactly when the image
 * itself lies in {@code ::ffff:0:0/96}. An IPv4-mapped input ({@code ::ffff:192.0.2.1}) is an
 * IPv6 address (as {@link AddressText} reads it) and gets the IPv6 image; its image is almost never
 * mapped itself, so it is almost always written in hex. Rewriting an image with
 * {@link #deanonymizing(CryptoPan)} gives back the original addresses (in canonical form): images
 * are recognized where their originals were, because the bytes around them are unchanged and an
 * image is an address word (or piece) just as the original was.
 * <p>
 * <b>Cost.</b> Linear in the text. The text is first copied in one bulk copy into a scratch array
 * the anonymizer keeps (it grows to the longest text seen, so memory access checks are paid once
 * per call rather than once per byte, and the JIT can drop most array bounds checks). Every address
 * holds a digit or a colon, so the scanner jumps from one such byte to the next eight bytes at a
 * time (a SWAR range test) and only then reads the word around it, each byte a bounded number of
 * times; only candidates of at most {@value #MAX_ADDRESS_TEXT_LENGTH} bytes are parsed (dotted
 * quads in place, IPv6 by {@link AddressText}), and the text between addresses goes to the target
 * in one bulk copy per run. Output grows by at most 36 bytes per address ({@code ::1} to a 39-byte
 * image): {@link #maxOutputLength(int)}.
 */
public final class TextAddressAnonymizer
{
    /** The longest address text: eight groups of four hex digits and seven colons, or six groups and a dotted quad. */
    static final int MAX_ADDRESS_TEXT_LENGTH = 45;
    /** The longest image written: eight groups of four hex digits and seven colons. */
    static final int MAX_IMAGE_LENGTH = 39;
    /** The shortest address rewritten: {@code ::1}, {@code 1::} ({@code ::} is not rewritten). */
    static final int MIN_ADDRESS_TEXT_LENGTH = 3;
    private static final int MIN_IPV4_TEXT_LENGTH = 7;
    private static final int MAX_IPV4_TEXT_LENGTH = 15;
    private static final int IPV6_GROUPS = 8;
    private static final long MAPPED_IPV4_MARKER = 0xFFFFL;

    /** Byte is in a word: {@code [0-9A-Za-z:.]}. */
    private static final byte WORD = 1;
    /** Byte can be in IPv6 text: {@code [0-9A-Fa-f:.]}. */
    private static final byte ADDRESS = 2;
    /** Byte is {@code ':'}. */
    private static final byte COLON = 8;
    private static final byte[] CHAR_CLASS = new byte[256];
    private static final byte[] HEX_DIGITS = {
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f' };
    /** Reads eight bytes of the scratch array as one little-endian long (the first byte lowest). */
    private static final VarHandle LONG_LITTLE_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Scratch array size before any text has needed more: a syslog line or a CEF event fits. */
    private static final int INITIAL_TEXT_CAPACITY = 2048;
    private static final int MAX_OCTET = 255;
    private static final int MAX_OCTET_DIGITS = 3;
    private static final int IPV4_OCTETS = 4;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long LOW_SEVEN_BITS = ONES * 0x7F;
    private static final long HIGH_BITS = ONES * 0x80;
    /** Lanes of 127 + 0x3B: a lane minus a byte below 0x3B keeps its high bit. */
    private static final long BELOW_UPPER = ONES * (127 + ':' + 1);
    /** Lanes of 127 - 0x2F: a lane plus a byte above 0x2F sets its high bit. */
    private static final long ABOVE_LOWER = ONES * (127 - ('0' - 1));

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            CHAR_CLASS[c] = WORD | ADDRESS;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            CHAR_CLASS[c] = c <= 'f' ? WORD | ADDRESS : WORD;
            CHAR_CLASS[c - 'a' + 'A'] = c <= 'f' ? WORD | ADDRESS : WORD;
        }
        CHAR_CLASS[':'] = WORD | ADDRESS | COLON;
        CHAR_CLASS['.'] = WORD | ADDRESS;
    }

    private final CryptoPan cryptoPan;
    private final boolean deanonymize;
    /** Truncation instead of Crypto-PAn; null with Crypto-PAn. */
    private final AddressTruncation truncation;
    private final AddressText addressText = new AddressText();
    private final byte[] image = new byte[MAX_IMAGE_LENGTH];
    private final int[] groups = new int[IPV6_GROUPS];

    /** A copy of the text being rewritten, from index 0; grows to the longest text seen. */
    private byte[] text = new byte[INITIAL_TEXT_CAPACITY];
    private MemorySegment source;
    private long sourceOffset;
    private MutableDirectBuffer target;
    private int targetLimit;
    /** Next byte of the target to write. */
    private int written;
    /** Source bytes before this index (relative to the source offset) are already in the target. */
    private int copiedUpTo;
    private int addressesRewritten;

    /**
     * @param cryptoPan the worker's keyed Crypto-PAn; used from this anonymizer's thread only.
     */
    public TextAddressAnonymizer(final CryptoPan cryptoPan)
    {
        this(cryptoPan, false);
    }

    private TextAddressAnonymizer(final CryptoPan cryptoPan, final boolean deanonymize)
    {
        if (null == cryptoPan)
        {
            throw new NullPointerException("cryptoPan");
        }
        this.cryptoPan = cryptoPan;
        this.deanonymize = deanonymize;
        this.truncation = null;
    }

    private TextAddressAnonymizer(final AddressTruncation truncation)
    {
        this.cryptoPan = null;
        this.deanonymize = false;
        this.truncation = truncation;
    }

    /**
     * The same rewriter with truncation instead of Crypto-PAn: every address is written with
     * only its first {@code ipv4Bits} (or {@code ipv6Bits}) bits kept and the rest zero, so
     * {@code 192.0.2.77} becomes {@code 192.0.2.0} at /24. Needs no key.
     *
     * @param ipv4Bits prefix kept of an IPv4 address, 0..32.
     * @param ipv6Bits prefix kept of an IPv6 address, 0..128.
     * @return a truncating rewriter.
     */
    public static TextAddressAnonymizer truncating(final int ipv4Bits, final int ipv6Bits)
    {
        return new TextAddressAnonymizer(new AddressTruncation(ipv4Bits, ipv6Bits));
    }

    /**
     * The reverse rewriter, for analysts holding the key (and tests): every address in the text is
     * taken as an image and replaced by its original. Deanonymizing is one AES call per bit, far
     * too slow for the data path.
     *
     * @param cryptoPan the key's Crypto-PAn; used from the caller's thread only.
     * @return a rewriter that writes originals for images.
     */
    public static TextAddressAnonymizer deanonymizing(final CryptoPan cryptoPan)
    {
        return new TextAddressAnonymizer(cryptoPan, true);
    }

    /**
     * Copies {@code source[offset, offset + length)} into {@code target} at {@code targetOffset},
     * each IPv4/IPv6 literal replaced by its Crypto-PAn image (see the class comment for which
     * text is an address).
     *
     * @param source       holds the text.
     * @param offset       where the text starts in the source.
     * @param length       bytes of text.
     * @param target       receives the rewritten text.
     * @param targetOffset where to write the first byte.
     * @param targetLimit  index in the target the output must stay before.
     * @return bytes written, or -1 when the output would pass {@code targetLimit} (the target then
     * holds garbage between {@code targetOffset} and {@code targetLimit}; the caller decides).
     * @throws IllegalArgumentException when the ranges are inconsistent (a caller's bug, not bad text).
     */
    public int rewrite(
        final MemorySegment source,
        final long offset,
        final int length,
        final MutableDirectBuffer target,
        final int targetOffset,
        final int targetLimit)
    {
        if (length < 0 || offset < 0 || offset > source.byteSize() - length ||
            targetOffset < 0 || targetOffset > targetLimit || targetLimit > target.capacity())
        {
            throw new IllegalArgumentException(
                "bad ranges: source [" + offset + ", +" + length + ") of " + source.byteSize() +
                " bytes, target [" + targetOffset + ", " + targetLimit + ") of " + target.capacity() + " bytes");
        }
        if (text.length < length)
        {
            text = new byte[Math.max(length, (int)Math.min(Integer.MAX_VALUE - 8, 2L * text.length))];
        }
        final byte[] text = this.text;
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, text, 0, length);
        this.source = source;
        this.sourceOffset = offset;
        this.target = target;
        this.targetLimit = targetLimit;
        written = targetOffset;
        copiedUpTo = 0;
        addressesRewritten = 0;

        boolean fits = true;
        int index = 0;
        while (true)
        {
            // Every address holds a digit or a colon: jump to the next one, eight bytes at a time,
            // then back to the start of its word (never past the word processed before).
            final int trigger = nextDigitOrColon(text, index, length);
            if (trigger == length)
            {
                break;
            }
            int wordStart = trigger;
            while (wordStart > index && 0 != (CHAR_CLASS[text[wordStart - 1] & 0xFF] & WORD))
            {
                wordStart--;
            }
            int wordEnd = wordStart;
            int classes = ADDRESS;
            while (wordEnd < length)
            {
                final byte charClass = CHAR_CLASS[text[wordEnd] & 0xFF];
                if (0 == (charClass & WORD))
                {
                    break;
                }
                // ADDRESS stays only while every byte has it; COLON once any byte has it.
                classes = (classes & (charClass | ~ADDRESS)) | (charClass & COLON);
                wordEnd++;
            }
            // Shorter words hold no address: skip the per-word work for pids, years, ports.
            final boolean ipv6Candidate = (ADDRESS | COLON) == (classes & (ADDRESS | COLON));
            final int wordLength = wordEnd - wordStart;
            if ((wordLength >= MIN_IPV4_TEXT_LENGTH || (ipv6Candidate && wordLength >= MIN_ADDRESS_TEXT_LENGTH)) &&
                !rewriteWord(wordStart, wordEnd, ipv6Candidate))
            {
                fits = false;
                break;
            }
            index = wordEnd;
        }
        fits = fits && copyThrough(length);

        this.source = null;
        this.target = null;
        return fits ? written - targetOffset : -1;
    }

    /**
     * Addresses replaced by the last {@link #rewrite}.
     *
     * @return the count (those written before the output ran out, after a -1).
     */
    public int addressesRewritten()
    {
        return addressesRewritten;
    }

    /**
     * The longest output any input of {@code length} bytes can produce, for sizing buffers: at most
     * one address per 4 bytes (the 3 of {@code ::1} and a separator), each growing by at most 36.
     *
     * @param length input bytes, not negative.
     * @return an upper bound on the bytes {@link #rewrite} writes, saturated at {@link Integer#MAX_VALUE}.
     */
    public static int maxOutputLength(final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        final long addresses = ((long)length + 1) / (MIN_ADDRESS_TEXT_LENGTH + 1);
        return (int)Math.min(Integer.MAX_VALUE, length + addresses * (MAX_IMAGE_LENGTH - MIN_ADDRESS_TEXT_LENGTH));
    }

    /**
     * Rewrite the addresses in the word {@code [start, end)}.
     *
     * @return false when the output ran out.
     */
    private boolean rewriteWord(final int start, final int end, final boolean ipv6Candidate)
    {
        final byte[] text = this.text;
        if (ipv6Candidate && AddressText.mayBeIpv6(text, start, end))
        {
            final int trimmed = trimDots(start, end);
            int addressEnd = trimmed;
            int version = parse(start, addressEnd);
            if (0 == version && addressEnd - start > MIN_ADDRESS_TEXT_LENGTH && ':' == text[addressEnd - 1])
            {
                addressEnd--;
                version = parse(start, addressEnd);
            }
            if (6 == version && addressEnd - start >= MIN_ADDRESS_TEXT_LENGTH)
            {
                return replaceIpv6(start, addressEnd);
            }
        }

        int pieceStart = start;
        while (pieceStart < end)
        {
            final long piece = AddressText.ipv4Piece(text, pieceStart, end);
            final int addressEnd = AddressText.candidateEnd(piece);
            final int addressLength = addressEnd - pieceStart;
            if (addressLength >= MIN_IPV4_TEXT_LENGTH && addressLength <= MAX_IPV4_TEXT_LENGTH)
            {
                final long address = parseDottedQuad(text, pieceStart, addressEnd);
                if (address >= 0 && !replaceIpv4(pieceStart, addressEnd, (int)address))
                {
                    return false;
                }
            }
            pieceStart = AddressText.pieceEnd(piece) + 1;
        }
        return true;
    }

    private int parse(final int start, final int end)
    {
        final int length = end - start;
        if (length < MIN_ADDRESS_TEXT_LENGTH || length > MAX_ADDRESS_TEXT_LENGTH)
        {
            return 0;
        }
        return addressText.parse(source, sourceOffset + start, length);
    }

    /**
     * The dotted quad {@code text[start, end)}, a run of digits and dots, as {@code inet_pton} reads
     * it (what {@link AddressText} accepts as IPv4): four octets 0-255 of 1-3 digits, no leading zero
     * but in {@code 0} itself, single dots between them.
     *
     * @return the address as an unsigned 32-bit value, or -1.
     */
    private static long parseDottedQuad(final byte[] text, final int start, final int end)
    {
        long address = 0;
        int octets = 0;
        int i = start;
        while (true)
        {
            final int octetStart = i;
            int value = 0;
            byte b;
            while (i < end && (b = text[i]) >= '0' && b <= '9')
            {
                value = value * 10 + (b - '0');
                i++;
            }
            final int digits = i - octetStart;
            if (0 == digits || digits > MAX_OCTET_DIGITS || value > MAX_OCTET || (digits > 1 && '0' == text[octetStart]))
            {
                return -1;
            }
            address = (address << 8) | value;
            if (++octets == IPV4_OCTETS)
            {
                return i == end ? address : -1;
            }
            if (i == end || '.' != text[i])
            {
                return -1;
            }
            i++;
        }
    }

    private boolean replaceIpv4(final int start, final int end, final int address)
    {
        final int result;
        if (null != truncation)
        {
            result = truncation.ipv4(address);
        }
        else
        {
            result = deanonymize ? cryptoPan.deanonymizeIpv4(address) : cryptoPan.anonymizeIpv4(address);
        }
        return replace(start, end, putIpv4(image, 0, result));
    }

    private boolean replaceIpv6(final int start, final int end)
    {
        if (null != truncation)
        {
            return replace(start, end, putIpv6(truncation.ipv6High(addressText.high()), truncation.ipv6Low(addressText.low())));
        }
        if (deanonymize)
        {
            cryptoPan.deanonymizeIpv6(addressText.high(), addressText.low());
        }
        else
        {
            cryptoPan.anonymizeIpv6(addressText.high(), addressText.low());
        }
        return replace(start, end, putIpv6(cryptoPan.resultHigh(), cryptoPan.resultLow()));
    }

    /** Copy the text before {@code start}, then the image in place of {@code [start, end)}. */
    private boolean replace(final int start, final int end, final int imageLength)
    {
        if (!copyThrough(start) || written > targetLimit - imageLength)
        {
            return false;
        }
        target.putBytes(written, image, 0, imageLength);
        written += imageLength;
        copiedUpTo = end;
        addressesRewritten++;
        return true;
    }

    /** Copy the text from {@link #copiedUpTo} up to {@code end}, in one bulk copy. */
    private boolean copyThrough(final int end)
    {
        final int count = end - copiedUpTo;
        if (written > targetLimit - count)
        {
            return false;
        }
        if (count > 0)
        {
            target.putBytes(written, text, copiedUpTo, count);
        }
        written += count;
        copiedUpTo = end;
        return true;
    }

    /**
     * The first index in {@code [from, end)} holding a digit or {@code ':'} (bytes 0x30-0x3A), or
     * {@code end}: eight bytes per step with the "has byte between" bit trick (exact per byte here,
     * since no lane can borrow or carry into the next), then one byte at a time.
     */
    private static int nextDigitOrColon(final byte[] text, final int from, final int end)
    {
        int index = from;
        for (; index <= end - Long.BYTES; index += Long.BYTES)
        {
            final long word = (long)LONG_LITTLE_ENDIAN.get(text, index);
            final long low7 = word & LOW_SEVEN_BITS;
            final long inRange = (BELOW_UPPER - low7) & ~word & (low7 + ABOVE_LOWER) & HIGH_BITS;
            if (0 != inRange)
            {
                return index + (Long.numberOfTrailingZeros(inRange) >>> 3);
            }
        }
        for (; index < end; index++)
        {
            final byte b = text[index];
            if (b >= '0' && b <= ':')
            {
                return index;
            }
        }
        return end;
    }

    private int trimDots(final int start, final int end)
    {
        int trimmed = end;
        final byte[] text = this.text;
        while (trimmed > start && '.' == text[trimmed - 1])
        {
            trimmed--;
        }
        return trimmed;
    }

    /** Write {@code address} as a dotted quad at {@code at}; returns the index after it. */
    private static int putIpv4(final byte[] out, final int at, final int address)
    {
        int position = at;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            final int octet = (address >>> shift) & 0xFF;
            if (octet >= 100)
            {
                out[position++] = (byte)('0' + octet / 100);
            }
            if (octet >= 10)
            {
                out[position++] = (byte)('0' + octet / 10 % 10);
            }
            out[position++] = (byte)('0' + octet % 10);
            if (shift > 0)
            {
                out[position++] = '.';
            }
        }
        return position;
    }

    /** Write the address in RFC 5952 form into {@link #image}; returns its length. */
    private int putIpv6(final long high, final long low)
    {
        final int[] groups = this.groups;
        for (int g = 0; g < 4; g++)
        {
            groups[g] = (int)(high >>> (48 - 16 * g)) & 0xFFFF;
            groups[g + 4] = (int)(low >>> (48 - 16 * g)) & 0xFFFF;
        }
        final boolean mappedIpv4 = 0 == high && MAPPED_IPV4_MARKER == (low >>> 32);
        final int hexGroups = mappedIpv4 ? IPV6_GROUPS - 2 : IPV6_GROUPS;

        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < hexGroups; )
        {
            if (0 != groups[g])
            {
                g++;
                continue;
            }
            final int runStart = g;
            while (g < hexGroups && 0 == groups[g])
            {
                g++;
            }
            if (g - runStart > bestLength)
            {
                bestStart = runStart;
                bestLength = g - runStart;
            }
        }

        final byte[] out = image;
        int position = 0;
        for (int g = 0; g < hexGroups; g++)
        {
            if (g == bestStart)
            {
                out[position++] = ':';
                if (0 == g)
                {
                    out[position++] = ':';
                }
                g += bestLength - 1;
                continue;
            }
            position = putHexGroup(out, position, groups[g]);
            if (g < IPV6_GROUPS - 1)
            {
                out[position++] = ':';
            }
        }
        if (mappedIpv4)
        {
            position = putIpv4(out, position, (int)low);
        }
        return position;
    }

    private static int putHexGroup(final byte[] out, final int at, final int group)
    {
        int position = at;
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int digit = (group >>> shift) & 0xF;
            if (started || 0 != digit || 0 == shift)
            {
                out[position++] = HEX_DIGITS[digit];
                started = true;
            }
        }
        return position;
    }
}
