package dev.sluice.dataplane.testing;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import dev.sluice.protocol.codec.TunnelType;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Decodes what egress published, with the generated SBE decoders, into plain records that
 * tests compare field by field; collects them from a subscription.
 * <p>
 * Test thread only.
 */
public final class DataBatches implements FragmentHandler
{
    /** One {@code DataBatch} as received, with the length of its frame. */
    public record Batch(
        String gatewayId,
        String originSite,
        String originRegion,
        String destinationRegion,
        long streamSequence,
        long policyVersion,
        long recordCount,
        long encodedTimestampNs,
        int frameLength,
        List<Packet> packets,
        int workerIndex)
    {
    }

    /** One packet summary record. Addresses are the 16 bytes of the SBE field. */
    public record Packet(
        long timestampNs,
        long wireLength,
        long capturedLength,
        int vlanId,
        int etherType,
        IpVersion ipVersion,
        short ipProtocol,
        List<Byte> srcAddress,
        List<Byte> dstAddress,
        int srcPort,
        int dstPort,
        int tcpFlags,
        short icmpType,
        short icmpCode,
        boolean srcAnonymized,
        boolean dstAnonymized,
        short ipTos,
        TunnelType tunnelType,
        short tunnelDepth,
        long tunnelId,
        IpVersion innerIpVersion,
        short innerIpProtocol,
        List<Byte> innerSrcAddress,
        List<Byte> innerDstAddress,
        int innerSrcPort,
        int innerDstPort,
        boolean innerSrcAnonymized,
        boolean innerDstAnonymized)
    {
        /** A record with no ToS, tunnel or inner layer, as egress writes until the decoders supply them. */
        public Packet(
            final long timestampNs,
            final long wireLength,
            final long capturedLength,
            final int vlanId,
            final int etherType,
            final IpVersion ipVersion,
            final short ipProtocol,
            final List<Byte> srcAddress,
            final List<Byte> dstAddress,
            final int srcPort,
            final int dstPort,
            final int tcpFlags,
            final short icmpType,
            final short icmpCode,
            final boolean srcAnonymized,
            final boolean dstAnonymized)
        {
            this(timestampNs, wireLength, capturedLength, vlanId, etherType, ipVersion, ipProtocol, srcAddress,
                dstAddress, srcPort, dstPort, tcpFlags, icmpType, icmpCode, srcAnonymized, dstAnonymized,
                (short)0, TunnelType.NONE, (short)0, 0, IpVersion.NONE, (short)0, addressField(new byte[0]),
                addressField(new byte[0]), 0, 0, false, false);
        }
    }

