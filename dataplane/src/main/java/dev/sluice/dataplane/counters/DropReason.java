package dev.sluice.dataplane.counters;

/**
 * Why an item was dropped inside the gateway, each declared by the stage that detects it
 * (as VPP nodes declare their error reasons). Counted once per burst per reason.
 * <p>
 * Append only: the ordinal is stored per item in the burst, and the label names the
 * counter that operators and {@code sluice reconcile} read.
 * <p>
 * The decode reasons split into two families, matching how tshark tells a damaged packet
 * from a capture that kept too few bytes: {@link #SNAPLEN_TRUNCATED} when a header Sluice
 * reads lies past the captured bytes but inside the packet's wire length (tshark: "packet size
 * limited during capture"), and a per-layer reason when the packet itself is too short or
 * inconsistent (tshark: malformed packet or an expert error). See
 * {@code dev.sluice.dataplane.decode.PacketDecoder} for the full table.
 * <p>
 * Immutable; any thread.
 */
public enum DropReason
{
    // decode stage
    UNSUPPORTED_LINK_TYPE("decode", "link type not decoded"),
    CAPTURED_LENGTH_INVALID("decode", "captured length zero, larger than the wire length, or outside its buffer"),
    SNAPLEN_TRUNCATED("decode", "a header field lies past the captured bytes (capture snapshot length too short)"),
    TRUNCATED_ETHERNET("decode", "frame shorter than an Ethernet header"),
    TRUNCATED_VLAN("decode", "frame ends inside an 802.1Q/802.1ad tag"),
    TRUNCATED_LINUX_SLL("decode", "frame shorter than a Linux cooked-capture header"),
    IP_BAD_VERSION("decode", "raw IP packet whose version is neither 4 nor 6"),
    TRUNCATED_IPV4("decode", "packet ends inside the IPv4 header"),
    IPV4_BAD_VERSION("decode", "IPv4 version field is not 4"),
    IPV4_BAD_HEADER_LENGTH("decode", "IPv4 IHL below 5"),
    IPV4_BAD_TOTAL_LENGTH("decode", "IPv4 total length smaller than its header or larger than the packet"),
    TRUNCATED_IPV6("decode", "packet ends inside the IPv6 header"),
    IPV6_BAD_VERSION("decode", "IPv6 version field is not 6"),
    TRUNCATED_IPV6_EXTENSION("decode", "IPv6 extension header runs past the IPv6 payload"),
    IPV6_MISPLACED_HOP_BY_HOP("decode", "IPv6 hop-by-hop header not directly after the IPv6 header"),
    IPV6_BAD_OPTION_LENGTH("decode", "IPv6 hop-by-hop or destination option runs past its header"),
    TRUNCATED_TCP("decode", "TCP header runs past the IP payload"),
    TCP_BAD_DATA_OFFSET("decode", "TCP data offset below 5 or options running past the IP payload"),
    TRUNCATED_UDP("decode", "UDP header runs past the IP payload"),
    UDP_BAD_LENGTH("decode", "UDP length below 8 or larger than the IP payload"),
    UDP_ZERO_CHECKSUM_IPV6("decode", "UDP over IPv6 without a checksum, which RFC 8200 says to discard"),
    TRUNCATED_ICMP("decode", "ICMP or ICMPv6 header runs past the IP payload"),
    TRUNCATED_MPLS("decode", "frame ends inside the MPLS label stack"),
    MPLS_STACK_TOO_DEEP("decode", "more MPLS labels than the decoder walks (16)"),
    VLAN_STACK_TOO_DEEP("decode", "more 802.1Q/802.1ad tags than the decoder walks (8)"),
    TRUNCATED_PPPOE("decode", "frame ends inside the PPPoE session header or its PPP protocol field"),
    IPV4_BAD_OPTION_LENGTH("decode", "IPv4 option shorter than 2 bytes or running past the IPv4 header"),
    TCP_BAD_OPTION_LENGTH("decode", "TCP option shorter than 2 bytes or running past the TCP header"),
    TRUNCATED_AH("decode", "IP authentication header runs past the IP payload"),
    TRUNCATED_ESP("decode", "ESP header runs past the IP payload"),
    TRUNCATED_SCTP("decode", "SCTP common header runs past the IP payload"),
    TRUNCATED_GRE("decode", "GRE header, its optional fields, or the PPP header of PPTP run past the IP payload"),
    TRUNCATED_ERSPAN("decode", "ERSPAN header runs past the GRE payload"),
    TRUNCATED_VXLAN("decode", "VXLAN header runs past the UDP payload"),
    TRUNCATED_GENEVE("decode", "GENEVE header or its options run past the UDP payload"),
    GENEVE_BAD_OPTION_LENGTH("decode", "GENEVE option runs past the options the header announces"),
    TRUNCATED_GTP("decode", "GTP-U header, optional fields or extension headers run past the GTP-U message"),
    GTP_BAD_LENGTH("decode", "GTP-U length larger than the UDP payload"),
    GTP_BAD_EXTENSION_HEADER("decode", "GTP-U extension header of length 0"),
    TUNNEL_TOO_DEEP("decode", "more nested tunnels than the decoder enters (4)"),
    TOO_MANY_HEADERS("decode", "more IP, transport and tunnel headers than the decoder records (32)"),
    DNS_MALFORMED("decode", "DNS header or first question runs past the message, or the question name is invalid"),

    // payload actions (truncate payload N, strip payload); see dev.sluice.dataplane.slice.PayloadSlicer
    UNSLICEABLE_NOT_IP("slice", "a payload action matched a packet without an IP header, which has no payload to cut"),
    UNSLICEABLE_FRAGMENT("slice", "a payload action matched an IP fragment, whose transport checksum cannot be recomputed"),
    UNSLICEABLE_IPV6_ADDRESS_OPTION("slice", "a payload action matched IPv6 with routing segments left or a home " +
        "address option, whose transport checksum uses an address the IPv6 header does not hold"),
    UNSLICEABLE_TRUNCATED_CAPTURE("slice", "a payload action matched a packet whose headers were not all captured"),

    // classify: a rule whose action does not apply to packets
    COUNT_RULE_ON_PACKET("classify", "a 'count' rule matched a packet: count records are made of events, so the packet is " +
        "dropped rather than forwarded uncounted; 'sluice policy check' warns of such rules"),

    // sources: packets a source took off the wire but could not hand to the stages
    MULTI_SEGMENT("source", "frame longer than one receive buffer (DPDK mbuf data room), freed by the source: " +
        "raise source.dpdk.mbuf-data-room above the largest frame");

    private final String stage;
    private final String description;

    DropReason(final String stage, final String description)
    {
        this.stage = stage;
        this.description = description;
    }

    /** The stage that declares this reason. */
    public String stage()
    {
        return stage;
    }

    public String description()
    {
        return description;
    }

    /** Counter label, e.g. {@code truncated_ipv4}. */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
