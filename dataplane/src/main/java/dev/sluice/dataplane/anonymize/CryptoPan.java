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
 * {@link Cipher}, scratch blocks, the caches and the IPv6 result registers).
 * <p>
 * <b>Key.</b> 32 bytes: bytes 0..15 are the AES-128 key; bytes 16..31 are encrypted once under
 * that key to give the 128-bit pad. This class keeps no copy of the key bytes (only the JCE
 * cipher's key schedule and the pad, which it needs), never logs them, and {@link #toString()}
 * does not show them.
 * <p>
 * <b>Algorithm.</b> Output bit i is input bit i XOR the first bit of AES(block i), where block i
 * is the first i bits of the ORIGINAL address followed by the pad's bits from i onwards:
 * <pre>
 *   bit:      0                 i                                 127
 *   block i  [ address[0, i)    | pad[i, 128)                       ]   (IPv4: address in bits 0..31)
 * </pre>
 * Blocks i and i + 1 are the same block wherever address bit i equals pad bit i, so an address
 * has only 1 + (its bits 0..30 that differ from the pad's) independent flip bits, and an address
 * is its own image far more often than 2^-32: about 1 in 15,000 random IPv4 addresses on
 * average over keys (CryptoPanTest). The reference has the same fixed points; check an anonymized
 * address against its image under the key, never by "differs from the raw address".
 * <p>
 * Every block depends only on the original address, so all blocks of one address are known up
 * front and go through AES in a single {@code Cipher.update} over a preallocated array (ECB, one
 * call per address instead of one per bit). Block 0 (the pad itself) is encrypted along with the
 * others although its bit never changes: on CPUs with AVX-512 VAES the JDK's ECB stub encrypts
 * 512-byte chunks (32 blocks) in parallel and any remainder one block at a time, so 32 blocks cost
 * less than 31 (measured: 31 ns against 74 ns per call). IPv4 is one chunk, IPv6 four.
 * <p>
 * <b>Caches.</b> Exact by construction: entries are written only from computed results. Output
 * bits 0..23 of an IPv4 address depend only on its first 23 bits, and output bits 0..63 of an
 * IPv6 address only on its first 63 bits.
 * <ul>
 *   <li>IPv4, by /24 ({@code cacheSlots} entries, two-way set associative): an entry keeps its
 *   /24's flip bits, the whole result of the first address seen in it, and once a second
 *   address of the /24 comes, its last-octet tree. The flip bits of positions 24..31 of every
 *   address in a /24 come from 255 blocks (position 24 + d has 2^d possible blocks, one per value
 *   of the d address bits before it): they are encrypted in one {@code Cipher.update} (256
 *   blocks: 8 parallel VAES chunks) and their 255 first bits kept (32 bytes), so from then on every
 *   address of that /24 is answered by walking 8 of those bits, without AES. A /24 seen with one
 *   address never pays for a tree. Busy subnets (a site's clients, a server farm) are what
 *   captures are made of; one entry in one place answers each address, where separate address
 *   and prefix caches cost two or three cache-line misses per address on a large capture.</li>
 *   <li>IPv6: two direct-mapped caches of {@code cacheSlots} entries, recent full addresses and
 *   their results (a hit skips AES entirely: packets of one flow repeat the same addresses), and
 *   /64 prefixes, whose hit leaves 64 blocks to prepare, encrypt and read, half the AES work.</li>
 * </ul>
 * Every slot starts as a true entry for address 0 (prefix 0), so no slot needs a valid flag: a
 * lookup for 0 finds a correct entry wherever it lands, any other key misses.
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

    /** Slots per cache used by {@link #CryptoPan(byte[])}: 16 KiB of IPv4 and 48 KiB of IPv6 entries. */
    public static final int DEFAULT_CACHE_SLOTS = 1024;

    /** Upper bound on the slots per cache, to keep the caches caches and not tables. */
    public static final int MAX_CACHE_SLOTS = 1 << 20;

    private static final String TRANSFORMATION = "AES/ECB/NoPadding";
    private static final int AES_KEY_LENGTH_BYTES = 16;
    private static final int BLOCK_LENGTH_BYTES = 16;
    private static final int IPV4_BITS = 32;
    private static final int IPV6_BITS = 128;
    /** IPv4 output bits 0..23 come from the prefix cache; bits 24..31 are encrypted on a hit. */
    private static final int IPV4_PREFIX_BITS = 24;
    private static final int IPV4_PREFIX_MASK = -1 << (IPV4_BITS - IPV4_PREFIX_BITS);
    /** IPv6 output bits 0..63 come from the prefix cache; bits 64..127 are encrypted on a hit. */
    private static final int IPV6_PREFIX_BITS = 64;
    /** Blocks of a last-octet tree: 255 nodes, plus one unused block to fill whole VAES chunks. */
    private static final int IPV4_TREE_BLOCKS = 256;
    private static final int IPV4_TREE_LONGS = IPV4_TREE_BLOCKS / Long.SIZE;
    private static final int IPV4_TREE_DEPTH = IPV4_BITS - IPV4_PREFIX_BITS;
    /** Longs per IPv4 prefix entry: prefix and flips, then the tree. */
    private static final int IPV4_ENTRY_LONGS = 1 + IPV4_TREE_LONGS;
    /** In an entry's last long, the bit of tree node 255 (which does not exist): set once the tree is filled. */
    private static final long IPV4_TREE_READY = Long.MIN_VALUE;
    private static final int GOLDEN_RATIO_32 = 0x9E3779B9;
    private static final long GOLDEN_RATIO_64 = 0x9E3779B97F4A7C15L;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Entry p keeps the first p bits of an IPv4 address (p = 0..31). */
    private static final int[] IPV4_KEEP_MASKS = new int[IPV4_BITS];
    /** Entry p keeps the first p bits of a 64-bit half (p = 0..63). */
    private static final long[] HALF_KEEP_MASKS = new long[Long.SIZE];

    static
    {
        for (int position = 1; position < IPV4_BITS; position++)
        {
            IPV4_KEEP_MASKS[position] = ~(-1 >>> position);
        }
        for (int position = 1; position < Long.SIZE; position++)
        {
            HALF_KEEP_MASKS[position] = ~(-1L >>> position);
        }
    }

    private final Cipher cipher;
    private final long padHigh;
    private final long padLow;
    private final int padHigh32;
    /** The flip bit of position 0 (block 0 is the pad for every address), 0 or 1. */
    private final int firstFlipBit;
    /** Entry p is the pad's bits p..31 (first 32 bits of the pad, first p bits cleared), for IPv4 block p. */
    private final int[] ipv4PadBits = new int[IPV4_BITS];
    /** Entry p is the pad's bits p..63 of the high half, for IPv6 block p (p = 0..63). */
    private final long[] ipv6PadHighBits = new long[Long.SIZE];
    /** Entry p is the pad's bits 64 + p..127 of the low half, for IPv6 block 64 + p (p = 0..63). */
    private final long[] ipv6PadLowBits = new long[Long.SIZE];

    // Block for position p sits at p * BLOCK_LENGTH_BYTES. Block 0 and the pad bytes that never
    // change for a position are written once here, the rest per address.
    private final byte[] ipv4Blocks = new byte[IPV4_BITS * BLOCK_LENGTH_BYTES];
    private final byte[] ipv4Encrypted = new byte[IPV4_BITS * BLOCK_LENGTH_BYTES];
    private final byte[] ipv6Blocks = new byte[IPV6_BITS * BLOCK_LENGTH_BYTES];
    private final byte[] ipv6Encrypted = new byte[IPV6_BITS * BLOCK_LENGTH_BYTES];
    private final byte[] ipv4TreeBlocks = new byte[IPV4_TREE_BLOCKS * BLOCK_LENGTH_BYTES];
    private final byte[] ipv4TreeEncrypted = new byte[IPV4_TREE_BLOCKS * BLOCK_LENGTH_BYTES];
    private final byte[] reverseBlock = new byte[BLOCK_LENGTH_BYTES];
    private final byte[] reverseEncrypted = new byte[BLOCK_LENGTH_BYTES];

    private final int cacheSlots;
    private final int cacheShift;
    /**
     * The IPv4 cache, by /24: two-way set associative, entries 2s and 2s + 1 form set s, the last
     * used first. Entry e holds {@link #IPV4_ENTRY_LONGS} longs from {@code 5e}: first the /24
     * prefix OR the last octet of the first address seen in it (high 32 bits) and that address's
     * 32 flip bits (low 32 bits, of which bits 0..23 are the whole /24's), then its last-octet
     * tree, node n at bit n % 64 of long n / 64, {@link #IPV4_TREE_READY} once filled. One entry
     * answers its /24's first address alone, and every address once the tree is filled: one
     * lookup in one place per address.
     */
    private final long[] ipv4Cache;
    /** Shifts a 32-bit hash down to a set of the IPv4 cache (32 with one set, hence long arithmetic). */
    private final int ipv4SetShift;
    /** Slot i: [4i] high, [4i + 1] low, [4i + 2] result high, [4i + 3] result low. */
    private final long[] ipv6AddressCache;
    /** Slot i: [2i] /64 prefix, [2i + 1] flip bits 0..63. */
    private final long[] ipv6PrefixCache;

    private long addressCacheHits;
    private long prefixCacheHits;
    private long cacheMisses;
    private long resultHigh;
    private long resultLow;

    /**
     * A Crypto-PAn instance with caches of {@link #DEFAULT_CACHE_SLOTS} slots.
     *
     * @param key 32 bytes: AES-128 key then pad input; not retained.
     * @throws IllegalArgumentException if the key is not 32 bytes long.
     */
    public CryptoPan(final byte[] key)
    {
        this(key, DEFAULT_CACHE_SLOTS);
    }

    /**
     * A Crypto-PAn instance with caches of the given size.
     *
     * @param key        32 bytes: AES-128 key then pad input; not retained.
     * @param cacheSlots slots per cache: 0 to disable the caches, else a power of two from 2 to
     *                   {@link #MAX_CACHE_SLOTS}.
     * @throws IllegalArgumentException if the key is not 32 bytes long or the cache size is invalid.
     */
    public CryptoPan(final byte[] key, final int cacheSlots)
    {
        if (null == key || key.length != KEY_LENGTH_BYTES)
        {
            throw new IllegalArgumentException(
                "Crypto-PAn key must be " + KEY_LENGTH_BYTES + " bytes (16-byte AES key, then 16 bytes for the pad), got " +
                (null == key ? "null" : key.length + " bytes"));
        }
        if (0 != cacheSlots && (cacheSlots < 2 || cacheSlots > MAX_CACHE_SLOTS || Integer.bitCount(cacheSlots) != 1))
        {
            throw new IllegalArgumentException(
                "cacheSlots must be 0 or a power of two from 2 to " + MAX_CACHE_SLOTS + ", got " + cacheSlots);
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
        for (int position = 0; position < IPV4_BITS; position++)
        {
            ipv4PadBits[position] = padHigh32 & ~IPV4_KEEP_MASKS[position];
        }
        for (int position = 0; position < Long.SIZE; position++)
        {
            ipv6PadHighBits[position] = padHigh & ~HALF_KEEP_MASKS[position];
            ipv6PadLowBits[position] = padLow & ~HALF_KEEP_MASKS[position];
        }

        for (int position = 0; position < IPV4_BITS; position++)
        {
            final int offset = position * BLOCK_LENGTH_BYTES;
            INT_BE.set(ipv4Blocks, offset, padHigh32);
            INT_BE.set(ipv4Blocks, offset + 4, (int)padHigh);
            LONG_BE.set(ipv4Blocks, offset + 8, padLow);
        }
        for (int node = 0; node < IPV4_TREE_BLOCKS; node++)
        {
            final int offset = node * BLOCK_LENGTH_BYTES;
            INT_BE.set(ipv4TreeBlocks, offset + 4, (int)padHigh);
            LONG_BE.set(ipv4TreeBlocks, offset + 8, padLow);
        }
        for (int position = 0; position < IPV6_PREFIX_BITS; position++)
        {
            LONG_BE.set(ipv6Blocks, position * BLOCK_LENGTH_BYTES, padHigh);
            LONG_BE.set(ipv6Blocks, position * BLOCK_LENGTH_BYTES + 8, padLow);
        }

        LONG_BE.set(reverseBlock, 0, padHigh);
        LONG_BE.set(reverseBlock, 8, padLow);
        encrypt(reverseBlock, 0, reverseEncrypted, 0, BLOCK_LENGTH_BYTES);
        firstFlipBit = firstBit(reverseEncrypted, 0);

        this.cacheSlots = cacheSlots;
        if (cacheSlots > 0)
        {
            cacheShift = Integer.SIZE - Integer.numberOfTrailingZeros(cacheSlots);
            ipv4SetShift = cacheShift + 1;
            ipv4Cache = new long[cacheSlots * IPV4_ENTRY_LONGS];
            ipv6AddressCache = new long[cacheSlots * 4];
            ipv6PrefixCache = new long[cacheSlots * 2];

            final int ipv4ZeroFlips = computeIpv4Flips(0, 0, 0);
            computeIpv6(0L, 0L, 0, 0L);
            for (int slot = 0; slot < cacheSlots; slot++)
            {
                ipv4Cache[slot * IPV4_ENTRY_LONGS] = ipv4ZeroFlips & 0xFFFF_FFFFL;
                ipv6AddressCache[slot * 4 + 2] = resultHigh;
                ipv6AddressCache[slot * 4 + 3] = resultLow;
                ipv6PrefixCache[slot * 2 + 1] = resultHigh;
            }
        }
        else
        {
            cacheShift = 0;
            ipv4SetShift = 0;
            ipv4Cache = null;
            ipv6AddressCache = null;
            ipv6PrefixCache = null;
        }
        resultHigh = 0;
        resultLow = 0;
    }

    /**
     * Load a key file (32 raw bytes, or 64 hex characters with surrounding whitespace) and create
     * an instance with the default caches. The file must not be accessible by group or others.
     *
     * @param keyFile the key file.
     * @return a new instance for the calling thread.
     * @throws IOException if the file cannot be read, is accessible by group or others, or is not a key.
     */
    public static CryptoPan fromKeyFile(final Path keyFile) throws IOException
    {
        return fromKeyFile(keyFile, DEFAULT_CACHE_SLOTS);
    }

    /**
     * Load a key file as {@link #fromKeyFile(Path)} does, with a chosen cache size.
     *
     * @param keyFile    the key file.
     * @param cacheSlots slots per cache: 0 to disable the caches, else a power of two.
     * @return a new instance for the calling thread.
     * @throws IOException if the file cannot be read, is accessible by group or others, or is not a key.
     */
    public static CryptoPan fromKeyFile(final Path keyFile, final int cacheSlots) throws IOException
    {
        final byte[] key = CryptoPanKeyFile.read(keyFile);
        try
        {
            return new CryptoPan(key, cacheSlots);
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
        if (0 == cacheSlots)
        {
            return address ^ computeIpv4Flips(address, 0, 0);
        }

        final long[] cache = ipv4Cache;
        final int prefix = address & IPV4_PREFIX_MASK;
        final int octet = address & ~IPV4_PREFIX_MASK;
        int entry = (int)(((prefix * GOLDEN_RATIO_32) & 0xFFFF_FFFFL) >>> ipv4SetShift) * 2 * IPV4_ENTRY_LONGS;
        if (((int)(cache[entry] >>> 32) & IPV4_PREFIX_MASK) != prefix)
        {
            if (((int)(cache[entry + IPV4_ENTRY_LONGS] >>> 32) & IPV4_PREFIX_MASK) != prefix)
            {
                cacheMisses++;
                final int flips = computeIpv4Flips(address, 0, 0);
                System.arraycopy(cache, entry, cache, entry + IPV4_ENTRY_LONGS, IPV4_ENTRY_LONGS);
                cache[entry] = (long)address << 32 | (flips & 0xFFFF_FFFFL);
                cache[entry + IPV4_TREE_LONGS] = 0;
                return address ^ flips;
            }
            swapIpv4Entries(entry);
        }

        final long head = cache[entry];
        if (((int)(head >>> 32) & ~IPV4_PREFIX_MASK) == octet)
        {
            addressCacheHits++;
            return address ^ (int)head;
        }
        prefixCacheHits++;
        if ((cache[entry + IPV4_TREE_LONGS] & IPV4_TREE_READY) == 0)
        {
            fillIpv4Tree(prefix, entry + 1);
        }
        return address ^ ((int)head & IPV4_PREFIX_MASK) ^ ipv4TreeFlips(entry + 1, octet);
    }

    /** Swaps the two IPv4 cache entries of the set whose first entry starts at {@code entry}. */
    private void swapIpv4Entries(final int entry)
    {
        final long[] cache = ipv4Cache;
        for (int word = entry, end = entry + IPV4_ENTRY_LONGS; word < end; word++)
        {
            final long value = cache[word];
            cache[word] = cache[word + IPV4_ENTRY_LONGS];
            cache[word + IPV4_ENTRY_LONGS] = value;
        }
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
            INT_BE.set(reverseBlock, 4, (int)padHigh);
            LONG_BE.set(reverseBlock, 8, padLow);
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
        if (0 == cacheSlots)
        {
            computeIpv6(high, low, 0, 0L);
            return;
        }

        final long[] addressCache = ipv6AddressCache;
        final int addressSlot = (int)(((high * GOLDEN_RATIO_64 + low) * GOLDEN_RATIO_64) >>> (Integer.SIZE + cacheShift)) << 2;
        if (addressCache[addressSlot] == high && addressCache[addressSlot + 1] == low)
        {
            addressCacheHits++;
            resultHigh = addressCache[addressSlot + 2];
            resultLow = addressCache[addressSlot + 3];
            return;
        }

        final long[] prefixCache = ipv6PrefixCache;
        final int prefixSlot = (int)((high * GOLDEN_RATIO_64) >>> (Integer.SIZE + cacheShift)) << 1;
        if (prefixCache[prefixSlot] == high)
        {
            prefixCacheHits++;
            computeIpv6(high, low, IPV6_PREFIX_BITS, prefixCache[prefixSlot + 1]);
        }
        else
        {
            cacheMisses++;
            computeIpv6(high, low, 0, 0L);
            prefixCache[prefixSlot] = high;
            prefixCache[prefixSlot + 1] = high ^ resultHigh;
        }
        addressCache[addressSlot] = high;
        addressCache[addressSlot + 1] = low;
        addressCache[addressSlot + 2] = resultHigh;
        addressCache[addressSlot + 3] = resultLow;
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
     * Slots in each cache.
     *
     * @return 0 when the caches are disabled.
     */
    public int cacheSlots()
    {
        return cacheSlots;
    }

    /**
     * Addresses answered whole from a cache without AES: an IPv6 address cache hit, or the
     * first address seen in a cached /24.
     *
     * @return the count since construction.
     */
    public long addressCacheHits()
    {
        return addressCacheHits;
    }

    /**
     * Addresses whose prefix's flip bits came from the cache: an IPv6 /64 hit (64 blocks left to
     * encrypt), or an IPv4 address answered by its /24's last-octet tree (filled on the first such hit).
     *
     * @return the count since construction.
     */
    public long prefixCacheHits()
    {
        return prefixCacheHits;
    }

    /**
     * Addresses (IPv4 and IPv6) that missed both caches and were computed in full.
     *
     * @return the count since construction; always 0 when the caches are disabled.
     */
    public long cacheMisses()
    {
        return cacheMisses;
    }

    /**
     * Describes the instance without any key material.
     *
     * @return a description naming the cache size only.
     */
    @Override
    public String toString()
    {
        return "CryptoPan{cacheSlots=" + cacheSlots + '}';
    }

    /**
     * The flip bits of an IPv4 address for positions {@code [firstPosition, 32)}, OR-ed into
     * {@code knownFlips}, which holds the bits for the positions before ({@code firstPosition} is 0 or 24).
     */
    private int computeIpv4Flips(final int address, final int firstPosition, final int knownFlips)
    {
        final byte[] blocks = ipv4Blocks;
        final int[] padBits = ipv4PadBits;
        for (int position = Math.max(firstPosition, 1); position < IPV4_BITS; position++)
        {
            INT_BE.set(blocks, position * BLOCK_LENGTH_BYTES, (address & IPV4_KEEP_MASKS[position]) | padBits[position]);
        }

        final int firstOffset = firstPosition * BLOCK_LENGTH_BYTES;
        final byte[] encrypted = ipv4Encrypted;
        encrypt(blocks, firstOffset, encrypted, firstOffset, (IPV4_BITS - firstPosition) * BLOCK_LENGTH_BYTES);

        // A block's first byte, sign-extended, has bit 31 set exactly when its first bit is set.
        // Four accumulators keep the OR chain short; both start positions are multiples of 4.
        int flips0 = knownFlips;
        int flips1 = 0;
        int flips2 = 0;
        int flips3 = 0;
        for (int position = firstPosition; position < IPV4_BITS; position += 4)
        {
            final int offset = position * BLOCK_LENGTH_BYTES;
            flips0 |= (encrypted[offset] & Integer.MIN_VALUE) >>> position;
            flips1 |= (encrypted[offset + BLOCK_LENGTH_BYTES] & Integer.MIN_VALUE) >>> (position + 1);
            flips2 |= (encrypted[offset + 2 * BLOCK_LENGTH_BYTES] & Integer.MIN_VALUE) >>> (position + 2);
            flips3 |= (encrypted[offset + 3 * BLOCK_LENGTH_BYTES] & Integer.MIN_VALUE) >>> (position + 3);
        }

        return flips0 | flips1 | flips2 | flips3;
    }

    /**
     * Encrypts the 255 blocks of the last-octet tree of {@code prefix} in one call and keeps their
     * first bits at {@code treeBase} of the tree cache. Node {@code 2^d - 1 + b} is the block of
     * position 24 + d for the addresses whose bits 24..24 + d - 1 are the d bits of {@code b}.
     */
    private void fillIpv4Tree(final int prefix, final int treeBase)
    {
        final byte[] blocks = ipv4TreeBlocks;
        final int[] padBits = ipv4PadBits;
        for (int depth = 0; depth < IPV4_TREE_DEPTH; depth++)
        {
            final int firstNode = (1 << depth) - 1;
            final int pad = prefix | padBits[IPV4_PREFIX_BITS + depth];
            for (int bits = 0, nodes = 1 << depth; bits < nodes; bits++)
            {
                INT_BE.set(blocks, (firstNode + bits) * BLOCK_LENGTH_BYTES, pad | (bits << (IPV4_TREE_DEPTH - depth)));
            }
        }
        final byte[] encrypted = ipv4TreeEncrypted;
        encrypt(blocks, 0, encrypted, 0, IPV4_TREE_BLOCKS * BLOCK_LENGTH_BYTES);

        final long[] tree = ipv4Cache;
        for (int word = 0; word < IPV4_TREE_LONGS; word++)
        {
            // A block's first byte, sign-extended, has bit 63 set exactly when its first bit is set.
            long bits = 0;
            for (int bit = 0, offset = (word * Long.SIZE) * BLOCK_LENGTH_BYTES; bit < Long.SIZE; bit++, offset += BLOCK_LENGTH_BYTES)
            {
                bits |= ((long)encrypted[offset] & Long.MIN_VALUE) >>> (Long.SIZE - 1 - bit);
            }
            tree[treeBase + word] = bits;
        }
        tree[treeBase + IPV4_TREE_LONGS - 1] |= IPV4_TREE_READY;
    }

    /** The flip bits of positions 24..31 of the address whose last octet is {@code octet}, from its /24's tree. */
    private int ipv4TreeFlips(final int treeBase, final int octet)
    {
        final long[] tree = ipv4Cache;
        int flips = 0;
        for (int depth = 0; depth < IPV4_TREE_DEPTH; depth++)
        {
            final int node = (1 << depth) - 1 + (octet >>> (IPV4_TREE_DEPTH - depth));
            flips |= (int)((tree[treeBase + (node >>> 6)] >>> node) & 1) << (IPV4_TREE_DEPTH - 1 - depth);
        }
        return flips;
    }

    /**
     * Anonymize an IPv6 address into the result registers, encrypting the blocks for positions
     * {@code [firstPosition, 128)}; {@code knownFlipsHigh} holds the flip bits before them
     * ({@code firstPosition} is 0 or 64).
     */
    private void computeIpv6(final long high, final long low, final int firstPosition, final long knownFlipsHigh)
    {
        final byte[] blocks = ipv6Blocks;
        final long[] padHighBits = ipv6PadHighBits;
        final long[] padLowBits = ipv6PadLowBits;
        for (int position = Math.max(firstPosition, 1); position < Long.SIZE; position++)
        {
            LONG_BE.set(blocks, position * BLOCK_LENGTH_BYTES, (high & HALF_KEEP_MASKS[position]) | padHighBits[position]);
        }
        for (int position = 0; position < Long.SIZE; position++)
        {
            final int offset = (Long.SIZE + position) * BLOCK_LENGTH_BYTES;
            LONG_BE.set(blocks, offset, high);
            LONG_BE.set(blocks, offset + 8, (low & HALF_KEEP_MASKS[position]) | padLowBits[position]);
        }

        final int firstOffset = firstPosition * BLOCK_LENGTH_BYTES;
        final byte[] encrypted = ipv6Encrypted;
        encrypt(blocks, firstOffset, encrypted, firstOffset, (IPV6_BITS - firstPosition) * BLOCK_LENGTH_BYTES);

        long flipsHigh = knownFlipsHigh;
        if (firstPosition < Long.SIZE)
        {
            flipsHigh |= flips64(encrypted, firstPosition * BLOCK_LENGTH_BYTES, firstPosition);
        }
        final long flipsLow = flips64(encrypted, Long.SIZE * BLOCK_LENGTH_BYTES, 0);

        resultHigh = high ^ flipsHigh;
        resultLow = low ^ flipsLow;
    }

    /**
     * The first bits of the blocks from {@code offset} on, as bits {@code [firstBit, 64)} of a
     * long, most significant first ({@code firstBit} a multiple of 4).
     */
    private static long flips64(final byte[] encrypted, final int offset, final int firstBit)
    {
        long flips0 = 0;
        long flips1 = 0;
        long flips2 = 0;
        long flips3 = 0;
        for (int bit = firstBit, blockOffset = offset; bit < Long.SIZE; bit += 4, blockOffset += 4 * BLOCK_LENGTH_BYTES)
        {
            flips0 |= (encrypted[blockOffset] & Long.MIN_VALUE) >>> bit;
            flips1 |= (encrypted[blockOffset + BLOCK_LENGTH_BYTES] & Long.MIN_VALUE) >>> (bit + 1);
            flips2 |= (encrypted[blockOffset + 2 * BLOCK_LENGTH_BYTES] & Long.MIN_VALUE) >>> (bit + 2);
            flips3 |= (encrypted[blockOffset + 3 * BLOCK_LENGTH_BYTES] & Long.MIN_VALUE) >>> (bit + 3);
        }

        return flips0 | flips1 | flips2 | flips3;
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