    /** One flow record. Addresses are the 16 bytes of the SBE field. */
    public record Flow(
        long firstSeenNs,
        long lastSeenNs,
        long packets,
        long bytes,
        long reversePackets,
        long reverseBytes,
        int vlanId,
        IpVersion ipVersion,
        short ipProtocol,
        List<Byte> srcAddress,
        List<Byte> dstAddress,
        int srcPort,
        int dstPort,
        int tcpFlags,
        short ipTos,
        TunnelType tunnelType,
        long tunnelId,
        FlowEndReason endReason,
        boolean srcAnonymized,
        boolean dstAnonymized)
    {
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final List<Flow> flows = new ArrayList<>();
    private final DataBatchDecoder decoder = new DataBatchDecoder();
    private final List<Batch> batches = new ArrayList<>();

    public List<Batch> batches()
    {
        return batches;
    }

    public long records()
    {
        long records = 0;
        for (final Batch batch : batches)
        {
            records += batch.packets().size();
        }
        return records;
    }

    /** The flow records of every batch, in arrival order. */
    public List<Flow> flows()
    {
        return flows;
    }

    public List<Packet> packets()
    {
        final List<Packet> packets = new ArrayList<>();
        for (final Batch batch : batches)
        {
            packets.addAll(batch.packets());
        }
        return packets;
    }

    /** Polls until nothing more arrives for a few rounds. */
    public DataBatches drain(final Subscription subscription)
    {
        int idleRounds = 0;
        while (idleRounds < 20)
        {
            idleRounds = subscription.poll(this, 100) == 0 ? idleRounds + 1 : 0;
            Thread.onSpinWait();
        }
        return this;
    }

    /** Polls until at least {@code records} records have arrived. */
    public DataBatches awaitRecords(final Subscription subscription, final long records)
    {
        TestMediaDriver.until(() -> records() >= records, () -> subscription.poll(this, 100), records + " records");
        return drain(subscription);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        header.wrap(buffer, offset);
        if (header.templateId() != DataBatchDecoder.TEMPLATE_ID || header.schemaId() != DataBatchDecoder.SCHEMA_ID)
        {
            fail("not a DataBatch: template " + header.templateId() + " schema " + header.schemaId());
        }
        decoder.wrapAndApplyHeader(buffer, offset, header);
        final String gatewayId = decoder.gatewayId();
        final String originSite = decoder.originSite();
        final String originRegion = decoder.originRegion();
        final String destinationRegion = decoder.destinationRegion();
        final long sequence = decoder.streamSequence();
        final long policyVersion = decoder.policyVersion();
        final long recordCount = decoder.recordCount();
        final long encodedTimestampNs = decoder.encodedTimestampNs();
        final int workerIndex = decoder.workerIndex();

        final List<Packet> packets = new ArrayList<>();
        for (final DataBatchDecoder.PacketsDecoder p : decoder.packets())
        {
            final byte[] src = new byte[16];
            final byte[] dst = new byte[16];
            final byte[] innerSrc = new byte[16];
            final byte[] innerDst = new byte[16];
            p.getSrcAddress(src, 0, 16);
            p.getDstAddress(dst, 0, 16);
            p.getInnerSrcAddress(innerSrc, 0, 16);
            p.getInnerDstAddress(innerDst, 0, 16);
            packets.add(new Packet(
                p.timestampNs(),
                p.wireLength(),
                p.capturedLength(),
                p.vlanId(),
                p.etherType(),
                p.ipVersion(),
                p.ipProtocol(),
                bytes(src),
                bytes(dst),
                p.srcPort(),
                p.dstPort(),
                p.tcpFlags(),
                p.icmpType(),
                p.icmpCode(),
                p.anonymized().srcAddress(),
                p.anonymized().dstAddress(),
                p.ipTos(),
                p.tunnelType(),
                p.tunnelDepth(),
                p.tunnelId(),
                p.innerIpVersion(),
                p.innerIpProtocol(),
                bytes(innerSrc),
                bytes(innerDst),
                p.innerSrcPort(),
                p.innerDstPort(),
                p.anonymized().innerSrcAddress(),
                p.anonymized().innerDstAddress()));
        }
        final DataBatchDecoder.FlowsDecoder flowsDecoder = decoder.flows();
        if (flowsDecoder.count() > 0)
        {
            assertEquals(0, packets.size(), "a batch carries one kind of record");
            assertEquals(recordCount, flowsDecoder.count());
        }
        for (final DataBatchDecoder.FlowsDecoder f : flowsDecoder)
        {
            final byte[] src = new byte[16];
            final byte[] dst = new byte[16];
            f.getSrcAddress(src, 0, 16);
            f.getDstAddress(dst, 0, 16);
            flows.add(new Flow(
                f.firstSeenNs(), f.lastSeenNs(), f.packets(), f.bytes(), f.reversePackets(), f.reverseBytes(),
                f.vlanId(), f.ipVersion(), f.ipProtocol(), bytes(src), bytes(dst), f.srcPort(), f.dstPort(),
                f.tcpFlags(), f.ipTos(), f.tunnelType(), f.tunnelId(), f.endReason(),
                f.anonymized().srcAddress(), f.anonymized().dstAddress()));
        }
        assertEquals(0, decoder.frames().count(), "egress writes no frames yet");
        assertEquals(0, decoder.events().count(), "egress writes no events yet");
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + decoder.encodedLength(),
            "the claimed frame is exactly the encoded batch");
        batches.add(new Batch(gatewayId, originSite, originRegion, destinationRegion, sequence, policyVersion,
            recordCount, encodedTimestampNs, length, packets, workerIndex));
    }

    /** The bytes of an address field: {@code address} followed by zeros up to 16 bytes. */
    public static List<Byte> addressField(final byte[] address)
    {
        final byte[] field = new byte[16];
        System.arraycopy(address, 0, field, 0, address.length);
        return bytes(field);
    }

    private static List<Byte> bytes(final byte[] array)
    {
        final List<Byte> list = new ArrayList<>(array.length);
        for (final byte b : array)
        {
            list.add(b);
        }
        return list;
    }
}
