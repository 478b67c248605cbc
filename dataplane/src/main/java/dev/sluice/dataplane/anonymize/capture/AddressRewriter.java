package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.InternetChecksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Replaces one IPv4 or IPv6 address in a packet's bytes by its Crypto-PAn image and says what the
 * change adds to any Internet checksum covering it, as a one's-complement difference with words
 * aligned to the packet's start (see {@link InternetChecksum}).
 * <p>
 * An address cut by the capture (an ICMP error's quote, a routing header past the snapshot length)
 * has only its first n bytes in the packet. Crypto-PAn output bit i depends only on input bits
 * 0..i, so the first n bytes of the image of those bytes followed by anything are exactly the first
 * n bytes of the full address's image: a cut address is rewritten consistently with the whole one
 * wherever else it appears, and nothing of it stays in clear.
 * <p>
 * Owned by one {@link PacketAddressRewriter}; its thread only.
 */
final class AddressRewriter
{
    static final int IPV4_BYTES = 4;
    static final int IPV6_BYTES = 16;

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final CryptoPan cryptoPan;
    private MemorySegment segment;
    private long base;
    private long addressesRewritten;

    AddressRewriter(final CryptoPan cryptoPan)
    {
        this.cryptoPan = cryptoPan;
    }

    /** Positions the rewriter on the packet that starts at {@code base} in {@code segment}. */
    void wrap(final MemorySegment segment, final long base)
    {
        this.segment = segment;
        this.base = base;
    }

    /** Addresses rewritten (whole or cut) since construction. */
    long addressesRewritten()
    {
        return addressesRewritten;
    }

    /**
     * Rewrites the address of {@code length} bytes ({@link #IPV4_BYTES} or {@link #IPV6_BYTES}) at
     * {@code at}, of which only the bytes before {@code limit} are in the packet.
     *
     * @return the checksum difference of the change, aligned to the packet's start; 0 when none of it was captured.
     */
    long rewrite(final int at, final int length, final int limit)
    {
        final int present = Math.min(length, limit - at);
        if (present <= 0)
        {
            return 0;
        }
        addressesRewritten++;
        final long position = base + at;
        if (present == length)
        {
            // Whole addresses, the common case: the difference comes from the values, with no second read.
            final long oldWords;
            final long newWords;
            if (length == IPV4_BYTES)
            {
                final int address = segment.get(U32, position);
                final int image = cryptoPan.anonymizeIpv4(address);
                segment.set(U32, position, image);
                oldWords = words(address);
                newWords = words(image);
            }
            else
            {
                final long high = segment.get(U64, position);
                final long low = segment.get(U64, position + 8);
                cryptoPan.anonymizeIpv6(high, low);
                final long imageHigh = cryptoPan.resultHigh();
                final long imageLow = cryptoPan.resultLow();
                segment.set(U64, position, imageHigh);
                segment.set(U64, position + 8, imageLow);
                oldWords = words(high) + words(low);
                newWords = words(imageHigh) + words(imageLow);
            }
            return aligned(InternetChecksum.difference(oldWords, newWords), at);
        }
        final long before = InternetChecksum.alignedSum(segment, base, at, present);
        rewritePrefix(at, length, present);
        return InternetChecksum.difference(before, InternetChecksum.alignedSum(segment, base, at, present));
    }

    /** The sum of the two 16-bit words of {@code value}. */
    static long words(final int value)
    {
        return (value >>> 16) + (value & 0xFFFF);
    }

    /** The sum of the four 16-bit words of {@code value}. */
    static long words(final long value)
    {
        return words((int)(value >>> 32)) + words((int)value);
    }

    /** A difference of words that start at {@code at}, aligned to the packet's start. */
    static long aligned(final long difference, final int at)
    {
        return (at & 1) == 0 ? difference : InternetChecksum.swap(difference);
    }

    /**
     * Rewrites an address whose bits are stored inverted (Teredo's obfuscated origin address):
     * the stored value becomes the inversion of the true address's image.
     */
    long rewriteInvertedIpv4(final int at, final int limit)
    {
        if (at + IPV4_BYTES > limit)
        {
            return 0;
        }
        final long position = base + at;
        final int stored = segment.get(U32, position);
        final int image = ~cryptoPan.anonymizeIpv4(~stored);
        segment.set(U32, position, image);
        addressesRewritten++;
        return aligned(InternetChecksum.difference(words(stored), words(image)), at);
    }

    private void rewritePrefix(final int at, final int length, final int present)
    {
        long high = 0;
        long low = 0;
        for (int i = 0; i < present; i++)
        {
            final long value = segment.get(U8, base + at + i) & 0xFFL;
            if (i < 8)
            {
                high |= value << (56 - 8 * i);
            }
            else
            {
                low |= value << (56 - 8 * (i - 8));
            }
        }
        if (length == IPV4_BYTES)
        {
            high = (cryptoPan.anonymizeIpv4((int)(high >>> 32)) & 0xFFFF_FFFFL) << 32;
        }
        else
        {
            cryptoPan.anonymizeIpv6(high, low);
            high = cryptoPan.resultHigh();
            low = cryptoPan.resultLow();
        }
        for (int i = 0; i < present; i++)
        {
            final long value = i < 8 ? high >>> (56 - 8 * i) : low >>> (56 - 8 * (i - 8));
            segment.set(U8, base + at + i, (byte)value);
        }
    }
}
