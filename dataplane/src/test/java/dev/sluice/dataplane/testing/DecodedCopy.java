package dev.sluice.dataplane.testing;

import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A copy of one burst slot after the source and the decoder ran, so tests can keep packets
 * beyond the burst they arrived in and compare them field by field.
 * <p>
 * Immutable; any thread.
 */
public record DecodedCopy(
    int number,
    int capturedLength,
    int wireLength,
    long timestampNs,
    int linkType,
    int l3Offset,
    int l4Offset,
    int vlanId,
    int etherType,
    int ipVersion,
    int ipProtocol,
    int ipTtl,
    long srcAddressHigh,
    long srcAddressLow,
    long dstAddressHigh,
    long dstAddressLow,
    int srcPort,
    int dstPort,
    int tcpFlags,
    int icmpType,
    int icmpCode,
    DropReason dropReason)
{
    /** Copies slot {@code index}; {@code number} is the packet's 1-based position in its capture. */
    public static DecodedCopy of(final PacketBurst burst, final int index, final int number)
    {
        return new DecodedCopy(
            number,
            burst.capturedLength[index],
            burst.wireLength[index],
            burst.timestampNs[index],
            burst.linkType[index],
            burst.l3Offset[index],
            burst.l4Offset[index],
            burst.vlanId[index],
            burst.etherType[index],
            burst.ipVersion[index],
            burst.ipProtocol[index],
            burst.ipTtl[index],
            burst.srcAddressHigh[index],
            burst.srcAddressLow[index],
            burst.dstAddressHigh[index],
            burst.dstAddressLow[index],
            burst.srcPort[index],
            burst.dstPort[index],
            burst.tcpFlags[index],
            burst.icmpType[index],
            burst.icmpCode[index],
            burst.verdict[index] == Verdict.DROPPED ? DropReason.values()[burst.dropReason[index]] : null);
    }

    public boolean dropped()
    {
        return null != dropReason;
    }

    public InetAddress sourceAddress()
    {
        return address(srcAddressHigh, srcAddressLow);
    }

    public InetAddress destinationAddress()
    {
        return address(dstAddressHigh, dstAddressLow);
    }

    /** Seconds and nanoseconds since the epoch as tshark prints {@code frame.time_epoch}. */
    public String epochTime()
    {
        return String.format("%d.%09d", Math.floorDiv(timestampNs, 1_000_000_000L), Math.floorMod(timestampNs, 1_000_000_000L));
    }

    private InetAddress address(final long high, final long low)
    {
        try
        {
            if (ipVersion == 4)
            {
                return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int)low).array());
            }
            return InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(high).putLong(low).array());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
