package dev.sluice.policy.condition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both lookups of {@link AddressSet}, the sorted ranges and the {@link AddressTrie}, agree with
 * a naive reference that checks every prefix: on random addresses, on the first and last
 * address of every prefix and the addresses just outside them, for IPv4 and IPv6, with
 * overlapping and nested prefixes. Seeded; the seed is in every failure message.
 */
class AddressSetTest
{
    @ParameterizedTest
    @ValueSource(longs = { 1L, 2L, 3L, 0x5EEDL, 20261127L })
    void bothLookupsAgreeWithEveryPrefixChecked(final long seed)
    {
        for (final int size : new int[]{ 1, 7, 100, 3_000 })
        {
            final SplittableRandom random = new SplittableRandom(seed * 31 + size);
            final List<AddressPrefix> prefixes = randomPrefixes(random, size);
            final AddressSet ranges = AddressSet.of(prefixes, AddressSet.Lookup.SORTED_RANGES);
            final AddressSet trie = AddressSet.of(prefixes, AddressSet.Lookup.TRIE);
            final String context = "seed " + seed + ", " + size + " prefixes";

            for (final AddressPrefix prefix : prefixes)
            {
                checkAround(prefixes, ranges, trie, prefix.version(), prefix.high(), prefix.low(), context);
                checkAround(prefixes, ranges, trie, prefix.version(), prefix.lastHigh(), prefix.lastLow(), context);
            }
            for (int i = 0; i < 20_000; i++)
            {
                final int version = random.nextInt(4) == 0 ? 6 : 4;
                final long[] address = 0 == random.nextInt(2) && !prefixes.isEmpty() ?
                    addressIn(random, prefixes.get(random.nextInt(prefixes.size()))) :
                    randomAddress(random, version);
                final int addressVersion = 0 == address[2] ? version : (int)address[2];
                check(prefixes, ranges, trie, addressVersion, address[0], address[1], context);
            }
        }
    }

