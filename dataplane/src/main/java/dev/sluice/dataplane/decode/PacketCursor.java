package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;

import java.lang.foreign.MemorySegment;

import static dev.sluice.dataplane.pipeline.PacketBurst.ABSENT;

/**
 * The packet being decoded and the burst slot its fields go to, shared by the parts of the
 * decoder ({@link PacketDecoder}, {@link NetworkDecoder}, {@link TunnelDecoder}), with the
 * checks and bookkeeping they all need. Offsets are relative to the packet's first byte.
 * <p>
 * Owned by one decoder, called only by its worker thread.
 */
final class PacketCursor
{
    MemorySegment segment;
    /** Offset of the packet's first byte in {@link #segment}. */
    long base;
    /** Bytes of the packet that were captured. */
    int captured;
    PacketBurst burst;
    int index;
    /** IP layers begun so far: the first is the outer one, every later one is inside a tunnel. */
    int ipLayers;
    /** Tunnels entered so far. */
    int depth;

    void start(final PacketBurst burst, final int index, final MemorySegment segment, final long base, final int captured)
    {
        this.burst = burst;
        this.index = index;
        this.segment = segment;
        this.base = base;
        this.captured = captured;
        ipLayers = 0;
        depth = 0;
    }

    /** Drops references to the last burst's memory. */
    void finish()
    {
        segment = null;
        burst = null;
    }

    /**
     * Whether {@code bytes} at {@code offset} can be read: {@code malformed} when they run past
     * {@code end} (the end of the packet or of the layer that contains them),
     * {@link DropReason#SNAPLEN_TRUNCATED} when they lie inside it but past the captured bytes,
     * null when they are readable.
     */
    DropReason check(final int offset, final int bytes, final int end, final DropReason malformed)
    {
        final long last = (long)offset + bytes;
        if (last > end)
        {
            return malformed;
        }
        if (last > captured)
        {
            return DropReason.SNAPLEN_TRUNCATED;
        }
        return null;
    }

    /** Appends a header to the item's chain; false when the chain is full. */
    boolean push(final byte headerType, final int offset)
    {
        final PacketBurst b = burst;
        final int count = b.headerCount[index];
        if (count == PacketBurst.MAX_HEADERS)
        {
            return false;
        }
        final int slot = index * PacketBurst.MAX_HEADERS + count;
        b.headerType[slot] = headerType;
        b.headerOffset[slot] = offset;
        b.headerCount[index] = (byte)(count + 1);
        return true;
    }

    /**
     * Counts one more encapsulation; the outermost one sets the tunnel type and id.
     *
     * @return {@link DropReason#TUNNEL_TOO_DEEP} past {@link PacketDecoder#MAX_TUNNEL_DEPTH}, else null.
     */
    DropReason enterTunnel(final byte tunnelType, final long tunnelId)
    {
        if (depth == PacketDecoder.MAX_TUNNEL_DEPTH)
        {
            return DropReason.TUNNEL_TOO_DEEP;
        }
        depth++;
        burst.tunnelDepth[index] = (byte)depth;
        if (depth == 1)
        {
            burst.tunnelType[index] = tunnelType;
            burst.tunnelId[index] = tunnelId;
        }
        return null;
    }

    /** True while the transport of the outer (first) IP layer is being decoded. */
    boolean inOuterLayer()
    {
        return ipLayers == 1;
    }

    /** Records the transport header of the current IP layer. */
    void transport(final int offset, final int protocol, final int sourcePort, final int destinationPort)
    {
        final PacketBurst b = burst;
        final int i = index;
        if (ipLayers == 1)
        {
            b.l4Offset[i] = offset;
            b.l4Protocol[i] = protocol;
            b.srcPort[i] = sourcePort;
            b.dstPort[i] = destinationPort;
        }
        else
        {
            b.innerL4Offset[i] = offset;
            b.innerL4Protocol[i] = protocol;
            b.innerSrcPort[i] = sourcePort;
            b.innerDstPort[i] = destinationPort;
        }
    }

    /** The current IP layer's payload runs from {@code start} to {@code end}. */
    void payload(final int start, final int end)
    {
        final int from = Math.min(start, end);
        burst.payloadOffset[index] = from;
        burst.payloadLength[index] = end - from;
    }

    int u8(final int offset)
    {
        return segment.get(NetworkByteOrder.U8, base + offset) & 0xFF;
    }

    int u16(final int offset)
    {
        return segment.get(NetworkByteOrder.U16, base + offset) & 0xFFFF;
    }

    /** The 16-bit value at {@code offset}, or -1 when its bytes were not captured. */
    int u16Captured(final int offset)
    {
        return offset + 2 <= captured ? u16(offset) : -1;
    }

    /** Resets every decoder field of the slot, so that a packet never shows another's values. */
    static void clear(final PacketBurst burst, final int index)
    {
        burst.l3Offset[index] = ABSENT;
        burst.l4Offset[index] = ABSENT;
        burst.vlanId[index] = ABSENT;
        burst.etherType[index] = ABSENT;
        burst.ipVersion[index] = 0;
        burst.ipProtocol[index] = ABSENT;
        burst.ipTtl[index] = ABSENT;
        burst.srcAddressHigh[index] = 0;
        burst.srcAddressLow[index] = 0;
        burst.dstAddressHigh[index] = 0;
        burst.dstAddressLow[index] = 0;
        burst.srcPort[index] = ABSENT;
        burst.dstPort[index] = ABSENT;
        burst.tcpFlags[index] = ABSENT;
        burst.icmpType[index] = ABSENT;
        burst.icmpCode[index] = ABSENT;

        burst.vlanCount[index] = 0;
        burst.vlanOffset[index] = ABSENT;
        burst.mplsCount[index] = 0;
        burst.mplsOffset[index] = ABSENT;
        burst.pppoeSessionId[index] = ABSENT;
        burst.ipTos[index] = ABSENT;
        burst.ipId[index] = ABSENT;
        burst.ipFlags[index] = ABSENT;
        burst.ipFragmentOffset[index] = ABSENT;
        burst.l4Protocol[index] = ABSENT;

        burst.tunnelDepth[index] = 0;
        burst.tunnelType[index] = TunnelType.NONE;
        burst.tunnelId[index] = ABSENT;

        burst.innerIpVersion[index] = 0;
        burst.innerL3Offset[index] = ABSENT;
        burst.innerL4Offset[index] = ABSENT;
        burst.innerIpProtocol[index] = ABSENT;
        burst.innerL4Protocol[index] = ABSENT;
        burst.innerSrcAddressHigh[index] = 0;
        burst.innerSrcAddressLow[index] = 0;
        burst.innerDstAddressHigh[index] = 0;
        burst.innerDstAddressLow[index] = 0;
        burst.innerSrcPort[index] = ABSENT;
        burst.innerDstPort[index] = ABSENT;
        burst.innerTcpFlags[index] = ABSENT;

        burst.payloadOffset[index] = ABSENT;
        burst.payloadLength[index] = ABSENT;
        burst.dnsOffset[index] = ABSENT;
        burst.dnsQueryType[index] = ABSENT;
        burst.tlsSniOffset[index] = ABSENT;
        burst.tlsSniLength[index] = ABSENT;
        burst.headerCount[index] = 0;
    }
}
