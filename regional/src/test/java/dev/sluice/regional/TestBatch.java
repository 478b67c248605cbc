package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.FlowEndReason;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
import dev.sluice.protocol.codec.PayloadAction;
import dev.sluice.protocol.codec.TunnelType;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds and encodes {@code DataBatch} messages for tests with the generated SBE encoders.
 * <p>
 * Test thread only.
 */
final class TestBatch
{
    static final long BASE_TS_NS = 1_700_000_000_000_000_000L;
    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_RAW = 101;
    static final int LINKTYPE_LINUX_SLL = 113;

    String gatewayId = "gw-1";
    String site = "paris-1";
    String originRegion = "eu-west";
    String destination = "eu-west";
    long sequence = 1;
    int workerIndex;
    long policyVersion = 3;
    long encodedTimestampNs = BASE_TS_NS + 999;
    Long recordCountOverride;
    final List<Packet> packets = new ArrayList<>();
    final List<Flow> flows = new ArrayList<>();
    final List<Frame> frames = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    /**
     * One packet summary; {@code vlanId} -1 means untagged.
     */
    record Packet(
        long timestampNs,
        long wireLength,
        long capturedLength,
        int vlanId,
        int etherType,
        IpVersion ipVersion,
        short ipProtocol,
        byte[] src,
        byte[] dst,
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
        byte[] innerSrc,
        byte[] innerDst,
        int innerSrcPort,
        int innerDstPort,
        boolean innerSrcAnonymized,
        boolean innerDstAnonymized)
    {
        /**
         * A packet outside any tunnel.
         */
        Packet(
            final long timestampNs,
            final long wireLength,
            final long capturedLength,
            final int vlanId,
            final int etherType,
            final IpVersion ipVersion,
            final short ipProtocol,
            final byte[] src,
            final byte[] dst,
            final int srcPort,
            final int dstPort,
            final int tcpFlags,
            final short icmpType,
            final short icmpCode,
            final boolean srcAnonymized,
            final boolean dstAnonymized)
        {
            this(timestampNs, wireLength, capturedLength, vlanId, etherType, ipVersion, ipProtocol, src, dst,
                srcPort, dstPort, tcpFlags, icmpType, icmpCode, srcAnonymized, dstAnonymized,
                (short)0, TunnelType.NONE, (short)0, 0, IpVersion.NONE, (short)0, new byte[16], new byte[16], 0, 0,
                false, false);
        }
    }

