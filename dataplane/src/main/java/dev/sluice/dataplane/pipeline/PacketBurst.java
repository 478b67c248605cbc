package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.counters.DropReason;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A burst of packets carried through every stage of one worker: preallocated arrays of item
 * descriptors (struct of arrays, one slot per packet), the headers the decoder found, and a
 * verdict per item. Stages mark verdicts and fill fields; they never copy packet bytes.
 * <p>
 * The arrays are public because every stage reads and writes them in tight per-burst loops;
 * the slot layout is the contract between stages. Slots {@code [0, count)} are valid.
 * <p>
 * Owned by exactly one worker thread; never shared.
 */
public final class PacketBurst
{
    public static final int DEFAULT_CAPACITY = 256;

    /** Field value for "not present in this packet" in the int-valued header arrays. */
    public static final int ABSENT = -1;

    /**
     * Room in each item's header chain. Four tunnel levels of IP, UDP or GRE, tunnel header and
     * inner Ethernet, the innermost IP and transport headers and PPPoE take 19; the rest leaves
     * room for authentication headers. A packet with more headers is dropped.
     */
    public static final int MAX_HEADERS = 32;

    // ---------------------------------------------------------------- filled by the source
    /** Memory holding each packet's bytes (a mapped capture file, an mbuf pool, a ring). */
    public final MemorySegment[] data;
    /** Offset of the packet's first captured byte within {@link #data}. */
    public final long[] offset;
    public final int[] capturedLength;
    /** Length of the packet on the wire; larger than captured when the capture was cut (snaplen). */
    public final int[] wireLength;
    /** Capture time, epoch nanoseconds. */
    public final long[] timestampNs;
    /** Link type of the packet's first header, as numbered by pcap (LINKTYPE_ETHERNET = 1, ...). */
    public final int[] linkType;

    // ---------------------------------------------------------------- filled by the decoder
    /** Offset of the outer (first) IP header from the packet start, or ABSENT. */
    public final int[] l3Offset;
    /**
     * Offset of the outer IP layer's transport header (TCP, UDP, SCTP, ICMP, ICMPv6 or ESP; see
     * {@link #l4Protocol}) from the packet start, or ABSENT (also for later fragments).
     */
    public final int[] l4Offset;
    /** Outermost 802.1Q/802.1ad VLAN id, or ABSENT when untagged. */
    public final int[] vlanId;
    /**
     * EtherType after any VLAN tags (0x8847 for MPLS, 0x8864 for PPPoE, whatever the network header
     * behind them), or ABSENT for link types without one and 802.3 frames.
     */
    public final int[] etherType;
    /** 4, 6, or 0 when the packet carries no IP header. */
    public final byte[] ipVersion;
    /** IPv4 protocol / IPv6 next header (after extension headers the decoder understood), or ABSENT. */
    public final int[] ipProtocol;
    public final int[] ipTtl;
    /** Addresses: IPv6 as two big-endian halves; IPv4 in the low 32 bits of the low half, high half 0. */
    public final long[] srcAddressHigh;
    public final long[] srcAddressLow;
    public final long[] dstAddressHigh;
    public final long[] dstAddressLow;
    /** TCP/UDP/SCTP ports of the outer IP layer, or ABSENT. */
    public final int[] srcPort;
    public final int[] dstPort;
    /** TCP flags (low 9 bits: NS CWR ECE URG ACK PSH RST SYN FIN), or ABSENT when not TCP. */
    public final int[] tcpFlags;
    /** ICMP/ICMPv6 type and code, or ABSENT. */
    public final int[] icmpType;
    public final int[] icmpCode;

