package dev.sluice.dataplane.anonymize.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The addresses IPv4 options carry (RFC 791): record route (7) and the address fields of a
 * timestamp option with flag 1 or 3 (68) are rewritten with Crypto-PAn. Loose and strict source
 * routes (131, 137) are reported instead: a transport checksum computed by the sender covers the
 * route's final destination, which a rewrite of the route would have to follow hop by hop.
 * <p>
 * Owned by one {@link PacketAddressRewriter}; its thread only.
 */
final class Ipv4OptionAddresses
{
    static final int IPV4_MIN_HEADER_LENGTH = 20;

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_RECORD_ROUTE = 7;
    private static final int OPTION_TIMESTAMP = 68;
    private static final int OPTION_LOOSE_SOURCE_ROUTE = 131;
    private static final int OPTION_STRICT_SOURCE_ROUTE = 137;
    private static final int ROUTE_ADDRESSES_OFFSET = 3;
    private static final int TIMESTAMP_ADDRESSES_OFFSET = 4;
    private static final int TIMESTAMP_FLAGS_MASK = 0x0F;
    private static final int TIMESTAMP_WITH_ADDRESSES = 1;
    private static final int TIMESTAMP_PRESPECIFIED = 3;
    private static final int TIMESTAMP_ENTRY_LENGTH = 8;

    private final AddressRewriter addresses;

    /** Packet-aligned difference of the addresses rewritten by the last {@link #walk}. */
    long changed;

    Ipv4OptionAddresses(final AddressRewriter addresses)
    {
        this.addresses = addresses;
    }

    /**
     * Walks the options of the IPv4 header at {@code ip} up to its header length or {@code limit};
     * rewrites their addresses when {@code write}.
     *
     * @return false when a source route option was found.
     */
    boolean walk(final MemorySegment segment, final long base, final int ip, final int limit, final boolean write)
    {
        changed = 0;
        final int end = Math.min(ip + (segment.get(U8, base + ip) & 0x0F) * 4, limit);
        int option = ip + IPV4_MIN_HEADER_LENGTH;
        while (option < end)
        {
            final int type = segment.get(U8, base + option) & 0xFF;
            if (type == OPTION_END)
            {
                return true;
            }
            if (type == OPTION_NOP)
            {
                option++;
                continue;
            }
            if (option + 2 > end)
            {
                return true;
            }
            final int length = segment.get(U8, base + option + 1) & 0xFF;
            if (length < 2)
            {
                return true;
            }
            final int optionEnd = Math.min(option + length, end);
            if (type == OPTION_LOOSE_SOURCE_ROUTE || type == OPTION_STRICT_SOURCE_ROUTE)
            {
                return false;
            }
            if (write && type == OPTION_RECORD_ROUTE)
            {
                for (int at = option + ROUTE_ADDRESSES_OFFSET; at < optionEnd; at += AddressRewriter.IPV4_BYTES)
                {
                    changed += addresses.rewrite(at, AddressRewriter.IPV4_BYTES, optionEnd);
                }
            }
            else if (write && type == OPTION_TIMESTAMP && option + 4 <= optionEnd)
            {
                final int flags = segment.get(U8, base + option + 3) & TIMESTAMP_FLAGS_MASK;
                if (flags == TIMESTAMP_WITH_ADDRESSES || flags == TIMESTAMP_PRESPECIFIED)
                {
                    for (int at = option + TIMESTAMP_ADDRESSES_OFFSET; at < optionEnd; at += TIMESTAMP_ENTRY_LENGTH)
                    {
                        changed += addresses.rewrite(at, AddressRewriter.IPV4_BYTES, optionEnd);
                    }
                }
            }
            option += length;
        }
        return true;
    }
}