    @Test
    void nestedAndOverlappingPrefixes()
    {
        final List<AddressPrefix> prefixes = List.of(
            prefix("10.0.0.0/8"), prefix("10.1.0.0/16"), prefix("10.1.2.0/24"), prefix("10.1.2.3"),
            prefix("192.168.0.0/17"), prefix("192.168.128.0/17"), prefix("0.0.0.0/1"),
            prefix("2001:db8::/32"), prefix("2001:db8:1::/48"), prefix("2001:db8:1::1"), prefix("fe80::/10"),
            prefix("::/1"), prefix("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        final AddressSet trie = AddressSet.of(prefixes, AddressSet.Lookup.TRIE);
        assertTrue(trie.usesTrie(4));
        assertTrue(trie.usesTrie(6));
        for (final String address : new String[]{ "10.255.255.255", "127.255.255.255", "192.168.255.255", "::", "2001:db8::1",
            "fe80::1", "febf:ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" })
        {
            final AddressPrefix a = prefix(address);
            assertTrue(trie.contains(a.version(), a.high(), a.low()), address);
        }
        for (final String address : new String[]{ "128.0.0.0", "192.167.255.255", "192.169.0.0", "8000::", "fec0::",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" })
        {
            final AddressPrefix a = prefix(address);
            assertFalse(trie.contains(a.version(), a.high(), a.low()), address);
        }
    }

    @Test
    void theWholeSpaceAndNothing()
    {
        final AddressSet everything = AddressSet.of(List.of(prefix("0.0.0.0/0"), prefix("::/0")), AddressSet.Lookup.TRIE);
        assertTrue(everything.contains(4, 0, 0xFFFF_FFFFL));
        assertTrue(everything.contains(6, -1L, -1L));
        final AddressSet nothing = AddressSet.of(List.of(), AddressSet.Lookup.TRIE);
        assertFalse(nothing.contains(4, 0, 0));
        assertFalse(nothing.contains(6, 0, 0));
    }

    @Test
    void autoUsesTheTrieForLargeSetsOnly()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final ArrayList<AddressPrefix> small = new ArrayList<>();
        final ArrayList<AddressPrefix> large = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            final AddressPrefix p = new AddressPrefix(4, 0, (random.nextLong() & 0xFFFF_FF00L), 24);
            (i < 5 ? small : large).add(p);
        }
        assertFalse(new AddressSet(small).usesTrie(4));
        assertTrue(new AddressSet(large).usesTrie(4));
        assertFalse(new AddressSet(large).usesTrie(6));

        final ArrayList<AddressPrefix> v6 = new ArrayList<>();
        for (int i = 0; i < AddressSet.TRIE_MIN_RANGES_IPV6 + 1; i++)
        {
            v6.add(new AddressPrefix(6, 0x2001_0DB8_0000_0000L + ((long)i << 20), 0, 48));
        }
        assertTrue(new AddressSet(v6).usesTrie(6));
        assertFalse(new AddressSet(v6.subList(0, AddressSet.TRIE_MIN_RANGES_IPV6)).usesTrie(6));
    }

    private static void checkAround(
        final List<AddressPrefix> prefixes,
        final AddressSet ranges,
        final AddressSet trie,
        final int version,
        final long high,
        final long low,
        final String context)
    {
        final long lowMask = 4 == version ? 0xFFFF_FFFFL : -1L;
        check(prefixes, ranges, trie, version, high, low, context);
        // One below and one above, carrying into the high half for IPv6.
        final long below = (low - 1) & lowMask;
        check(prefixes, ranges, trie, version, 6 == version && 0 == low ? high - 1 : high, below, context);
        final long above = (low + 1) & lowMask;
        check(prefixes, ranges, trie, version, 6 == version && 0 == above ? high + 1 : high, above, context);
    }

    private static void check(
        final List<AddressPrefix> prefixes,
        final AddressSet ranges,
        final AddressSet trie,
        final int version,
        final long high,
        final long low,
        final String context)
    {
        boolean expected = false;
        for (final AddressPrefix prefix : prefixes)
        {
            expected |= prefix.contains(version, high, low);
        }
        final String address = Addresses.format(version, high, low);
        assertEquals(expected, ranges.contains(version, high, low), () -> "ranges, " + address + ", " + context);
        assertEquals(expected, trie.contains(version, high, low), () -> "trie, " + address + ", " + context);
    }

    /**
     * Prefixes clustered under a few parents, so that many nest and overlap: every length, both
     * families (a quarter IPv6), IPv4 addresses near the edges of the space too.
     */
    static List<AddressPrefix> randomPrefixes(final SplittableRandom random, final int count)
    {
        final ArrayList<AddressPrefix> prefixes = new ArrayList<>(count);
        final long[] v4Parents = { 0x0A00_0000L, 0xC0A8_0000L, 0x0000_0000L, 0xFFFF_0000L, random.nextLong() & 0xFFFF_FFFFL };
        final long[] v6Parents = { 0x2001_0DB8_0000_0000L, 0xFE80_0000_0000_0000L, 0L, -1L, random.nextLong() };
        for (int i = 0; i < count; i++)
        {
            if (random.nextInt(4) == 0)
            {
                final int length = random.nextInt(129);
                final long parent = v6Parents[random.nextInt(v6Parents.length)];
                final long high = parent ^ (random.nextLong() >>> (16 + random.nextInt(48)));
                prefixes.add(new AddressPrefix(6, high, random.nextLong(), length));
            }
            else
            {
                final int length = random.nextInt(33);
                final long parent = v4Parents[random.nextInt(v4Parents.length)];
                final long address = (parent ^ (random.nextLong() >>> (40 + random.nextInt(24)))) & 0xFFFF_FFFFL;
                prefixes.add(new AddressPrefix(4, 0, address, length));
            }
        }
        return prefixes;
    }

    /** @return {high, low, version} of a random address in the prefix. */
    private static long[] addressIn(final SplittableRandom random, final AddressPrefix prefix)
    {
        final long high = prefix.high() | (random.nextLong() & ~prefix.maskHigh() & (4 == prefix.version() ? 0L : -1L));
        final long low = prefix.low() | (random.nextLong() & ~prefix.maskLow() & (4 == prefix.version() ? 0xFFFF_FFFFL : -1L));
        return new long[]{ high, low, prefix.version() };
    }

    private static long[] randomAddress(final SplittableRandom random, final int version)
    {
        return 4 == version ? new long[]{ 0, random.nextLong() & 0xFFFF_FFFFL, 4 } : new long[]{ random.nextLong(), random.nextLong(), 6 };
    }

    private static AddressPrefix prefix(final String text)
    {
        return Addresses.parsePrefix(text);
    }
}
