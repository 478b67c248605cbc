package dev.sluice.dataplane.anonymize;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Crypto-PAn prefix-preserving anonymization of IPv4 and IPv6 addresses (Xu, Fan, Ammar and
 * Moon, 2002): two addresses that share exactly a k-bit prefix map to two addresses that share
 * exactly a k-bit prefix. Bit-exact with the reference implementation ({@code sample.cpp}) for
 * IPv4 and with yacryptopan / yawning's Go cryptopan for IPv6.
 * <p>
 * Not thread-safe: one instance per worker thread, only ever called by that thread (it owns a
 * {@link Cipher}, scratch blocks, a prefix cache and the IPv6 result registers).
 * <p>
 * <b>Key.</b> 32 bytes: bytes 0..15 are the AES-128 key; bytes 16..31 are encrypted once under
 * that key to give the 128-bit pad. The key is never stored by this class after construction,
 * never logged, and {@link #toString()} does not show it.
 * <p>
 * <b>Algorithm.</b> Output bit i is input bit i XOR the first bit of AES(block i), where block i
 * is the first i bits of the ORIGINAL address followed by the pad's bits from i onwards:
 * <pre>
 *   bit:      0                 i                                 127
 *   block i  [ address[0, i)    | pad[i, 128)                       ]   (IPv4: address in bits 0..31)
 * </pre>
 * Every block depends only on the original address, so all blocks of one address are known up
 * front and go through AES in a single {@code Cipher.update} over a preallocated array (ECB, one
 * call per address instead of one per bit; the JDK runs ECB with AES-NI/VAES intrinsics).
 * Block 0 is the pad itself for every address, so its bit is computed once here.
 * <p>
 * <b>Prefix cache.</b> Output bits 0..23 of an IPv4 address depend only on its first 23 bits,
 * and output bits 0..63 of an IPv6 address only on its first 63 bits. A direct-mapped cache
 * keyed by the /24 (IPv4) or /64 (IPv6) prefix holds those flip bits, so a hit encrypts 8 blocks
 * instead of 31 (IPv4) or 64 instead of 127 (IPv6). Entries are computed by the same code path
 * as a miss, so results are exact either way.
 * <p>
 * <b>Allocation.</b> None per address (CryptoPanAllocationTest): {@code Cipher.update(in, off,
 * len, out, outOff)} with whole blocks and DISTINCT input and output arrays allocates nothing in
 * the JDK's SunJCE provider. Encrypting in place (input and output the same array) makes
 * {@code CipherCore.update} copy the input first (measured on JDK 25: 528 bytes per 512-byte
 * call), hence the separate {@code *Encrypted} arrays. No {@code doFinal} is needed: ECB without
 * padding keeps no state between calls.
 */
public final class CryptoPan
{
    /** Length of a Crypto-PAn key: 16 bytes of AES-128 key, then 16 bytes that make the pad. */
    public static final int KEY_LENGTH_BYTES = 32;

    /** Prefix cache slots used by {@link #CryptoPan(byte[])}: 16 KiB of IPv4 and 32 KiB of IPv6 entries. */
    public static final int DEFAULT_PREFIX_CACHE_SLOTS = 2048;

    /** Upper bound on the prefix cache slots, to keep the cache a cache and not a table. */
    public static final int MAX_PREFIX_CACHE_SLOTS = 1 << 20;

    private static final String TRANSFORMATION = "AES/ECB/NoPadding";
    private static final int AES_KEY_LENGTH_BYTES = 16;
    private static final int BLOCK_LENGTH_BYTES = 16;
    private static final int IPV4_BITS = 32;
    private static final int IPV6_BITS = 128;
    /** IPv4 output bits 0..23 come from the cache; bits 24..31 are encrypted on a hit. */
    private static final int IPV4_CACHED_BITS = 24;
    private static final int IPV4_CACHED_FLIPS_MASK = -1 << (IPV4_BITS - IPV4_CACHED_BITS);
    /** IPv6 output bits 0..63 come from the cache; bits 64..127 are encrypted on a hit. */
    private static final int IPV6_CACHED_BITS = 64;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Cipher cipher;
    private final long padHigh;
    private final long padLow;
    private final int padHigh32;
    /** The flip bit of position 0 (block 0 is the pad for every address), 0 or 1. */
    private final int firstFlipBit;

    // Block for position p (1 <= p < bits) sits at (p - 1) * BLOCK_LENGTH_BYTES; the pad bytes
    // that never change for a position are written once here, the rest per address.
    private final byte[] ipv4Blocks = new byte[(IPV4_BITS - 1) * BLOCK_LENGTH_BYTES];
    private final byte[] ipv4Encrypted = new byte[(IPV4_BITS - 1) * BLOCK_LENGTH_BYTES];
    private final byte[] ipv6Blocks = new byte[(IPV6_BITS - 1) * BLOCK_LENGTH_BYTES];
    private final byte[] ipv6Encrypted = new byte[(IPV6_BITS - 1) * BLOCK_LENGTH_BYTES];
    private final byte[] reverseBlock = new byte[BLOCK_LENGTH_BYTES];
    private final byte[] reverseEncrypted = new byte[BLOCK_LENGTH_BYTES];

    private final int prefixCacheSlots;
    private final int prefixCacheShift;
    private final int[] ipv4CachePrefixes;
    private final int[] ipv4CacheFlips;
    private final long[] ipv6CachePrefixes;
    private final long[] ipv6CacheFlips;

    private long resultHigh;
    private long resultLow;

    /**
     * A Crypto-PAn instance with the default prefix cache.
     *
     * @param key 32 bytes: AES-128 key then pad input; not retained.
     * @throws IllegalArgumentException if the key is not 32 bytes long.
     */
    public CryptoPan(final byte[] key)
    {
        this(key, DEFAULT_PREFIX_CACHE_SLOTS);
    }

    /**
     * A Crypto-PAn instance with a prefix cache of the given size.
     *
     * @param key              32 bytes: AES-128 key then pad input; not retained.
     * @param prefixCacheSlots 0 to disable the cache, else a power of two from 2 to {@link #MAX_PREFIX_CACHE_SLOTS}.
     * @throws IllegalArgumentException if the key is not 32 bytes long or the cache size is invalid.
     */
    public CryptoPan(final byte[] key, final int prefixCacheSlots)
    {
        if (null == key || key.length != KEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException(
                "Crypto-PAn key must be " + KEY_LENGTH_BYTES + " bytes (16-byte AES key, then 16 bytes for the pad), got " +
                (null == key ? "null" : key.length + " bytes"));
        }
        if (0 != prefixCacheSlots &&
            (prefixCacheSlots < 2 || prefixCacheSlots > MAX_PREFIX_CACHE_SLOTS || Integer.bitCount(prefixCacheSlots) != 1))
        {
            throw new IllegalArgumentException(
                "prefixCacheSlots must be 0 or a power of two from 2 to " + MAX_PREFIX_CACHE_SLOTS + ", got " + prefixCacheSlots);
        }

        final byte[] pad = new byte[BLOCK_LENGTH_BYTES];
        try
        {
            cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, AES_KEY_LENGTH_BYTES, "AES"));
            cipher.update(key, AES_KEY_LENGTH_BYTES, BLOCK_LENGTH_BYTES, pad, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            // AES/ECB/NoPadding is one of the transformations every Java platform must provide.
            throw new IllegalStateException("the JDK provides no " + TRANSFORMATION + " cipher", ex);
        }

        padHigh = (long)LONG_BE.get(pad, 0);
        padLow = (long)LONG_BE.get(pad, 8);
        padHigh32 = (int)(padHigh >>> 32);
        Arrays.fill(pad, (byte)0);

        for (int position = 1; position < IPV4_BITS; position++)
        {
            final int offset = (position - 1) * BLOCK_LENGTH_BYTES;
            INT_BE.set(ipv4Blocks, offset + 4, (int)padHigh);
            LONG_BE.set(ipv4Blocks, offset + 8, padLow);
        }
        for (int position = 1; position < IPV6_CACHED_BITS; position++)
        {
            LONG_BE.set(ipv6Blocks, (position - 1) * BLOCK_LENGTH_BYTES + 8, padLow);
        }

        LONG_BE.set(reverseBlock, 0, padHigh);
        LONG_BE.set(reverseBlock, 8, padLow);
        encrypt(reverseBlock, 0, reverseEncrypted, 0, BLOCK_LENGTH_BYTES);
        firstFlipBit = firstBit(reverseEncrypted, 0);

        this.prefixCacheSlots = prefixCacheSlots;
        if (prefixCacheSlots > 0)
        {
            prefixCacheShift = Integer.SIZE - Integer.numberOfTrailingZeros(prefixCacheSlots);
            ipv4CachePrefixes = new int[prefixCacheSlots];
            ipv4CacheFlips = new int[prefixCacheSlots];
            ipv6CachePrefixes = new long[prefixCacheSlots];
            ipv6CacheFlips = new long[prefixCacheSlots];

            // Every slot starts as a true entry for prefix 0, so no slot needs a "valid" flag: a
            // lookup for prefix 0 finds a correct entry wherever it lands, any other prefix misses.
            final int ipv4ZeroFlips = computeIpv4Flips(0, 1, firstFlipBit << (IPV4_BITS - 1)) & IPV4_CACHED_FLIPS_MASK;
            computeIpv6(0L, 0L, 1, (long)firstFlipBit << (Long.SIZE - 1));
            final long ipv6ZeroFlips = resultHigh;
            Arrays.fill(ipv4CacheFlips, ipv4ZeroFlips);
            Arrays.fill(ipv6CacheFlips, ipv6ZeroFlips);
        }
        else
        {
            prefixCacheShift = 0;
            ipv4CachePrefixes = null;
            ipv4CacheFlips = null;
            ipv6CachePrefixes = null;
            ipv6CacheFlips = null;
        }
        resultHigh = 0;
        resultLow = 0;
    }

    /**
     * Load a key file (32 raw bytes, or 64 hex characters with surrounding whitespace) and create
     * an instance with the default prefix cache. The file must not be accessible by group or others.
     *
     * @param keyFile the key file.
     * @return a new instance for the calling thread.
     * @throws IOException if the file cannot be read, is accessible by group or others, or is not a key.
     */
    public static CryptoPan fromKeyFile(final Path keyFile) throws IOException
    {
        return fromKeyFile(keyFile, DEFAULT_PREFIX_CACHE_SLOTS);
    }

    /**
     * Load a key file as {@link #fromKeyFile(Path)} does, with a chosen prefix cache size.
     *
     * @param keyFile          the key file.
     * @param prefixCacheSlots 0 to disable the cache, else a power of two.
     * @return a new instance for the calling thread.
     * @throws IOException if the file cannot be read, is accessible by group or others, or is not a key.
     */
    public static CryptoPan fromKeyFile(final Path keyFile, final int prefixCacheSlots) throws IOException
    {
        final byte[] key = CryptoPanKeyFile.read(keyFile);
        try
        {
            return new CryptoPan(key, prefixCacheSlots);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * A fresh random key.
     *
     * @param random source of the key's bytes.
     * @return 32 new bytes; the caller should zero them once used.
     */
    public static byte[] generateKey(final SecureRandom random)
    {
        final byte[] key = new byte[KEY_LENGTH_BYTES];
        random.nextBytes(key);
        return key;
    }

    /**
     * Write a key as 64 hex characters and a newline to a new file created with permissions 0600.
     *
     * @param keyFile the file to create; it must not exist yet.
     * @param key     32 bytes.
     * @throws IOException if the file exists or cannot be written, or the file system has no POSIX permissions.
     */
    public static void writeKeyFile(final Path keyFile, final byte[] key) throws IOException
    {
        CryptoPanKeyFile.write(keyFile, key);
    }

    /**
     * Anonymize an IPv4 address.
     *
     * @param address the address, most significant bit first (a.b.c.d is {@code a << 24 | ... | d}).
     * @return the anonymized address in the same layout.
     */
    public int anonymizeIpv4(final int address)
    {
        if (0 == prefixCacheSlots)
        {
            return address ^ computeIpv4Flips(address, 1, firstFlipBit << (IPV4_BITS - 1));
        }

        final int prefix = address & IPV4_CACHED_FLIPS_MASK;
        final int slot = (prefix * 0x9E3779B9) >>> prefixCacheShift;
        if (ipv4CachePrefixes[slot] == prefix)
        {
            return address ^ computeIpv4Flips(address, IPV4_CACHED_BITS, ipv4CacheFlips[slot]);
        }

        final int flips = computeIpv4Flips(address, 1, firstFlipBit << (IPV4_BITS - 1));
        ipv4CachePrefixes[slot] = prefix;
        ipv4CacheFlips[slot] = flips & IPV4_CACHED_FLIPS_MASK;

        return address ^ flips;
    }

    /**
     * Reverse {@link #anonymizeIpv4(int)}, one bit at a time (each bit's block needs the original
     * bits before it). For analysts holding the key; not meant for the per-packet path.
     *
     * @param anonymized an anonymized address.
     * @return the original address.
     */
    public int deanonymizeIpv4(final int anonymized)
    {
        int original = (anonymized ^ (firstFlipBit << (IPV4_BITS - 1))) & (1 << (IPV4_BITS - 1));
        for (int position = 1; position < IPV4_BITS; position++)
        {
            final int keepOriginal = ~(-1 >>> position);
            INT_BE.set(reverseBlock, 0, (original & keepOriginal) | (padHigh32 & ~keepOriginal));
            LONG_BE.set(reverseBlock, 8, padLow);
            INT_BE.set(reverseBlock, 4, (int)padHigh);
            encrypt(reverseBlock, 0, reverseEncrypted, 0, BLOCK_LENGTH_BYTES);

            final int shift = IPV4_BITS - 1 - position;
            original |= (((anonymized >>> shift) & 1) ^ firstBit(reverseEncrypted, 0)) << shift;
        }

        return original;
    }

    /**
     * Anonymize an IPv6 address; read the result with {@link #resultHigh()} and {@link #resultLow()}.
     *
     * @param high the address's first 64 bits, most significant bit first.
     * @param low  the address's last 64 bits.
     */
    public void anonymizeIpv6(final long high, final long low)
    {
        if (0 == prefixCacheSlots)
        {
            computeIpv6(high, low, 1, (long)firstFlipBit << (Long.SIZE - 1));
            return;
        }

        final int slot = (int)((high * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - Integer.SIZE + prefixCacheShift));
        if (ipv6CachePrefixes[slot] == high)
        {
            computeIpv6(high, low, IPV6_CACHED_BITS, ipv6CacheFlips[slot]);
            return;
        }

        computeIpv6(high, low, 1, (long)firstFlipBit << (Long.SIZE - 1));
        ipv6CachePrefixes[slot] = high;
        ipv6CacheFlips[slot] = high ^ resultHigh;
    }

    /**
     * Reverse {@link #anonymizeIpv6(long, long)}, one bit at a time; read the result with
     * {@link #resultHigh()} and {@link #resultLow()}. For analysts; not meant for the per-packet path.
     *
     * @param anonymizedHigh the anonymized address's first 64 bits.
     * @param anonymizedLow  the anonymized address's last 64 bits.
     */
    public void deanonymizeIpv6(final long anonymizedHigh, final long anonymizedLow)
    {
        long originalHigh = (anonymizedHigh ^ ((long)firstFlipBit << (Long.SIZE - 1))) & Long.MIN_VALUE;
        long originalLow = 0;
        for (int position = 1; position < IPV6_BITS; position++)
        {
            if (position < Long.SIZE)
            {
                final long keepOriginal = ~(-1L >>> position);
                LONG_BE.set(reverseBlock, 0, (originalHigh & keepOriginal) | (padHigh & ~keepOriginal));
                LONG_BE.set(reverseBlock, 8, padLow);
            }
            else
            {
                final long keepOriginal = ~(-1L >>> (position - Long.SIZE));
                LONG_BE.set(reverseBlock, 0, originalHigh);
                LONG_BE.set(reverseBlock, 8, (originalLow & keepOriginal) | (padLow & ~keepOriginal));
            }
            encrypt(reverseBlock, 0, reverseEncrypted, 0, BLOCK_LENGTH_BYTES);

            final long flip = firstBit(reverseEncrypted, 0);
            if (position < Long.SIZE)
            {
                final int shift = Long.SIZE - 1 - position;
                originalHigh |= (((anonymizedHigh >>> shift) & 1L) ^ flip) << shift;
            }
            else
            {
                final int shift = IPV6_BITS - 1 - position;
                originalLow |= (((anonymizedLow >>> shift) & 1L) ^ flip) << shift;
            }
        }

        resultHigh = originalHigh;
        resultLow = originalLow;
    }

    /**
     * First 64 bits of the last IPv6 result.
     *
     * @return the high half of the address computed by the last IPv6 call.
     */
    public long resultHigh()
    {
        return resultHigh;
    }

    /**
     * Last 64 bits of the last IPv6 result.
     *
     * @return the low half of the address computed by the last IPv6 call.
     */
    public long resultLow()
    {
        return resultLow;
    }

    /**
     * Number of slots in the prefix cache.
     *
     * @return 0 when the cache is disabled.
     */
    public int prefixCacheSlots()
    {
        return prefixCacheSlots;
    }

    /**
     * Describes the instance without any key material.
     *
     * @return a description naming the cache size only.
     */
    @Override
    public String toString()
    {
        return "CryptoPan{prefixCacheSlots=" + prefixCacheSlots + '}';
    }

    /**
     * The flip bits of an IPv4 address for positions {@code [firstPosition, 32)}, OR-ed into
     * {@code knownFlips} (which holds the bits for the positions before).
     */
    private int computeIpv4Flips(final int address, final int firstPosition, final int knownFlips)
    {
        final byte[] blocks = ipv4Blocks;
        final int padHigh32 = this.padHigh32;
        for (int position = firstPosition; position < IPV4_BITS; position++)
        {
            final int keepOriginal = ~(-1 >>> position);
            INT_BE.set(blocks, (position - 1) * BLOCK_LENGTH_BYTES, (address & keepOriginal) | (padHigh32 & ~keepOriginal));
        }

        final int firstOffset = (firstPosition - 1) * BLOCK_LENGTH_BYTES;
        final byte[] encrypted = ipv4Encrypted;
        encrypt(blocks, firstOffset, encrypted, firstOffset, (IPV4_BITS - firstPosition) * BLOCK_LENGTH_BYTES);

        int flips = knownFlips;
        for (int position = firstPosition; position < IPV4_BITS; position++)
        {
            flips |= firstBit(encrypted, (position - 1) * BLOCK_LENGTH_BYTES) << (IPV4_BITS - 1 - position);
        }

        return flips;
    }

    /**
     * Anonymize an IPv6 address into the result registers, encrypting the blocks for positions
     * {@code [firstPosition, 128)}; {@code knownFlipsHigh} holds the flip bits before them
     * ({@code firstPosition} is 1 or 64).
     */
    private void computeIpv6(final long high, final long low, final int firstPosition, final long knownFlipsHigh)
    {
        final byte[] blocks = ipv6Blocks;
        final long padHigh = this.padHigh;
        final long padLow = this.padLow;
        for (int position = firstPosition; position < Long.SIZE; position++)
        {
            final long keepOriginal = ~(-1L >>> position);
            LONG_BE.set(blocks, (position - 1) * BLOCK_LENGTH_BYTES, (high & keepOriginal) | (padHigh & ~keepOriginal));
        }
        for (int position = Math.max(firstPosition, Long.SIZE); position < IPV6_BITS; position++)
        {
            final int offset = (position - 1) * BLOCK_LENGTH_BYTES;
            final long keepOriginal = ~(-1L >>> (position - Long.SIZE));
            LONG_BE.set(blocks, offset, high);
            LONG_BE.set(blocks, offset + 8, (low & keepOriginal) | (padLow & ~keepOriginal));
        }

        final int firstOffset = (firstPosition - 1) * BLOCK_LENGTH_BYTES;
        final byte[] encrypted = ipv6Encrypted;
        encrypt(blocks, firstOffset, encrypted, firstOffset, (IPV6_BITS - firstPosition) * BLOCK_LENGTH_BYTES);

        long flipsHigh = knownFlipsHigh;
        for (int position = firstPosition; position < Long.SIZE; position++)
        {
            flipsHigh |= (long)firstBit(encrypted, (position - 1) * BLOCK_LENGTH_BYTES) << (Long.SIZE - 1 - position);
        }
        long flipsLow = 0;
        for (int position = Long.SIZE; position < IPV6_BITS; position++)
        {
            flipsLow |= (long)firstBit(encrypted, (position - 1) * BLOCK_LENGTH_BYTES) << (IPV6_BITS - 1 - position);
        }

        resultHigh = high ^ flipsHigh;
        resultLow = low ^ flipsLow;
    }

    private void encrypt(final byte[] in, final int inOffset, final byte[] out, final int outOffset, final int lengthBytes)
    {
        try
        {
            cipher.update(in, inOffset, lengthBytes, out, outOffset);
        }
        catch (final ShortBufferException ex)
        {
            // The output arrays are sized for every block at construction.
            throw new IllegalStateException(ex);
        }
    }

    private static int firstBit(final byte[] block, final int offset)
    {
        return (block[offset] >>> 7) & 1;
    }
}
