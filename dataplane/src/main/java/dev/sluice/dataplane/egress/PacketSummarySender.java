package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.TunnelType;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sends the packet summaries of a burst: for each destination, runs of the items it may
 * receive (raw or transformed), as many per batch as fit one frame, resuming where back
 * pressure stopped it. Worker thread only.
 */
final class PacketSummarySender
{
    private static final int RECORD_LENGTH = DataBatchEncoder.PacketsEncoder.sbeBlockLength();
    private static final int ADDRESS_LENGTH = 16;
    private static final int IPV4_ADDRESS_LENGTH = 4;
    private static final int SRC = 0;
    private static final int DST = 1;
    private static final int INNER_SRC = 2;
    private static final int INNER_DST = 3;

    private final BatchWriter writer;
    private final int[] resumeIndex;
    private final UnsafeBuffer addressScratch = new UnsafeBuffer(new byte[ADDRESS_LENGTH]);

    PacketSummarySender(final BatchWriter writer, final int destinations)
    {
        this.writer = writer;
        this.resumeIndex = new int[destinations];
    }

    void beginBurst()
    {
        Arrays.fill(resumeIndex, 0);
    }

    /**
     * @return true when the destination has taken (or definitively dropped) every summary of the
     * burst meant for it; false when it pushed back and the rest must be offered again
     */
    boolean send(final DestinationStream stream, final PacketBurst burst, final long policyVersion, final long nowNs)
    {
        final int d = stream.index();
        final byte[] delivery = burst.delivery[d];
        final int count = burst.count();
        final int maxRecords = BatchWriter.maxRecords(stream, RECORD_LENGTH);

        int from = resumeIndex[d];
        while (true)
        {
            from = nextAllowed(delivery, from, count);
            if (from == count)
            {
                resumeIndex[d] = count;
                return true;
            }

            int records = 0;
            int end = from;
            while (end < count && records < maxRecords)
            {
                if (isAllowed(delivery[end]))
                {
                    records++;
                }
                end++;
            }

            final int outcome = writer.claim(stream, BatchWriter.EMPTY_BATCH_LENGTH + records * RECORD_LENGTH, nowNs);
            if (outcome == BatchWriter.CLAIMED)
            {
                encode(writer.begin(stream, policyVersion, records), stream, burst, delivery, from, end, records);
                if (writer.commit(stream, records) == BatchWriter.HOLD)
                {
                    resumeIndex[d] = from;
                    return false;
                }
                from = end;
            }
            else if (outcome == BatchWriter.HOLD)
            {
                resumeIndex[d] = from;
                return false;
            }
            else
            {
                stream.counters().onDroppedUnavailable(countAllowed(delivery, from, count));
                resumeIndex[d] = count;
                return true;
            }
        }
    }

