package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchEncoder;
import dev.sluice.protocol.codec.IpVersion;
import dev.sluice.protocol.codec.MessageHeaderEncoder;
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

    String gatewayId = "gw-1";
    String site = "paris-1";
    String originRegion = "eu-west";
    String destination = "eu-west";
    long sequence = 1;
    long policyVersion = 3;
    long encodedTimestampNs = BASE_TS_NS + 999;
    Long recordCountOverride;
    final List<Packet> packets = new ArrayList<>();
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
        boolean dstAnonymized)
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

    TestBatch packet(final Packet packet)
    {
        packets.add(packet);
        return this;
    }

    TestBatch event(final long timestampNs, final int eventKind, final byte[] body)
    {
        events.add(new Event(timestampNs, eventKind, body));
        return this;
    }

    int recordCount()
    {
        return packets.size() + events.size();
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
            .encodedTimestampNs(encodedTimestampNs);

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
                .anonymized().clear().srcAddress(p.srcAnonymized()).dstAddress(p.dstAnonymized());
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
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64 * 1024 + events.stream().mapToInt(e -> e.body().length).sum()]);
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