    /**
     * One flow record; {@code vlanId} -1 means untagged.
     */
    record Flow(
        long firstSeenNs,
        long lastSeenNs,
        long packets,
        long bytes,
        long reversePackets,
        long reverseBytes,
        int vlanId,
        IpVersion ipVersion,
        short ipProtocol,
        byte[] src,
        byte[] dst,
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

    /**
     * One frame: a whole packet as sent.
     */
    record Frame(
        long timestampNs,
        long wireLength,
        long capturedLength,
        int linkType,
        PayloadAction payloadAction,
        long originalPayloadLength,
        boolean srcAnonymized,
        boolean dstAnonymized,
        boolean innerSrcAnonymized,
        boolean innerDstAnonymized,
        byte[] bytes)
    {
    }

    record Event(long timestampNs, int eventKind, byte[] body)
    {
    }

    static TestBatch batch(final String gatewayId, final String destination, final long sequence)
    {
        final TestBatch batch = new TestBatch();
        batch.gatewayId = gatewayId;
        batch.destination = destination;
        batch.sequence = sequence;
        return batch;
    }

    static Packet tcp4(final String src, final String dst, final int srcPort, final int dstPort)
    {
        return new Packet(
            BASE_TS_NS + 1, 74, 74, -1, 0x0800, IpVersion.V4, (short)6, address(src), address(dst),
            srcPort, dstPort, 0x012, (short)0, (short)0, false, false);
    }

    static Packet udp6(final String src, final String dst, final int vlanId, final boolean srcAnon, final boolean dstAnon)
    {
        return new Packet(
            BASE_TS_NS + 2, 1514, 128, vlanId, 0x86DD, IpVersion.V6, (short)17, address(src), address(dst),
            53, 40000, 0, (short)0, (short)0, srcAnon, dstAnon);
    }

    static Packet arp()
    {
        return new Packet(
            BASE_TS_NS + 3, 60, 60, 7, 0x0806, IpVersion.NONE, (short)0, new byte[16], new byte[16],
            0, 0, 0, (short)0, (short)0, false, false);
    }

    /**
     * GTP-U over IPv4 UDP carrying an IPv6 TCP packet, outer source and inner source anonymized.
     */
    static Packet gtpu(final long teid, final String innerSrc, final String innerDst)
    {
        return new Packet(
            BASE_TS_NS + 4, 134, 134, -1, 0x0800, IpVersion.V4, (short)17, address("192.0.2.1"), address("192.0.2.2"),
            2152, 2152, 0, (short)0, (short)0, true, false,
            (short)0xB8, TunnelType.GTPU, (short)1, teid, IpVersion.V6, (short)6, address(innerSrc), address(innerDst),
            51000, 443, true, false);
    }

    /**
     * VXLAN carrying an Ethernet frame with ARP: a tunnel with no inner IP packet.
     */
    static Packet vxlanArp(final long vni)
    {
        return new Packet(
            BASE_TS_NS + 5, 110, 110, 12, 0x0800, IpVersion.V4, (short)17, address("10.1.1.1"), address("10.1.1.2"),
            40000, 4789, 0, (short)0, (short)0, false, false,
            (short)0, TunnelType.VXLAN, (short)1, vni, IpVersion.NONE, (short)0, new byte[16], new byte[16],
            0, 0, false, false);
    }

    static Flow tcpFlow4(final String src, final String dst, final int srcPort, final int dstPort)
    {
        return new Flow(
            BASE_TS_NS + 10, BASE_TS_NS + 1_000_000_010L, 12, 3400, 10, 9100, 100, IpVersion.V4, (short)6,
            address(src), address(dst), srcPort, dstPort, 0x1B, (short)0, TunnelType.NONE, 0, FlowEndReason.TCP_FIN,
            false, false);
    }

    static Flow gtpuFlow6(final long teid)
    {
        return new Flow(
            BASE_TS_NS + 20, BASE_TS_NS + 20, -1L, -2L, 0, 0, -1, IpVersion.V6, (short)17,
            address("2001:db8::1"), address("2001:db8::2"), 5353, 53, 0, (short)0x28, TunnelType.GTPU, teid,
            FlowEndReason.IDLE_TIMEOUT, true, true);
    }

    static Frame frame(final int linkType, final byte[] bytes)
    {
        return new Frame(BASE_TS_NS + 30, bytes.length, bytes.length, linkType, PayloadAction.NONE, 0,
            false, false, false, false, bytes);
    }

    /**
     * A frame whose payload the gateway cut: {@code bytes} is the rewritten packet.
     */
    static Frame truncatedFrame(
        final int linkType, final long wireLength, final long originalPayloadLength, final byte[] bytes)
    {
        return new Frame(BASE_TS_NS + 31, wireLength, wireLength, linkType, PayloadAction.TRUNCATED,
            originalPayloadLength, true, true, false, false, bytes);
    }

    TestBatch packet(final Packet packet)
    {
        packets.add(packet);
        return this;
    }

    TestBatch flow(final Flow flow)
    {
        flows.add(flow);
        return this;
    }

    TestBatch frame(final Frame frame)
    {
        frames.add(frame);
        return this;
    }

    TestBatch event(final long timestampNs, final int eventKind, final byte[] body)
    {
        events.add(new Event(timestampNs, eventKind, body));
        return this;
    }

    int recordCount()
    {
        return packets.size() + flows.size() + frames.size() + events.size();
    }

    /**
     * Encodes the batch with its message header.
     *
     * @return encoded length including the header.
     */
    int encode(final MutableDirectBuffer buffer, final int offset)
    {
        final DataBatchEncoder encoder = new DataBatchEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .gatewayId(gatewayId)
            .originSite(site)
            .originRegion(originRegion)
            .destinationRegion(destination)
            .streamSequence(sequence)
            .policyVersion(policyVersion)
            .recordCount(null != recordCountOverride ? recordCountOverride : recordCount())
            .encodedTimestampNs(encodedTimestampNs)
            .workerIndex(workerIndex);

        final DataBatchEncoder.PacketsEncoder packetsEncoder = encoder.packetsCount(packets.size());
        for (final Packet p : packets)
        {
            packetsEncoder.next()
                .timestampNs(p.timestampNs())
                .wireLength(p.wireLength())
                .capturedLength(p.capturedLength())
                .vlanId(p.vlanId() < 0 ? DataBatchEncoder.PacketsEncoder.vlanIdNullValue() : p.vlanId())
                .etherType(p.etherType())
                .ipVersion(p.ipVersion())
                .ipProtocol(p.ipProtocol())
                .putSrcAddress(padded(p.src()), 0, 16)
                .putDstAddress(padded(p.dst()), 0, 16)
                .srcPort(p.srcPort())
                .dstPort(p.dstPort())
                .tcpFlags(p.tcpFlags())
                .icmpType(p.icmpType())
                .icmpCode(p.icmpCode())
                .ipTos(p.ipTos())
                .tunnelType(p.tunnelType())
                .tunnelDepth(p.tunnelDepth())
                .tunnelId(p.tunnelId())
                .innerIpVersion(p.innerIpVersion())
                .innerIpProtocol(p.innerIpProtocol())
                .putInnerSrcAddress(padded(p.innerSrc()), 0, 16)
                .putInnerDstAddress(padded(p.innerDst()), 0, 16)
                .innerSrcPort(p.innerSrcPort())
                .innerDstPort(p.innerDstPort())
                .anonymized().clear()
                .srcAddress(p.srcAnonymized())
                .dstAddress(p.dstAnonymized())
                .innerSrcAddress(p.innerSrcAnonymized())
                .innerDstAddress(p.innerDstAnonymized());
        }

        final DataBatchEncoder.FlowsEncoder flowsEncoder = encoder.flowsCount(flows.size());
        for (final Flow f : flows)
        {
            flowsEncoder.next()
                .firstSeenNs(f.firstSeenNs())
                .lastSeenNs(f.lastSeenNs())
                .packets(f.packets())
                .bytes(f.bytes())
                .reversePackets(f.reversePackets())
                .reverseBytes(f.reverseBytes())
                .vlanId(f.vlanId() < 0 ? DataBatchEncoder.FlowsEncoder.vlanIdNullValue() : f.vlanId())
                .ipVersion(f.ipVersion())
                .ipProtocol(f.ipProtocol())
                .putSrcAddress(padded(f.src()), 0, 16)
                .putDstAddress(padded(f.dst()), 0, 16)
                .srcPort(f.srcPort())
                .dstPort(f.dstPort())
                .tcpFlags(f.tcpFlags())
                .ipTos(f.ipTos())
                .tunnelType(f.tunnelType())
                .tunnelId(f.tunnelId())
                .endReason(f.endReason())
                .anonymized().clear().srcAddress(f.srcAnonymized()).dstAddress(f.dstAnonymized());
        }

        final DataBatchEncoder.FramesEncoder framesEncoder = encoder.framesCount(frames.size());
        for (final Frame f : frames)
        {
            framesEncoder.next()
                .timestampNs(f.timestampNs())
                .wireLength(f.wireLength())
                .capturedLength(f.capturedLength())
                .linkType(f.linkType())
                .payloadAction(f.payloadAction())
                .originalPayloadLength(f.originalPayloadLength());
            framesEncoder.anonymized().clear()
                .srcAddress(f.srcAnonymized())
                .dstAddress(f.dstAnonymized())
                .innerSrcAddress(f.innerSrcAnonymized())
                .innerDstAddress(f.innerDstAnonymized());
            framesEncoder.putBytes(f.bytes(), 0, f.bytes().length);
        }

        final DataBatchEncoder.EventsEncoder eventsEncoder = encoder.eventsCount(events.size());
        for (final Event e : events)
        {
            eventsEncoder.next()
                .timestampNs(e.timestampNs())
                .eventKind(e.eventKind())
                .putBody(e.body(), 0, e.body().length);
        }

        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * Encodes into a fresh buffer trimmed to the message.
     */
    UnsafeBuffer encode()
    {
        final int varLength = events.stream().mapToInt(e -> e.body().length).sum() +
            frames.stream().mapToInt(f -> f.bytes().length).sum();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64 * 1024 + 256 * recordCount() + varLength]);
        final int length = encode(scratch, 0);
        final byte[] bytes = new byte[length];
        scratch.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    static byte[] address(final String text)
    {
        try
        {
            final byte[] bytes = java.net.InetAddress.ofLiteral(text).getAddress();
            if (4 == bytes.length && text.contains(":"))
            {
                // Java turns IPv4-mapped literals into IPv4 addresses; keep the IPv6 form.
                final byte[] mapped = new byte[16];
                mapped[10] = (byte)0xFF;
                mapped[11] = (byte)0xFF;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("not an address literal: " + text, ex);
        }
    }

    private static byte[] padded(final byte[] address)
    {
        final byte[] bytes = new byte[16];
        System.arraycopy(address, 0, bytes, 0, address.length);
        return bytes;
    }
}