    private void encode(
        final DataBatchEncoder batchEncoder,
        final DestinationStream stream,
        final PacketBurst burst,
        final byte[] delivery,
        final int from,
        final int end,
        final int records)
    {
        final DataBatchEncoder.PacketsEncoder packets = batchEncoder.packetsCount(records);
        final byte[] transformedFields = burst.transformedFields[stream.index()];
        for (int i = from; i < end; i++)
        {
            if (!isAllowed(delivery[i]))
            {
                continue;
            }
            packets.next()
                .timestampNs(burst.timestampNs[i])
                .wireLength(burst.wireLength[i])
                .capturedLength(burst.capturedLength[i])
                .vlanId(burst.vlanId[i] == PacketBurst.ABSENT ?
                    DataBatchEncoder.PacketsEncoder.vlanIdNullValue() : burst.vlanId[i])
                .etherType(orZero(burst.etherType[i]))
                .ipProtocol((short)orZero(burst.ipProtocol[i]))
                .srcPort(orZero(burst.srcPort[i]))
                .dstPort(orZero(burst.dstPort[i]))
                .tcpFlags(orZero(burst.tcpFlags[i]))
                .icmpType((short)orZero(burst.icmpType[i]))
                .icmpCode((short)orZero(burst.icmpCode[i]))
                .ipTos((short)orZero(burst.ipTos[i]))
                .tunnelType(TunnelType.get(burst.tunnelType[i]))
                .tunnelDepth(burst.tunnelDepth[i])
                .tunnelId(burst.tunnelId[i] == PacketBurst.ABSENT ? 0 : burst.tunnelId[i]);

            final byte bits = transformedFields[i];
            final byte innerVersion = burst.innerIpVersion[i];
            if (innerVersion == 4 || innerVersion == 6)
            {
                final boolean innerSrc = (bits & AnonymizedFields.INNER_SRC_ADDRESS) != 0;
                final boolean innerDst = (bits & AnonymizedFields.INNER_DST_ADDRESS) != 0;
                packets.innerIpVersion(innerVersion == 4 ? IpVersion.V4 : IpVersion.V6)
                    .innerIpProtocol((short)orZero(burst.innerIpProtocol[i]))
                    .innerSrcPort(orZero(burst.innerSrcPort[i]))
                    .innerDstPort(orZero(burst.innerDstPort[i]));
                putAddress(packets, INNER_SRC, innerVersion,
                    innerSrc ? burst.anonInnerSrcAddressHigh[i] : burst.innerSrcAddressHigh[i],
                    innerSrc ? burst.anonInnerSrcAddressLow[i] : burst.innerSrcAddressLow[i]);
                putAddress(packets, INNER_DST, innerVersion,
                    innerDst ? burst.anonInnerDstAddressHigh[i] : burst.innerDstAddressHigh[i],
                    innerDst ? burst.anonInnerDstAddressLow[i] : burst.innerDstAddressLow[i]);
            }
            else
            {
                packets.innerIpVersion(IpVersion.NONE)
                    .innerIpProtocol((short)0)
                    .innerSrcPort(0)
                    .innerDstPort(0);
                addressScratch.setMemory(0, ADDRESS_LENGTH, (byte)0);
                packets.putInnerSrcAddress(addressScratch, 0, ADDRESS_LENGTH);
                packets.putInnerDstAddress(addressScratch, 0, ADDRESS_LENGTH);
            }

            final byte version = burst.ipVersion[i];
            byte transformed = 0;
            if (version == 4 || version == 6)
            {
                packets.ipVersion(version == 4 ? IpVersion.V4 : IpVersion.V6);
                transformed = (byte)(bits & AnonymizedFields.ADDRESSES);
                final boolean src = (transformed & AnonymizedFields.SRC_ADDRESS) != 0;
                final boolean dst = (transformed & AnonymizedFields.DST_ADDRESS) != 0;
                putAddress(packets, SRC, version,
                    src ? burst.anonSrcAddressHigh[i] : burst.srcAddressHigh[i],
                    src ? burst.anonSrcAddressLow[i] : burst.srcAddressLow[i]);
                putAddress(packets, DST, version,
                    dst ? burst.anonDstAddressHigh[i] : burst.dstAddressHigh[i],
                    dst ? burst.anonDstAddressLow[i] : burst.dstAddressLow[i]);
            }
            else
            {
                packets.ipVersion(IpVersion.NONE);
                addressScratch.setMemory(0, ADDRESS_LENGTH, (byte)0);
                packets.putSrcAddress(addressScratch, 0, ADDRESS_LENGTH);
                packets.putDstAddress(addressScratch, 0, ADDRESS_LENGTH);
            }
            packets.anonymized().clear()
                .srcAddress((transformed & AnonymizedFields.SRC_ADDRESS) != 0)
                .dstAddress((transformed & AnonymizedFields.DST_ADDRESS) != 0)
                .innerSrcAddress(isIp(innerVersion) && (bits & AnonymizedFields.INNER_SRC_ADDRESS) != 0)
                .innerDstAddress(isIp(innerVersion) && (bits & AnonymizedFields.INNER_DST_ADDRESS) != 0);
        }
        // Flow aggregation and payload actions fill these groups; until then they are empty.
        batchEncoder.flowsCount(0);
        batchEncoder.framesCount(0);
        batchEncoder.eventsCount(0);
    }

    private void putAddress(
        final DataBatchEncoder.PacketsEncoder packets,
        final int which,
        final byte version,
        final long high,
        final long low)
    {
        final int length;
        if (version == 4)
        {
            addressScratch.putInt(0, (int)low, ByteOrder.BIG_ENDIAN);
            length = IPV4_ADDRESS_LENGTH;
        }
        else
        {
            addressScratch.putLong(0, high, ByteOrder.BIG_ENDIAN);
            addressScratch.putLong(8, low, ByteOrder.BIG_ENDIAN);
            length = ADDRESS_LENGTH;
        }
        switch (which)
        {
            case SRC -> packets.putSrcAddress(addressScratch, 0, length);
            case DST -> packets.putDstAddress(addressScratch, 0, length);
            case INNER_SRC -> packets.putInnerSrcAddress(addressScratch, 0, length);
            default -> packets.putInnerDstAddress(addressScratch, 0, length);
        }
    }

    private static boolean isIp(final byte version)
    {
        return version == 4 || version == 6;
    }

    private static int orZero(final int value)
    {
        return value == PacketBurst.ABSENT ? 0 : value;
    }

    private static boolean isAllowed(final byte delivery)
    {
        return delivery == Delivery.RAW || delivery == Delivery.TRANSFORMED;
    }

    private static int nextAllowed(final byte[] delivery, final int from, final int count)
    {
        int i = from;
        while (i < count && !isAllowed(delivery[i]))
        {
            i++;
        }
        return i;
    }

    private static long countAllowed(final byte[] delivery, final int from, final int count)
    {
        long allowed = 0;
        for (int i = from; i < count; i++)
        {
            if (isAllowed(delivery[i]))
            {
                allowed++;
            }
        }
        return allowed;
    }
}