    // ---------------------------------------------------------------- filled by the decoder: link layer
    /** 802.1Q/802.1ad tags before the outer network header (0: untagged). */
    public final int[] vlanCount;
    /** Offset of the first tag's control word; tag k's is at {@code vlanOffset + 4k}. ABSENT when untagged. */
    public final int[] vlanOffset;
    /** MPLS label stack entries (0: no MPLS). */
    public final int[] mplsCount;
    /** Offset of the top label stack entry; entry k is at {@code mplsOffset + 4k}. ABSENT without MPLS. */
    public final int[] mplsOffset;
    /** PPPoE session id, or ABSENT. */
    public final int[] pppoeSessionId;

    // ---------------------------------------------------------------- filled by the decoder: outer IP extras
    /** IPv4 DS field byte / IPv6 traffic class of the outer IP header, or ABSENT. */
    public final int[] ipTos;
    /** IPv4 identification (16 bits), or the 32-bit identification of an IPv6 fragment header, or ABSENT. */
    public final long[] ipId;
    /** IPv4 flags (3 bits: 2 reserved, 1 DF, 0 MF), or an IPv6 fragment header's M flag in bit 0, or ABSENT. */
    public final int[] ipFlags;
    /** Fragment offset in bytes: every IPv4 header, IPv6 only with a fragment header; ABSENT otherwise. */
    public final int[] ipFragmentOffset;
    /**
     * Protocol number of the header at {@link #l4Offset} (TCP, UDP, SCTP, ICMP, ICMPv6, ESP), or ABSENT.
     * It differs from {@link #ipProtocol} only for IPv4 with an authentication header (ipProtocol 51).
     */
    public final int[] l4Protocol;

    // ---------------------------------------------------------------- filled by the decoder: tunnels
    /** Encapsulations entered, 0..{@code PacketDecoder.MAX_TUNNEL_DEPTH}. */
    public final byte[] tunnelDepth;
    /** {@code TunnelType} of the outermost encapsulation, {@code TunnelType.NONE} without one. */
    public final byte[] tunnelType;
    /**
     * Identifier of the outermost encapsulation: GTP TEID, VXLAN or GENEVE VNI, GRE key (PPTP: call
     * id), ERSPAN session id; ABSENT when it has none (IP in IP, Teredo, GRE without a key).
     */
    public final long[] tunnelId;

    // ---------------------------------------------------------------- filled by the decoder: innermost IP layer
    /** 4 or 6 for the innermost IP header inside a tunnel; 0 when no tunnel carried an IP packet. */
    public final byte[] innerIpVersion;
    public final int[] innerL3Offset;
    /** Offset of the innermost IP layer's transport header, or ABSENT (also for later fragments). */
    public final int[] innerL4Offset;
    /** Same meaning as {@link #ipProtocol}, for the innermost IP layer. */
    public final int[] innerIpProtocol;
    /** Same meaning as {@link #l4Protocol}, for the innermost IP layer. */
    public final int[] innerL4Protocol;
    public final long[] innerSrcAddressHigh;
    public final long[] innerSrcAddressLow;
    public final long[] innerDstAddressHigh;
    public final long[] innerDstAddressLow;
    /** TCP/UDP/SCTP ports of the innermost IP layer, or ABSENT. */
    public final int[] innerSrcPort;
    public final int[] innerDstPort;
    /** TCP flags (low 9 bits) of the innermost IP layer, or ABSENT. */
    public final int[] innerTcpFlags;

    // ---------------------------------------------------------------- filled by the decoder: payload and application
    /**
     * Offset of the payload: the bytes after the innermost header the decoder read past the
     * first IP header (an IP header with its extension headers, TCP with options, UDP, SCTP's
     * common header, ICMP's 8 bytes, ESP's SPI and sequence number, a GRE, ERSPAN, VXLAN, GENEVE,
     * GTP-U or PPP header, an inner Ethernet header with its tags). Application data (DNS, TLS)
     * is payload. ABSENT without IP.
     */
    public final int[] payloadOffset;
    /**
     * Payload bytes on the wire, up to the end of the layer that contains them (an IP payload,
     * a UDP datagram, a GTP-U message); may exceed what was captured, and ends with the
     * fragment in a first fragment.
     */
    public final int[] payloadLength;
    /** Offset of the DNS message (after the TCP length prefix) whose first question was validated, or ABSENT. */
    public final int[] dnsOffset;
    /** QTYPE of that question, or ABSENT. */
    public final int[] dnsQueryType;
    /** Offset and length of the server name of a TLS ClientHello, or ABSENT. */
    public final int[] tlsSniOffset;
    public final int[] tlsSniLength;

