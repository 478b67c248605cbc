package dev.sluice.cli.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Assembles Ethernet frames header by header into one reusable buffer for
 * {@link DemoTraffic}: Ethernet with an optional 802.1Q tag, IPv4 or IPv6, then TCP, UDP,
 * ICMP or ICMPv6 with correct checksums, or ARP. Each {@code begin*} call starts a frame;
 * {@link #length()} is its size once the last header and payload are in.
 * <p>
 * Not thread safe: owned by one generator.
 */
final class DemoFrames
{
    static final int ETHER_TYPE_IPV4 = 0x0800;
    static final int ETHER_TYPE_ARP = 0x0806;
    static final int ETHER_TYPE_VLAN = 0x8100;
    static final int ETHER_TYPE_IPV6 = 0x86DD;
    static final int PROTOCOL_ICMP = 1;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;
    static final int PROTOCOL_ICMPV6 = 58;

    private static final int MAX_FRAME_BYTES = 1600;

    private final byte[] frame = new byte[MAX_FRAME_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);

    private int l3Offset;
    private int l4Offset;
    private int ipVersion;
    private int protocol;

    byte[] bytes()
    {
        return frame;
    }

    int length()
    {
        return buffer.position();
    }

    /** Starts a frame: destination and source MAC, an 802.1Q tag when {@code vlanId >= 0}, and the EtherType. */
    DemoFrames beginEthernet(final long destinationMac, final long sourceMac, final int vlanId, final int etherType)
    {
        buffer.clear();
        putMac(destinationMac);
        putMac(sourceMac);
        if (vlanId >= 0)
        {
            buffer.putShort((short)ETHER_TYPE_VLAN).putShort((short)vlanId);
        }
        buffer.putShort((short)etherType);
        return this;
    }

    /** An IPv4 header (no options, don't fragment) whose lengths and checksum {@link #finish()} fills in. */
    DemoFrames ipv4(final int source, final int destination, final int protocol, final int ttl, final int identification)
    {
        ipVersion = 4;
        this.protocol = protocol;
        l3Offset = buffer.position();
        buffer.put((byte)0x45).put((byte)0).putShort((short)0).putShort((short)identification).putShort((short)0x4000)
            .put((byte)ttl).put((byte)protocol).putShort((short)0).putInt(source).putInt(destination);
        l4Offset = buffer.position();
        return this;
    }

    /** An IPv6 header whose payload length {@link #finish()} fills in. */
    DemoFrames ipv6(
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow,
        final int nextHeader, final int hopLimit, final int flowLabel)
    {
        ipVersion = 6;
        protocol = nextHeader;
        l3Offset = buffer.position();
        buffer.putInt((6 << 28) | (flowLabel & 0xFFFFF)).putShort((short)0).put((byte)nextHeader).put((byte)hopLimit)
            .putLong(sourceHigh).putLong(sourceLow).putLong(destinationHigh).putLong(destinationLow);
        l4Offset = buffer.position();
        return this;
    }

    DemoFrames tcp(
        final int sourcePort, final int destinationPort, final long sequence, final long acknowledgment, final int flags,
        final int window)
    {
        buffer.putShort((short)sourcePort).putShort((short)destinationPort).putInt((int)sequence).putInt((int)acknowledgment)
            .putShort((short)((5 << 12) | flags)).putShort((short)window).putShort((short)0).putShort((short)0);
        return this;
    }

    /** A UDP header whose length {@link #finish()} fills in. */
    DemoFrames udp(final int sourcePort, final int destinationPort)
    {
        buffer.putShort((short)sourcePort).putShort((short)destinationPort).putShort((short)0).putShort((short)0);
        return this;
    }

    /** ICMP or ICMPv6 echo header; the message type decides request or reply. */
    DemoFrames echo(final int type, final int identifier, final int sequence)
    {
        buffer.put((byte)type).put((byte)0).putShort((short)0).putShort((short)identifier).putShort((short)sequence);
        return this;
    }

    DemoFrames arp(
        final int operation, final long senderMac, final int senderAddress, final long targetMac, final int targetAddress)
    {
        buffer.putShort((short)1).putShort((short)ETHER_TYPE_IPV4).put((byte)6).put((byte)4).putShort((short)operation);
        putMac(senderMac);
        buffer.putInt(senderAddress);
        putMac(targetMac);
        buffer.putInt(targetAddress);
        return this;
    }

    DemoFrames payload(final byte[] bytes, final int offset, final int length)
    {
        buffer.put(bytes, offset, length);
        return this;
    }

    DemoFrames putByte(final int value)
    {
        buffer.put((byte)value);
        return this;
    }

    DemoFrames putShort(final int value)
    {
        buffer.putShort((short)value);
        return this;
    }

    DemoFrames putInt(final int value)
    {
        buffer.putInt(value);
        return this;
    }

    DemoFrames putAscii(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            buffer.put((byte)text.charAt(i));
        }
        return this;
    }

    /** Current write position, for fields that are filled in later with {@link #patchShort}. */
    int position()
    {
        return buffer.position();
    }

    void patchShort(final int at, final int value)
    {
        buffer.putShort(at, (short)value);
    }

    /** Fills in IP and UDP lengths and every checksum of the IP frame built so far. */
    void finish()
    {
        final int end = buffer.position();
        final int transportBytes = end - l4Offset;
        if (ipVersion == 4)
        {
            buffer.putShort(l3Offset + 2, (short)(end - l3Offset));
            buffer.putShort(l3Offset + 10, (short)checksum(l3Offset, l4Offset - l3Offset, 0));
        }
        else
        {
            buffer.putShort(l3Offset + 4, (short)transportBytes);
        }
        switch (protocol)
        {
            case PROTOCOL_TCP -> buffer.putShort(l4Offset + 16, (short)transportChecksum(transportBytes));
            case PROTOCOL_UDP ->
            {
                buffer.putShort(l4Offset + 4, (short)transportBytes);
                final int sum = transportChecksum(transportBytes);
                buffer.putShort(l4Offset + 6, (short)(sum == 0 ? 0xFFFF : sum));
            }
            case PROTOCOL_ICMP -> buffer.putShort(l4Offset + 2, (short)checksum(l4Offset, transportBytes, 0));
            case PROTOCOL_ICMPV6 -> buffer.putShort(l4Offset + 2, (short)transportChecksum(transportBytes));
            default ->
            {
            }
        }
    }

    /** Overwrites a byte of the frame, to break a header on purpose after {@link #finish()}. */
    void corrupt(final int offsetFromL3, final int value)
    {
        frame[l3Offset + offsetFromL3] = (byte)value;
    }

    int l3Offset()
    {
        return l3Offset;
    }

    int l4Offset()
    {
        return l4Offset;
    }

    private int transportChecksum(final int transportBytes)
    {
        long pseudo;
        if (ipVersion == 4)
        {
            pseudo = sum16(l3Offset + 12, 8) + protocol + transportBytes;
        }
        else
        {
            pseudo = sum16(l3Offset + 8, 32) + protocol + (transportBytes >>> 16) + (transportBytes & 0xFFFF);
        }
        return checksum(l4Offset, transportBytes, pseudo);
    }

    private int checksum(final int offset, final int length, final long initial)
    {
        long sum = initial + sum16(offset, length);
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    private long sum16(final int offset, final int length)
    {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            sum += ((frame[offset + i] & 0xFF) << 8) | (frame[offset + i + 1] & 0xFF);
        }
        if (i < length)
        {
            sum += (frame[offset + i] & 0xFF) << 8;
        }
        return sum;
    }

    private void putMac(final long mac)
    {
        buffer.putShort((short)(mac >>> 32)).putInt((int)mac);
    }
}
