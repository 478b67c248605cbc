package dev.sluice.dataplane.anonymize.pseudonym;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * FF1 format-preserving encryption (NIST SP 800-38G, section 5.1, with the Rev. 1 domain
 * minimum): a keyed permutation of the numeral strings of a given length in a radix, so a
 * ten-digit MSIN encrypts to another ten-digit MSIN and decrypts back with the key. Used for
 * the identifier masks whose downstream parsers expect the shape (IMSI, IMEI, VIN, MAC, phone).
 * <p>
 * AES-128/192/256 through {@code AES/ECB/NoPadding}; the PRF is CBC-MAC with a zero IV done by
 * hand over single ECB blocks (SP 800-38G's PRF is exactly that). The Feistel halves live in
 * {@code long}s: a radix and length are accepted only when {@code radix^ceil(n/2)} fits in a
 * signed long, so NUM and STR are plain long arithmetic and {@code y mod radix^m} is an
 * unsigned remainder of at most 12 bytes (the d bytes of S), with no BigInteger on the data
 * path. That allows up to {@value #MAX_LENGTH} numerals in radix 10 (and up to 36 for radix
 * 2 to 10), 30 in radix 16, 24 in radix 33 to 36 ({@link #maxLength(int)}).
 * <p>
 * The CBC-MAC state after P and the tweak's whole blocks is the same in all ten rounds of a
 * call, so it is computed once per call: 1 + (t / 16) + 10 AES blocks for a tweak of t bytes;
 * with a tweak shorter than a block it is CIPH(P) alone and is kept across calls of the same
 * lengths, so an identifier costs 10 AES blocks. Allocates nothing once warm. Not thread-safe (one Cipher and scratch
 * blocks): one instance per worker thread.
 * <p>
 * Length, radix and numeral mistakes are caller bugs (the identifier pseudonyms check their
 * input first and return a reason) and throw IllegalArgumentException.
 */
public final class Ff1
{
    /** Smallest radix. */
    public static final int MIN_RADIX = 2;
    /** Largest radix: digits and one case of letters. */
    public static final int MAX_RADIX = 36;
    /** Most numerals in one string (radix 2 to 10; fewer for larger radixes, see {@link #maxLength(int)}). */
    public static final int MAX_LENGTH = 36;
    /**
     * SP 800-38G Rev. 1 section 5.2: radix^minlen must be at least one million, since a small
     * domain lets an attacker tabulate the permutation.
     */
    public static final long MIN_DOMAIN_SIZE = 1_000_000L;

    private static final int ROUNDS = 10;
    private static final long MAX_BYTEWISE_MODULUS = 1L << 55;
    private static final int BLOCK_BYTES = 16;

    private final Cipher aes;
    private final int radix;
    private final int maxLength;
    /** CBC-MAC state after P and the tweak's whole blocks, for the current call. */
    private final byte[] prefixState = new byte[BLOCK_BYTES];
    /** CBC-MAC running state; R at the end of a round. */
    private final byte[] state = new byte[BLOCK_BYTES];
    /**
     * The AES output before it becomes the state: an in-place {@code Cipher.update} (same
     * array in and out) makes the JDK copy the input, 32 bytes per block.
     */
    private final byte[] cipherOut = new byte[BLOCK_BYTES];
    private int statePosition;
    /** The length and tweak length {@link #prefixState} was computed for, when it depends on nothing else; -1 when not. */
    private int cachedLength = -1;
    private int cachedTweakLength = -1;

    /**
     * @param key   16, 24 or 32 bytes (AES-128, -192, -256); copied into the cipher's key schedule.
     * @param radix numerals are 0 to radix - 1, {@value #MIN_RADIX} to {@value #MAX_RADIX}.
     */
    public Ff1(final byte[] key, final int radix)
    {
        if (null == key || (key.length != 16 && key.length != 24 && key.length != 32))
        {
            throw new IllegalArgumentException("FF1 needs an AES key of 16, 24 or 32 bytes, got " +
                (null == key ? "null" : key.length));
        }
        if (radix < MIN_RADIX || radix > MAX_RADIX)
        {
            throw new IllegalArgumentException("FF1 radix must be " + MIN_RADIX + " to " + MAX_RADIX + ", got " + radix);
        }
        this.radix = radix;
        this.maxLength = maxLength(radix);
        try
        {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JDK has no AES/ECB/NoPadding, which every Java SE platform must provide", ex);
        }
    }

    /**
     * @param radix a radix from {@value #MIN_RADIX} to {@value #MAX_RADIX}.
     * @return the most numerals this implementation takes in that radix (both halves within a signed long).
     */
    public static int maxLength(final int radix)
    {
        int halfLength = 0;
        long power = 1;
        while (power <= Long.MAX_VALUE / radix)
        {
            power *= radix;
            halfLength++;
        }
        return Math.min(MAX_LENGTH, 2 * halfLength);
    }

    /**
     * @param radix the radix.
     * @return the smallest length whose domain radix^length reaches {@link #MIN_DOMAIN_SIZE}.
     */
    public static int minLength(final int radix)
    {
        int length = 0;
        long power = 1;
        while (power < MIN_DOMAIN_SIZE)
        {
            power *= radix;
            length++;
        }
        return Math.max(2, length);
    }

    /**
     * @return the radix.
     */
    public int radix()
    {
        return radix;
    }

    /**
     * Encrypts numerals (values 0 to radix - 1, one per byte) in place.
     *
     * @param numerals    the numeral string.
     * @param offset      first numeral.
     * @param length      numerals, {@link #minLength(int)} to {@link #maxLength(int)}.
     * @param tweak       the tweak bytes, or null for none.
     * @param tweakOffset first tweak byte.
     * @param tweakLength tweak bytes.
     */
    public void encrypt(
        final byte[] numerals, final int offset, final int length, final byte[] tweak, final int tweakOffset, final int tweakLength)
    {
        checkInput(numerals, offset, length);
        final int u = length >> 1;
        final int v = length - u;
        final long radixPowU = power(u);
        final long radixPowV = power(v);
        final int b = byteLength(radixPowV);
        final int d = 4 * ((b + 3) / 4) + 4;
        startCall(length, u, tweak, tweakOffset, tweakLength);

        long a = num(numerals, offset, u);
        long bHalf = num(numerals, offset + u, v);
        for (int round = 0; round < ROUNDS; round++)
        {
            final long modulus = 0 == (round & 1) ? radixPowU : radixPowV;
            final long y = roundFunction(round, bHalf, b, d, tweak, tweakOffset, tweakLength, modulus);
            long c = a + y;
            if (Long.compareUnsigned(c, modulus) >= 0)
            {
                c -= modulus;
            }
            a = bHalf;
            bHalf = c;
        }
        str(a, numerals, offset, u);
        str(bHalf, numerals, offset + u, v);
    }

    /**
     * Decrypts numerals in place: the inverse of {@link #encrypt} under the same key and tweak.
     *
     * @param numerals    the numeral string.
     * @param offset      first numeral.
     * @param length      numerals.
     * @param tweak       the tweak bytes, or null for none.
     * @param tweakOffset first tweak byte.
     * @param tweakLength tweak bytes.
     */
    public void decrypt(
        final byte[] numerals, final int offset, final int length, final byte[] tweak, final int tweakOffset, final int tweakLength)
    {
        checkInput(numerals, offset, length);
        final int u = length >> 1;
        final int v = length - u;
        final long radixPowU = power(u);
        final long radixPowV = power(v);
        final int b = byteLength(radixPowV);
        final int d = 4 * ((b + 3) / 4) + 4;
        startCall(length, u, tweak, tweakOffset, tweakLength);

        long a = num(numerals, offset, u);
        long bHalf = num(numerals, offset + u, v);
        for (int round = ROUNDS - 1; round >= 0; round--)
        {
            final long modulus = 0 == (round & 1) ? radixPowU : radixPowV;
            final long y = roundFunction(round, a, b, d, tweak, tweakOffset, tweakLength, modulus);
            long c = bHalf - y;
            if (c < 0)
            {
                c += modulus;
            }
            bHalf = a;
            a = c;
        }
        str(a, numerals, offset, u);
        str(bHalf, numerals, offset + u, v);
    }

    private void checkInput(final byte[] numerals, final int offset, final int length)
    {
        if (length < 2 || length > maxLength)
        {
            throw new IllegalArgumentException("FF1 in radix " + radix + " takes 2 to " + maxLength + " numerals, got " + length);
        }
        if (!domainLargeEnough(radix, length))
        {
            throw new IllegalArgumentException("FF1 domain " + radix + "^" + length + " is below the SP 800-38G Rev. 1 minimum of " +
                MIN_DOMAIN_SIZE + " values: use at least " + minLength(radix) + " numerals in radix " + radix);
        }
        for (int i = offset, end = offset + length; i < end; i++)
        {
            if ((numerals[i] & 0xFF) >= radix)
            {
                throw new IllegalArgumentException("FF1 numeral at index " + (i - offset) + " is not below radix " + radix);
            }
        }
    }

    /**
     * @param radix  the radix.
     * @param length numerals.
     * @return whether radix^length is at least {@link #MIN_DOMAIN_SIZE}.
     */
    public static boolean domainLargeEnough(final int radix, final int length)
    {
        long power = 1;
        for (int i = 0; i < length && power < MIN_DOMAIN_SIZE; i++)
        {
            power *= radix;
        }
        return power >= MIN_DOMAIN_SIZE;
    }

    private long power(final int exponent)
    {
        long power = 1;
        for (int i = 0; i < exponent; i++)
        {
            power *= radix;
        }
        return power;
    }

    /** b = ceil(ceil(v * log2(radix)) / 8): the bit length of radix^v - 1, in whole bytes. */
    private static int byteLength(final long radixPowV)
    {
        final int bits = Long.SIZE - Long.numberOfLeadingZeros(radixPowV - 1);
        return (bits + 7) >> 3;
    }

    /** P (the first PRF block) and the tweak's whole blocks, once per call. */
    private void startCall(final int length, final int u, final byte[] tweak, final int tweakOffset, final int tweakLength)
    {
        // Below a whole block the tweak is all in the rounds' Q: the prefix is CIPH(P), which only
        // the lengths change, so consecutive values of one identifier kind reuse it.
        if (tweakLength < BLOCK_BYTES && length == cachedLength && tweakLength == cachedTweakLength)
        {
            return;
        }
        final byte[] p = state;
        p[0] = 1;
        p[1] = 2;
        p[2] = 1;
        p[3] = (byte)(radix >>> 16);
        p[4] = (byte)(radix >>> 8);
        p[5] = (byte)radix;
        p[6] = 10;
        p[7] = (byte)u;
        p[8] = (byte)(length >>> 24);
        p[9] = (byte)(length >>> 16);
        p[10] = (byte)(length >>> 8);
        p[11] = (byte)length;
        p[12] = (byte)(tweakLength >>> 24);
        p[13] = (byte)(tweakLength >>> 16);
        p[14] = (byte)(tweakLength >>> 8);
        p[15] = (byte)tweakLength;
        encryptState();

        final int wholeBlocksEnd = tweakOffset + (tweakLength & ~(BLOCK_BYTES - 1));
        for (int i = tweakOffset; i < wholeBlocksEnd; i += BLOCK_BYTES)
        {
            for (int j = 0; j < BLOCK_BYTES; j++)
            {
                state[j] ^= tweak[i + j];
            }
            encryptState();
        }
        System.arraycopy(state, 0, prefixState, 0, BLOCK_BYTES);
        final boolean reusable = tweakLength < BLOCK_BYTES;
        cachedLength = reusable ? length : -1;
        cachedTweakLength = reusable ? tweakLength : -1;
    }

    /**
     * One Feistel round's y = NUM(S) mod radix^m, where S is the first d bytes of
     * R = PRF(P || T || 0^((-t-b-1) mod 16) || [round] || [NUM(half)]^b); d is at most 12, so S is within R.
     */
    private long roundFunction(
        final int round,
        final long half,
        final int b,
        final int d,
        final byte[] tweak,
        final int tweakOffset,
        final int tweakLength,
        final long modulus)
    {
        System.arraycopy(prefixState, 0, state, 0, BLOCK_BYTES);
        statePosition = 0;
        final int tailStart = tweakOffset + (tweakLength & ~(BLOCK_BYTES - 1));
        for (int i = tailStart, end = tweakOffset + tweakLength; i < end; i++)
        {
            absorb(tweak[i]);
        }
        final int zeros = Math.floorMod(-tweakLength - b - 1, BLOCK_BYTES);
        for (int i = 0; i < zeros; i++)
        {
            absorb((byte)0);
        }
        absorb((byte)round);
        for (int shift = (b - 1) << 3; shift >= 0; shift -= 8)
        {
            absorb((byte)(half >>> shift));
        }
        // Q is a whole number of blocks, so the last absorb encrypted the state: it is R.
        return remainder(state, d, modulus);
    }

    private void absorb(final byte value)
    {
        state[statePosition++] ^= value;
        if (BLOCK_BYTES == statePosition)
        {
            encryptState();
            statePosition = 0;
        }
    }

    private void encryptState()
    {
        try
        {
            aes.update(state, 0, BLOCK_BYTES, cipherOut, 0);
            System.arraycopy(cipherOut, 0, state, 0, BLOCK_BYTES);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalStateException("AES output block is 16 bytes", ex);
        }
    }

    /** NUM(bytes[0, length)) mod modulus for modulus below 2^63, without a 128-bit type. */
    static long remainder(final byte[] bytes, final int length, final long modulus)
    {
        long r = 0;
        if (modulus <= 0x7FFF_FFFFL)
        {
            // r < 2^31, so r * 2^32 + word < 2^63: four bytes at a time.
            for (int i = 0; i < length; i += 4)
            {
                final long word = ((bytes[i] & 0xFFL) << 24) | ((bytes[i + 1] & 0xFFL) << 16) |
                    ((bytes[i + 2] & 0xFFL) << 8) | (bytes[i + 3] & 0xFFL);
                r = ((r << 32) | word) % modulus;
            }
            return r;
        }
        if (modulus <= MAX_BYTEWISE_MODULUS)
        {
            // r < 2^55, so r * 256 + byte < 2^63: a byte at a time (radix 33 and 36 halves of seven numerals).
            for (int i = 0; i < length; i++)
            {
                r = ((r << 8) | (bytes[i] & 0xFFL)) % modulus;
            }
            return r;
        }
        // r < modulus < 2^63, so 2r + 1 < 2^64: one bit at a time, compared unsigned.
        for (int i = 0; i < length; i++)
        {
            final int value = bytes[i] & 0xFF;
            for (int bit = 7; bit >= 0; bit--)
            {
                r = (r << 1) | ((value >>> bit) & 1);
                if (Long.compareUnsigned(r, modulus) >= 0)
                {
                    r -= modulus;
                }
            }
        }
        return r;
    }

    private long num(final byte[] numerals, final int offset, final int length)
    {
        long value = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            value = value * radix + numerals[i];
        }
        return value;
    }

    private void str(final long value, final byte[] numerals, final int offset, final int length)
    {
        long rest = value;
        for (int i = offset + length - 1; i >= offset; i--)
        {
            numerals[i] = (byte)(rest % radix);
            rest /= radix;
        }
    }

    /**
     * Overwrites the scratch blocks (they hold PRF outputs of the last value).
     */
    public void wipe()
    {
        Arrays.fill(prefixState, (byte)0);
        Arrays.fill(state, (byte)0);
        Arrays.fill(cipherOut, (byte)0);
        cachedLength = -1;
        cachedTweakLength = -1;
    }

    public String toString()
    {
        return "Ff1{radix=" + radix + ", key=<secret>}";
    }
}
