package dev.sluice.dataplane.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds well-formed Ethernet frames header by header (IPv4, IPv6, TCP, UDP, ICMP, ARP,
 * optional 802.1Q tag) for stage tests that need many packets with chosen fields. Checksums
 * are left zero (the decoder does not verify them), except UDP over IPv6, where zero means
 * "none" and RFC 8200 says to discard.
 * <p>
 * Stateless; any thread.
 */
public final class Packets
{
    public static final int NO_VLAN = -1;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;

    private static final byte[] MACS = Hex.bytes("001122334455 66778899aabb");

    private Packets()
    {
    }

    public static byte[] ethernet(final int vlanId, final int etherType, final byte[] payload)
    {
        final ByteBuffer frame = ByteBuffer.allocate(14 + (vlanId == NO_VLAN ? 0 : 4) + payload.length)
            .order(ByteOrder.BIG_ENDIAN);
        frame.put(MACS);
        if (vlanId != NO_VLAN)
        {
            frame.putShort((short)0x8100).putShort((short)vlanId);
        }
        frame.putShort((short)etherType).put(payload);
        return frame.array();
    }

    public static byte[] ipv4(final String src, final String dst, final int protocol, final int ttl, final byte[] payload)
    {
        return ipv4(src, dst, protocol, ttl, 0x4000, payload);
    }

    /** {@code flagsAndFragment}: the 16-bit flags and fragment offset word (0x4000 = DF, first and only fragment). */
    public static byte[] ipv4(
        final String src, final String dst, final int protocol, final int ttl, final int flagsAndFragment, final byte[] payload)
    {
        return ByteBuffer.allocate(20 + payload.length).order(ByteOrder.BIG_ENDIAN)
            .put((byte)0x45).put((byte)0)
            .putShort((short)(20 + payload.length))
            .putShort((short)0x1c46)
            .putShort((short)flagsAndFragment)
            .put((byte)ttl).put((byte)protocol)
            .putShort((short)0)
            .put(address(src, 4)).put(address(dst, 4))
            .put(payload)
            .array();
    }

    public static byte[] ipv6(final String src, final String dst, final int nextHeader, final int hopLimit, final byte[] payload)
    {
        return ByteBuffer.allocate(40 + payload.length).order(ByteOrder.BIG_ENDIAN)
            .putInt(0x6000_0000)
            .putShort((short)payload.length)
            .put((byte)nextHeader).put((byte)hopLimit)
            .put(address(src, 16)).put(address(dst, 16))
            .put(payload)
            .array();
    }

    /** A TCP header without options; {@code flags} are the low 9 bits (NS .. FIN). */
    public static byte[] tcp(final int srcPort, final int dstPort, final int flags)
    {
        return ByteBuffer.allocate(20).order(ByteOrder.BIG_ENDIAN)
            .putShort((short)srcPort).putShort((short)dstPort)
            .putInt(1).putInt(0)
            .putShort((short)(0x5000 | (flags & 0x1FF)))
            .putShort((short)0xFAF0)
            .putShort((short)0).putShort((short)0)
            .array();
    }

    public static byte[] udp(final int srcPort, final int dstPort, final int payloadBytes)
    {
        return ByteBuffer.allocate(8 + payloadBytes).order(ByteOrder.BIG_ENDIAN)
            .putShort((short)srcPort).putShort((short)dstPort)
            .putShort((short)(8 + payloadBytes))
            .putShort((short)0x1234)
            .array();
    }

    /** UDP carrying {@code payload}. */
    public static byte[] udp(final int srcPort, final int dstPort, final byte[] payload)
    {
        return ByteBuffer.allocate(8 + payload.length).order(ByteOrder.BIG_ENDIAN)
            .putShort((short)srcPort).putShort((short)dstPort)
            .putShort((short)(8 + payload.length))
            .putShort((short)0x1234)
            .put(payload)
            .array();
    }

    /** A GTP-U G-PDU (version 1, no optional fields) with {@code teid}, carrying an IP packet. */
    public static byte[] gtpU(final int teid, final byte[] innerIpPacket)
    {
        return ByteBuffer.allocate(8 + innerIpPacket.length).order(ByteOrder.BIG_ENDIAN)
            .put((byte)0x30).put((byte)0xFF)
            .putShort((short)innerIpPacket.length)
            .putInt(teid)
            .put(innerIpPacket)
            .array();
    }

