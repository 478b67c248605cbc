package dev.sluice.dataplane.counters;

/**
 * Why an item was dropped inside the gateway, each declared by the stage that detects it
 * (as VPP nodes declare their error reasons). Counted once per burst per reason.
 * <p>
 * Append only: the ordinal is stored per item in the burst, and the label names the
 * counter that operators and {@code sluice reconcile} read.
 */
public enum DropReason
{
    // decode stage
    UNSUPPORTED_LINK_TYPE("decode", "link type not decoded"),
    TRUNCATED_ETHERNET("decode", "shorter than an Ethernet header"),
    TRUNCATED_VLAN("decode", "802.1Q tag cut short"),
    TRUNCATED_IPV4("decode", "IPv4 header cut short"),
    IPV4_BAD_VERSION("decode", "IPv4 version field is not 4"),
    IPV4_BAD_HEADER_LENGTH("decode", "IPv4 IHL below 5 or beyond the packet"),
    IPV4_BAD_TOTAL_LENGTH("decode", "IPv4 total length smaller than its header"),
    TRUNCATED_IPV6("decode", "IPv6 header cut short"),
    IPV6_BAD_VERSION("decode", "IPv6 version field is not 6"),
    TRUNCATED_IPV6_EXTENSION("decode", "IPv6 extension header cut short"),
    TRUNCATED_TCP("decode", "TCP header cut short"),
    TCP_BAD_DATA_OFFSET("decode", "TCP data offset below 5 or beyond the packet"),
    TRUNCATED_UDP("decode", "UDP header cut short"),
    UDP_BAD_LENGTH("decode", "UDP length smaller than its header"),
    TRUNCATED_ICMP("decode", "ICMP header cut short"),
    CAPTURED_LENGTH_INVALID("decode", "captured length zero or larger than the wire length");

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
