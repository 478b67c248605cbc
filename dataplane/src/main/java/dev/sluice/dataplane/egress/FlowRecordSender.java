package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.FlowRecords;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.TunnelType;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sends the flow records of a duty cycle into the SBE {@code flows} group: for each
 * destination, runs of the records it may receive (raw or with transformed addresses), as many
 * per batch as fit one frame, resuming where back pressure stopped it. Worker thread only.
 */
final class FlowRecordSender
{
    private static final int RECORD_LENGTH = DataBatchEncoder.FlowsEncoder.sbeBlockLength();
    private static final int ADDRESS_LENGTH = 16;
    private static final int IPV4_ADDRESS_LENGTH = 4;
    private static final long MAX_UINT32 = 0xFFFF_FFFFL;

    private final BatchWriter writer;
    private final int[] resumeIndex;
    private final UnsafeBuffer addressScratch = new UnsafeBuffer(new byte[ADDRESS_LENGTH]);

    FlowRecordSender(final BatchWriter writer, final int destinations)
    {
        this.writer = writer;
        this.resumeIndex = new int[destinations];
    }

    void begin()
    {
        Arrays.fill(resumeIndex, 0);
    }

    /**
     * @return true when the destination has taken (or definitively dropped) every record meant
     * for it; false when it pushed back and the rest must be offered again
     */
    boolean send(final DestinationStream stream, final FlowRecords flows, final long policyVersion, final long nowNs)
    {
        final int d = stream.index();
        final byte[] delivery = flows.delivery[d];
        final int count = flows.count();
        final int maxRecords = Math.min(
            DataBatchEncoder.FlowsEncoder.countMaxValue(),
            (stream.publication().maxPayloadLength() - BatchWriter.EMPTY_BATCH_LENGTH) / RECORD_LENGTH);

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
                encode(writer.begin(stream, policyVersion, records), d, flows, delivery, from, end, records);
                if (writer.commitFlowRecords(stream, records) == BatchWriter.HOLD)
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
                stream.counters().onFlowRecordsDroppedUnavailable(countAllowed(delivery, from, count));
                resumeIndex[d] = count;
                return true;
            }
        }
    }

    private void encode(
        final DataBatchEncoder batchEncoder,
        final int d,
        final FlowRecords flows,
        final byte[] delivery,
        final int from,
        final int end,
        final int records)
    {
        batchEncoder.packetsCount(0);
        final DataBatchEncoder.FlowsEncoder encoder = batchEncoder.flowsCount(records);
        final byte[] transformedFields = flows.transformedFields[d];
        for (int i = from; i < end; i++)
        {
            if (!isAllowed(delivery[i]))
            {
                continue;
            }
            final byte version = flows.ipVersion[i];
            final boolean ip = version == 4 || version == 6;
            final long tunnelId = flows.tunnelId[i];
            encoder.next()
                .firstSeenNs(flows.firstSeenNs[i])
                .lastSeenNs(flows.lastSeenNs[i])
                .packets(flows.packets[i])
                .bytes(flows.bytes[i])
                .reversePackets(flows.reversePackets[i])
                .reverseBytes(flows.reverseBytes[i])
                .vlanId(flows.vlanId[i] == PacketBurst.ABSENT ?
                    DataBatchEncoder.FlowsEncoder.vlanIdNullValue() : flows.vlanId[i])
                .ipVersion(version == 4 ? IpVersion.V4 : version == 6 ? IpVersion.V6 : IpVersion.NONE)
                .ipProtocol((short)flows.ipProtocol[i])
                .srcPort(flows.srcPort[i])
                .dstPort(flows.dstPort[i])
                .tcpFlags(flows.tcpFlags[i])
                .ipTos((short)flows.ipTos[i])
                .tunnelType(TunnelType.get(flows.tunnelType[i]))
                .tunnelId(tunnelId < 0 || tunnelId > MAX_UINT32 ? 0 : tunnelId)
                .endReason(FlowEndReason.get(flows.endReason[i]));

            final byte transformed = ip ? (byte)(transformedFields[i] & AnonymizedFields.ADDRESSES) : 0;
            final boolean src = (transformed & AnonymizedFields.SRC_ADDRESS) != 0;
            final boolean dst = (transformed & AnonymizedFields.DST_ADDRESS) != 0;
            if (ip)
            {
                putAddress(encoder, true, version,
                    src ? flows.anonSrcAddressHigh[i] : flows.srcAddressHigh[i],
                    src ? flows.anonSrcAddressLow[i] : flows.srcAddressLow[i]);
                putAddress(encoder, false, version,
                    dst ? flows.anonDstAddressHigh[i] : flows.dstAddressHigh[i],
                    dst ? flows.anonDstAddressLow[i] : flows.dstAddressLow[i]);
            }
            else
            {
                addressScratch.setMemory(0, ADDRESS_LENGTH, (byte)0);
                encoder.putSrcAddress(addressScratch, 0, ADDRESS_LENGTH);
                encoder.putDstAddress(addressScratch, 0, ADDRESS_LENGTH);
            }
            encoder.anonymized().clear().srcAddress(src).dstAddress(dst);
        }
        batchEncoder.framesCount(0);
        batchEncoder.eventsCount(0);
    }

    private void putAddress(
        final DataBatchEncoder.FlowsEncoder encoder,
        final boolean source,
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
        if (source)
        {
            encoder.putSrcAddress(addressScratch, 0, length);
        }
        else
        {
            encoder.putDstAddress(addressScratch, 0, length);
        }
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