    // ---------------------------------------------------------------- filled by the decoder: header chain
    /** Headers in each item's chain, at most {@link #MAX_HEADERS}. */
    public final byte[] headerCount;
    /** {@code HeaderType} of header k of item i at {@code [i * MAX_HEADERS + k]}, outermost first. */
    public final byte[] headerType;
    /** Offset of header k of item i from the packet start, at {@code [i * MAX_HEADERS + k]}. */
    public final int[] headerOffset;

    // ---------------------------------------------------------------- verdicts
    /** One of the {@link Verdict} constants. */
    public final byte[] verdict;
    /** {@code DropReason.ordinal()} when the verdict is {@link Verdict#DROPPED}. */
    public final short[] dropReason;
    /** Index of the rule that decided the item, or ABSENT when the policy's default decided. */
    public final short[] matchedRule;
    /** Under {@code match: all}, the other matching rules whose modifiers apply ({@code Policy.modifierMatches}); else 0. */
    public final long[] modifierMatches;
    /** Bits of {@code AnonymizedField} the policy's rule asked to transform for every destination. */
    public final byte[] anonymizeFields;
    /**
     * {@code PayloadSlicer.ACTION_*}: whether the item leaves as a frame with its payload cut (set by
     * the classify stage only for items it passes and that can be cut).
     */
    public final byte[] payloadAction;
    /** Bytes of that frame (headers plus the payload kept); valid where {@link #payloadAction} is not none. */
    public final int[] frameLength;

    // ---------------------------------------------------------------- anonymize stage output
    /** Transformed addresses, valid where the anonymize stage set the matching bit in {@link #anonymizedReady}. */
    public final long[] anonSrcAddressHigh;
    public final long[] anonSrcAddressLow;
    public final long[] anonDstAddressHigh;
    public final long[] anonDstAddressLow;
    public final long[] anonInnerSrcAddressHigh;
    public final long[] anonInnerSrcAddressLow;
    public final long[] anonInnerDstAddressHigh;
    public final long[] anonInnerDstAddressLow;
    public final byte[] anonymizedReady;

    // ---------------------------------------------------------------- residency stage output
    /** Per destination index, per item: one of the {@link Delivery} constants. */
    public final byte[][] delivery;
    /** Per destination index, per item: the {@link AnonymizedFields} bits sent transformed there. */
    public final byte[][] transformedFields;

    private final int capacity;
    private int count;

    public PacketBurst(final int capacity, final int maxDestinations)
    {
        if (capacity <= 0 || capacity > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("burst capacity must be in 1.." + Short.MAX_VALUE + ": " + capacity);
        }
        this.capacity = capacity;
        data = new MemorySegment[capacity];
        offset = new long[capacity];
        capturedLength = new int[capacity];
        wireLength = new int[capacity];
        timestampNs = new long[capacity];
        linkType = new int[capacity];

        l3Offset = new int[capacity];
        l4Offset = new int[capacity];
        vlanId = new int[capacity];
        etherType = new int[capacity];
        ipVersion = new byte[capacity];
        ipProtocol = new int[capacity];
        ipTtl = new int[capacity];
        srcAddressHigh = new long[capacity];
        srcAddressLow = new long[capacity];
        dstAddressHigh = new long[capacity];
        dstAddressLow = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];
        tcpFlags = new int[capacity];
        icmpType = new int[capacity];
        icmpCode = new int[capacity];

