package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.decode.InternetChecksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The addresses an IPv6 header's extension headers carry, which leak as much as the header's
 * own: the segments of a routing header (type 0, the mobile IPv6 type 2, and the segment routing
 * header, type 4) and a destination options header's home address option (RFC 6275). Walks the
 * extension headers after the fixed header as far as they were captured and a later fragment
 * does not hide them, and rewrites each address with Crypto-PAn.
 * <p>
 * The upper-layer checksum's pseudo-header does not always use the IPv6 header's addresses
 * (RFC 8200 section 8.1, RFC 6275 section 6.3): with a routing header that still has segments to
 * visit, its destination is the final one (the last address of a type 0 or 2 header, segment 0 of a
 * segment routing header); with a home address option, its source is the home address. After
 * {@link #walk} the differences of those addresses are in {@link #homeAddressDifference} and
 * {@link #finalDestinationDifference}, aligned as the addresses' own words.
 * <p>
 * Other routing types (RPL's compressed addresses, type 3, and unassigned ones) carry addresses in
 * a form this class cannot rewrite: {@link #walk} reports them before anything is written.
 * <p>
 * Owned by one {@link PacketAddressRewriter}; its thread only.
 */
final class Ipv6ExtensionAddresses
{
    static final int IPV6_HEADER_LENGTH = 40;

    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AUTHENTICATION = 51;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int MAX_EXTENSION_HEADERS = 16;
    private static final int FRAGMENT_HEADER_LENGTH = 8;
    private static final int FRAGMENT_OFFSET_MASK = 0xFFF8;
    private static final int ROUTING_TYPE_0 = 0;
    private static final int ROUTING_TYPE_2 = 2;
    private static final int ROUTING_TYPE_SEGMENT = 4;
    private static final int ROUTING_ADDRESSES_OFFSET = 8;
    private static final int OPTION_PAD1 = 0;
    private static final int OPTION_HOME_ADDRESS = 0xC9;

    private final AddressRewriter addresses;
    private MemorySegment segment;
    private long base;

    /** Packet-aligned difference of every address rewritten by the last {@link #walk}. */
    long changed;
    boolean homeAddress;
    long homeAddressDifference;
    boolean finalDestination;
    long finalDestinationDifference;
    /** Offset of the header after the extension headers, or -1 when the walk did not reach it. */
    int upperLayerOffset;
    /** Protocol number of that header. */
    int upperLayerProtocol;

    Ipv6ExtensionAddresses(final AddressRewriter addresses)
    {
        this.addresses = addresses;
    }

    /**
     * Walks the extension headers of the IPv6 header at {@code ip}, reading nothing at or past
     * {@code limit}; rewrites their addresses when {@code write}.
     *
     * @return false when a routing header of a type whose addresses cannot be rewritten was found.
     */
    boolean walk(final MemorySegment segment, final long base, final int ip, final int limit, final boolean write)
    {
        this.segment = segment;
        this.base = base;
        changed = 0;
        homeAddress = false;
        finalDestination = false;
        upperLayerOffset = -1;
        if (ip + 7 > limit)
        {
            return true;
        }
        int nextHeader = u8(ip + 6);
        int position = ip + IPV6_HEADER_LENGTH;
        for (int n = 0; n < MAX_EXTENSION_HEADERS && position + 2 <= limit; n++)
        {
            final int following = u8(position);
            switch (nextHeader)
            {
                case HOP_BY_HOP ->
                    position += (u8(position + 1) + 1) * 8;
                case DESTINATION_OPTIONS ->
                {
                    final int end = position + (u8(position + 1) + 1) * 8;
                    if (write)
                    {
                        rewriteHomeAddress(position + 2, Math.min(end, limit));
                    }
                    position = end;
                }
                case ROUTING ->
                {
                    if (!routing(position, limit, write))
                    {
                        return false;
                    }
                    position += (u8(position + 1) + 1) * 8;
                }
                case FRAGMENT ->
                {
                    if (position + 4 > limit || 0 != (u16(position + 2) & FRAGMENT_OFFSET_MASK))
                    {
                        // What follows a later fragment's header is the middle of the datagram, not headers.
                        return true;
                    }
                    position += FRAGMENT_HEADER_LENGTH;
                }
                case AUTHENTICATION ->
                    position += (u8(position + 1) + 2) * 4;
                default ->
                {
                    upperLayerOffset = position;
                    upperLayerProtocol = nextHeader;
                    return true;
                }
            }
            nextHeader = following;
        }
        if (position <= limit && !isExtension(nextHeader))
        {
            upperLayerOffset = position;
            upperLayerProtocol = nextHeader;
        }
        return true;
    }

    private boolean routing(final int position, final int limit, final boolean write)
    {
        if (position + 4 > limit)
        {
            return true;
        }
        final int type = u8(position + 2);
        final int segmentsLeft = u8(position + 3);
        final int listed = u8(position + 1) / 2;
        final int count;
        final int finalIndex;
        if (type == ROUTING_TYPE_0 || type == ROUTING_TYPE_2)
        {
            count = listed;
            finalIndex = listed - 1;
        }
        else if (type == ROUTING_TYPE_SEGMENT)
        {
            if (position + 5 > limit)
            {
                return true;
            }
            count = Math.min(listed, u8(position + 4) + 1);
            finalIndex = 0;
        }
        else
        {
            return false;
        }
        if (!write)
        {
            return true;
        }
        for (int k = 0; k < count; k++)
        {
            final int at = position + ROUTING_ADDRESSES_OFFSET + k * AddressRewriter.IPV6_BYTES;
            final long difference = addresses.rewrite(at, AddressRewriter.IPV6_BYTES, limit);
            changed += difference;
            if (k == finalIndex && segmentsLeft > 0)
            {
                finalDestination = true;
                finalDestinationDifference = natural(difference, at);
            }
        }
        return true;
    }

    private void rewriteHomeAddress(final int firstOption, final int end)
    {
        int option = firstOption;
        while (option + 2 <= end)
        {
            final int type = u8(option);
            if (type == OPTION_PAD1)
            {
                option++;
                continue;
            }
            final int length = u8(option + 1);
            if (type == OPTION_HOME_ADDRESS && length >= AddressRewriter.IPV6_BYTES)
            {
                final long difference = addresses.rewrite(option + 2, AddressRewriter.IPV6_BYTES, end);
                changed += difference;
                homeAddress = true;
                homeAddressDifference = natural(difference, option + 2);
            }
            option += 2 + length;
        }
    }

    private static boolean isExtension(final int header)
    {
        return header == HOP_BY_HOP || header == ROUTING || header == FRAGMENT || header == AUTHENTICATION ||
            header == DESTINATION_OPTIONS;
    }

    /** A packet-aligned difference of a change at {@code at}, as the changed field's own words. */
    static long natural(final long difference, final int at)
    {
        return (at & 1) == 0 ? difference : InternetChecksum.swap(difference);
    }

    private int u8(final int at)
    {
        return segment.get(U8, base + at) & 0xFF;
    }

    private int u16(final int at)
    {
        return (u8(at) << 8) | u8(at + 1);
    }
}
