package dev.sluice.dataplane.anonymize.capture;

import dev.sluice.dataplane.decode.InternetChecksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Updates one stored Internet checksum in a packet by a difference of the words it covers
 * (RFC 1624), the one step both capture rewriting paths share so they write the same bytes.
 */
final class ChecksumUpdate
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int NO_UDP_CHECKSUM = 0;
    private static final int UDP_ZERO_CHECKSUM = 0xFFFF;

    private ChecksumUpdate()
    {
    }

    /**
     * Updates the checksum at {@code at} of the packet at {@code base} (nothing when the capture
     * cut it) by {@code difference}, as seen from the start of the range the checksum covers.
     *
     * @param udp a UDP checksum, which is stored as 0xFFFF when it comes out as 0 (0 means none).
     * @return the packet-aligned difference of the checksum's own change.
     */
    static long update(
        final MemorySegment segment, final long base, final int captured, final int at, final long difference, final boolean udp)
    {
        if (at + 2 > captured)
        {
            return 0;
        }
        final int stored = segment.get(U16, base + at) & 0xFFFF;
        int updated = InternetChecksum.update(stored, difference);
        if (udp && updated == NO_UDP_CHECKSUM)
        {
            updated = UDP_ZERO_CHECKSUM;
        }
        segment.set(U16, base + at, (short)updated);
        return AddressRewriter.aligned(InternetChecksum.difference(stored, updated), at);
    }
}