        vlanCount = new int[capacity];
        vlanOffset = new int[capacity];
        mplsCount = new int[capacity];
        mplsOffset = new int[capacity];
        pppoeSessionId = new int[capacity];
        ipTos = new int[capacity];
        ipId = new long[capacity];
        ipFlags = new int[capacity];
        ipFragmentOffset = new int[capacity];
        l4Protocol = new int[capacity];
        tunnelDepth = new byte[capacity];
        tunnelType = new byte[capacity];
        tunnelId = new long[capacity];
        innerIpVersion = new byte[capacity];
        innerL3Offset = new int[capacity];
        innerL4Offset = new int[capacity];
        innerIpProtocol = new int[capacity];
        innerL4Protocol = new int[capacity];
        innerSrcAddressHigh = new long[capacity];
        innerSrcAddressLow = new long[capacity];
        innerDstAddressHigh = new long[capacity];
        innerDstAddressLow = new long[capacity];
        innerSrcPort = new int[capacity];
        innerDstPort = new int[capacity];
        innerTcpFlags = new int[capacity];
        payloadOffset = new int[capacity];
        payloadLength = new int[capacity];
        dnsOffset = new int[capacity];
        dnsQueryType = new int[capacity];
        tlsSniOffset = new int[capacity];
        tlsSniLength = new int[capacity];
        headerCount = new byte[capacity];
        headerType = new byte[capacity * MAX_HEADERS];
        headerOffset = new int[capacity * MAX_HEADERS];

        verdict = new byte[capacity];
        dropReason = new short[capacity];
        matchedRule = new short[capacity];
        modifierMatches = new long[capacity];
        anonymizeFields = new byte[capacity];
        payloadAction = new byte[capacity];
        frameLength = new int[capacity];

        anonSrcAddressHigh = new long[capacity];
        anonSrcAddressLow = new long[capacity];
        anonDstAddressHigh = new long[capacity];
        anonDstAddressLow = new long[capacity];
        anonInnerSrcAddressHigh = new long[capacity];
        anonInnerSrcAddressLow = new long[capacity];
        anonInnerDstAddressHigh = new long[capacity];
        anonInnerDstAddressLow = new long[capacity];
        anonymizedReady = new byte[capacity];

        delivery = new byte[maxDestinations][capacity];
        transformedFields = new byte[maxDestinations][capacity];
    }

    public int capacity()
    {
        return capacity;
    }

    public int count()
    {
        return count;
    }

    /** Called by a source after filling slots {@code [0, count)}. */
    public void count(final int count)
    {
        if (count < 0 || count > capacity)
        {
            throw new IllegalArgumentException("count out of range: " + count);
        }
        this.count = count;
    }

    /**
     * Resets the per-item stage state of slots {@code [0, count)} so that the stages start from
     * a clean slate; the source fields are left as the source wrote them.
     */
    public void resetStageState()
    {
        final int n = count;
        Arrays.fill(verdict, 0, n, Verdict.PENDING);
        Arrays.fill(dropReason, 0, n, (short)0);
        Arrays.fill(matchedRule, 0, n, (short)ABSENT);
        Arrays.fill(modifierMatches, 0, n, 0L);
        Arrays.fill(anonymizeFields, 0, n, (byte)0);
        Arrays.fill(payloadAction, 0, n, (byte)0);
        Arrays.fill(anonymizedReady, 0, n, (byte)0);
        for (int d = 0; d < delivery.length; d++)
        {
            Arrays.fill(delivery[d], 0, n, Delivery.NONE);
            Arrays.fill(transformedFields[d], 0, n, (byte)0);
        }
    }

    /** Marks item {@code index} as dropped for {@code reason}, keeping the first reason found. */
    public void drop(final int index, final DropReason reason)
    {
        if (verdict[index] == Verdict.PENDING || verdict[index] == Verdict.PASS)
        {
            verdict[index] = Verdict.DROPPED;
            dropReason[index] = (short)reason.ordinal();
            payloadAction[index] = 0;
        }
    }
}
