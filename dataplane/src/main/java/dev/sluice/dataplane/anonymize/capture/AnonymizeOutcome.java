package dev.sluice.dataplane.anonymize.capture;

import java.util.Locale;

/**
 * What the capture anonymizer did with one packet. {@link #ANONYMIZED} and {@link #NOT_IP} leave
 * in the output; every other outcome is <em>unanonymizable</em>: the packet may hold an address
 * that could not be rewritten, so it is dropped unless the operator asked to keep such packets
 * (then it leaves byte for byte as it came, and is still counted here).
 * <p>
 * Append only: ordinals index the counters. Immutable; any thread.
 */
public enum AnonymizeOutcome
{
    /** Every address of every IP layer (and of ARP, ICMP quotes, IPv6 routing headers...) was rewritten. */
    ANONYMIZED(false, "every address rewritten"),
    /** Decoded, and carries no IP layer nor ARP (LLDP, STP, PPPoE discovery ...): nothing to rewrite. */
    NOT_IP(false, "no IP layer: nothing to rewrite"),
    /** The decoder refused the packet; its reason is counted separately. */
    UNDECODABLE(true, "the decoder could not decode the packet"),
    /** An MPLS label stack whose payload is not IP (a pseudowire), which may carry addresses. */
    MPLS_PAYLOAD_NOT_IP(true, "MPLS payload is not IP (a pseudowire?)"),
    /** A PPPoE session frame whose PPP protocol is not IP (IPCP negotiates addresses). */
    PPP_PAYLOAD_NOT_IP(true, "PPPoE session payload is not IP"),
    /** A tunnel whose payload is not IP (an inner ARP, an empty G-PDU ...). */
    TUNNEL_PAYLOAD_NOT_IP(true, "a tunnel's payload is not IP"),
    /** An IPv6 routing header of a type whose addresses are not known (RPL's compressed ones ...). */
    IPV6_ROUTING_UNSUPPORTED(true, "IPv6 routing header of an unsupported type"),
    /** An IPv4 source route option: the transport checksum would use its final hop. */
    IPV4_SOURCE_ROUTE(true, "IPv4 loose or strict source route option"),
    /** UDP to or from the port of a tunnel the decoder does not read (AYIYA, GTP', L2TP, LISP ...), whose payload is IP. */
    UNDECODED_TUNNEL(true, "UDP port of a tunnel the decoder does not read");

    private final boolean unanonymizable;
    private final String description;

    AnonymizeOutcome(final boolean unanonymizable, final String description)
    {
        this.unanonymizable = unanonymizable;
        this.description = description;
    }

    /** True when the packet may still hold an address in clear: dropped by default. */
    public boolean unanonymizable()
    {
        return unanonymizable;
    }

    public String description()
    {
        return description;
    }

    /** Counter label, e.g. {@code tunnel_payload_not_ip}. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
