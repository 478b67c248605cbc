package dev.sluice.dataplane.egress;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.Delivery;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.TunnelType;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The last stage: encodes the records each destination may receive as SBE {@code DataBatch}
 * messages straight into Aeron {@code tryClaim} buffers, one stream per destination region.
 * <p>
 * A batch is a run of the burst's records for one destination, as many as fit in one frame.
 * When a publication is back-pressured the burst is held and {@link #send} resumes where it
 * stopped on the next call, so nothing accepted is lost and no sequence is skipped. A
 * destination without a subscriber for longer than {@code notConnectedTimeoutNs} is marked
 * unavailable and its records are dropped and counted until it reconnects (the spool of a
 * later issue keeps them instead).
 * <p>
 * Worker thread only.
 */
public final class BatchEgress
{
    private static final int RECORD_LENGTH = DataBatchEncoder.PacketsEncoder.sbeBlockLength();
    private static final int FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DataBatchEncoder.BLOCK_LENGTH +
        DataBatchEncoder.PacketsEncoder.HEADER_SIZE + DataBatchEncoder.FlowsEncoder.HEADER_SIZE +
        DataBatchEncoder.FramesEncoder.HEADER_SIZE + DataBatchEncoder.EventsEncoder.HEADER_SIZE;
    private static final int ADDRESS_LENGTH = 16;
    private static final int IPV4_ADDRESS_LENGTH = 4;
    private static final int SRC = 0;
    private static final int DST = 1;
    private static final int INNER_SRC = 2;
    private static final int INNER_DST = 3;

    private final DestinationStream[] streams;
    private final byte[] gatewayId;
    private final byte[] site;
    private final byte[] originRegion;
    private final long notConnectedTimeoutNs;
    private final EpochNanoClock clock;

    private final BufferClaim claim = new BufferClaim();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DataBatchEncoder batchEncoder = new DataBatchEncoder();
    private final UnsafeBuffer addressScratch = new UnsafeBuffer(new byte[ADDRESS_LENGTH]);

    public BatchEgress(
        final List<DestinationStream> streams,
        final String gatewayId,
        final String site,
        final String originRegion,
        final long notConnectedTimeoutNs,
        final EpochNanoClock clock)
    {
        this.streams = streams.toArray(new DestinationStream[0]);
        for (int i = 0; i < this.streams.length; i++)
        {
            if (this.streams[i].index() != i)
            {
                throw new IllegalArgumentException("destination " + this.streams[i].region() + " has index " +
                    this.streams[i].index() + " but is at position " + i);
            }
        }
        this.gatewayId = ascii(gatewayId, DataBatchEncoder.gatewayIdLength(), "gateway id");
        this.site = ascii(site, DataBatchEncoder.originSiteLength(), "site");
        this.originRegion = ascii(originRegion, DataBatchEncoder.originRegionLength(), "region");
        this.notConnectedTimeoutNs = notConnectedTimeoutNs;
        this.clock = clock;
    }

    /** Pads or rejects a name so it fits a fixed-length SBE char field. */
    static byte[] ascii(final String value, final int length, final String what)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > length)
        {
            throw new IllegalArgumentException(what + " '" + value + "' is longer than " + length + " characters");
        }
        final byte[] padded = new byte[length];
        System.arraycopy(bytes, 0, padded, 0, bytes.length);
        return padded;
    }

    public int destinationCount()
    {
        return streams.length;
    }

    public DestinationStream stream(final int index)
    {
        return streams[index];
    }

    /** Starts a new burst: every destination resumes from its first item. */
    public void beginBurst()
    {
        for (final DestinationStream stream : streams)
        {
            stream.resumeIndex = 0;
        }
    }

    /**
     * Sends what remains of the burst to every destination.
     *
     * @return true when every destination has taken (or definitively dropped) its records;
     * false when some publication pushed back and the burst must be offered again.
     */
    public boolean send(final PacketBurst burst, final long policyVersion, final long nowNs)
    {
        boolean complete = true;
        for (final DestinationStream stream : streams)
        {
            if (!sendTo(stream, burst, policyVersion, nowNs))
            {
                complete = false;
            }
        }
        return complete;
    }

    private boolean sendTo(final DestinationStream stream, final PacketBurst burst, final long policyVersion, final long nowNs)
    {
        final byte[] delivery = burst.delivery[stream.index()];
        final int count = burst.count();
        final int maxRecords = Math.min(
            DataBatchEncoder.PacketsEncoder.countMaxValue(),
            (stream.publication().maxPayloadLength() - FIXED_LENGTH) / RECORD_LENGTH);

        int from = stream.resumeIndex;
        while (true)
        {
            from = nextAllowed(delivery, from, count);
            if (from == count)
            {
                stream.resumeIndex = count;
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

            if (stream.unavailable)
            {
                if (!stream.publication().isConnected())
                {
                    stream.counters().onDroppedUnavailable(countAllowed(delivery, from, count));
                    stream.resumeIndex = count;
                    return true;
                }
                stream.unavailable = false;
                stream.notConnected = false;
            }

            final long sequence = stream.sequence().peekNext();
            final int length = FIXED_LENGTH + records * RECORD_LENGTH;
            final long result = stream.publication().tryClaim(length, claim);
            if (result > 0)
            {
                encode(stream, burst, delivery, from, end, records, sequence, policyVersion);
                claim.commit();
                stream.sequence().markUsed(sequence);
                stream.counters().onBatchSent(records, length, sequence);
                stream.notConnected = false;
                from = end;
            }
            else if (result == Publication.NOT_CONNECTED)
            {
                if (!stream.notConnected)
                {
                    stream.notConnected = true;
                    stream.notConnectedSinceNs = nowNs;
                }
                else if (nowNs - stream.notConnectedSinceNs >= notConnectedTimeoutNs)
                {
                    stream.unavailable = true;
                    stream.counters().onDroppedUnavailable(countAllowed(delivery, from, count));
                    stream.resumeIndex = count;
                    return true;
                }
                stream.resumeIndex = from;
                return false;
            }
            else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                // A subscriber is there, only slow: the not-connected clock starts afresh.
                stream.notConnected = false;
                stream.counters().onBackPressure();
                stream.resumeIndex = from;
                return false;
            }
            else
            {
                // CLOSED or MAX_POSITION_EXCEEDED: this publication will never take data again.
                stream.unavailable = true;
                stream.counters().onDroppedUnavailable(countAllowed(delivery, from, count));
                stream.resumeIndex = count;
                return true;
            }
        }
    }

    private void encode(
        final DestinationStream stream,
        final PacketBurst burst,
        final byte[] delivery,
        final int from,
        final int end,
        final int records,
        final long sequence,
        final long policyVersion)
    {
        final MutableDirectBuffer buffer = claim.buffer();
        batchEncoder.wrapAndApplyHeader(buffer, claim.offset(), headerEncoder)
            .putGatewayId(gatewayId, 0)
            .putOriginSite(site, 0)
            .putOriginRegion(originRegion, 0)
            .putDestinationRegion(stream.paddedRegion, 0)
            .streamSequence(sequence)
            .policyVersion(policyVersion)
            .recordCount(records)
            .encodedTimestampNs(clock.nanoTime());

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