    /** Ethernet, IPv4, UDP 2152, GTP-U {@code teid}, then IPv4 TCP between the inner addresses. */
    public static byte[] gtpUIpv4Tcp(
        final String outerSrc, final String outerDst, final int teid, final String innerSrc, final String innerDst,
        final int innerSrcPort, final int innerDstPort)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV4, ipv4(outerSrc, outerDst, UDP, 64,
            udp(2152, 2152, gtpU(teid, ipv4(innerSrc, innerDst, TCP, 64, tcp(innerSrcPort, innerDstPort, 0x018))))));
    }

    public static byte[] icmp(final int type, final int code)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN)
            .put((byte)type).put((byte)code).putShort((short)0).putInt(0x0001_0001)
            .array();
    }

    public static byte[] ipv4Tcp(final String src, final String dst, final int srcPort, final int dstPort, final int flags)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV4, ipv4(src, dst, TCP, 64, tcp(srcPort, dstPort, flags)));
    }

    /**
     * Twelve zero bytes of UDP payload: on port 53 they are a DNS header without questions, which
     * the decoder accepts (fewer would be a malformed DNS message).
     */
    public static final int UDP_PAYLOAD_BYTES = 12;

    public static byte[] ipv4Udp(final int vlanId, final String src, final String dst, final int srcPort, final int dstPort)
    {
        return ethernet(vlanId, ETHERTYPE_IPV4, ipv4(src, dst, UDP, 63, udp(srcPort, dstPort, UDP_PAYLOAD_BYTES)));
    }

    public static byte[] ipv4Icmp(final int vlanId, final String src, final String dst, final int type, final int code)
    {
        return ethernet(vlanId, ETHERTYPE_IPV4, ipv4(src, dst, ICMP, 64, icmp(type, code)));
    }

    public static byte[] ipv6Tcp(final String src, final String dst, final int srcPort, final int dstPort, final int flags)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV6, ipv6(src, dst, TCP, 64, tcp(srcPort, dstPort, flags)));
    }

    public static byte[] ipv6Udp(final String src, final String dst, final int srcPort, final int dstPort)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV6, ipv6(src, dst, UDP, 64, udp(srcPort, dstPort, UDP_PAYLOAD_BYTES)));
    }

    public static byte[] ipv6Icmp(final String src, final String dst, final int type, final int code)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV6, ipv6(src, dst, ICMPV6, 255, icmp(type, code)));
    }

    /** A later IPv4 fragment (offset 184 bytes): no transport header, so no ports. */
    public static byte[] ipv4LaterFragment(final String src, final String dst, final int protocol)
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV4, ipv4(src, dst, protocol, 64, 0x0017, Hex.bytes("0102030405060708")));
    }

    public static byte[] arpRequest()
    {
        return ethernet(NO_VLAN, ETHERTYPE_ARP,
            Hex.bytes("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002"));
    }

    /** An Ethernet frame that ends inside its IPv4 header: the decoder drops it. */
    public static byte[] truncatedIpv4()
    {
        return ethernet(NO_VLAN, ETHERTYPE_IPV4, Hex.bytes("4500 0028 0000 4000 40"));
    }

    /** An address in network order: 4 bytes for IPv4, 16 for IPv6. */
    public static byte[] address(final String text, final int length)
    {
        final byte[] bytes;
        try
        {
            bytes = InetAddress.getByName(text).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(text, ex);
        }
        if (bytes.length != length)
        {
            throw new IllegalArgumentException(text + " is not a " + length + "-byte address");
        }
        return bytes;
    }

    /** An IPv4 address as the burst holds it: the low 32 bits of the low half. */
    public static long ipv4Low(final String text)
    {
        return ByteBuffer.wrap(address(text, 4)).getInt() & 0xFFFF_FFFFL;
    }

    public static long ipv6High(final String text)
    {
        return ByteBuffer.wrap(address(text, 16)).getLong(0);
    }

    public static long ipv6Low(final String text)
    {
        return ByteBuffer.wrap(address(text, 16)).getLong(8);
    }
}
