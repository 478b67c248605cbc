package dev.sluice.dataplane.decode;

/**
 * IANA protocol numbers that the decoder acts on: IPv4's protocol field and IPv6's next
 * header share one registry.
 * <p>
 * Constants only; any thread.
 */
public final class IpProtocol
{
    public static final int IPV6_HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    /** IPv4 encapsulated in IP (RFC 2003). */
    public static final int IPV4 = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 encapsulated in IP (RFC 4213, RFC 2473). */
    public static final int IPV6 = 41;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int IPV6_NO_NEXT_HEADER = 59;
    public static final int IPV6_DESTINATION_OPTIONS = 60;
    public static final int SCTP = 132;

    private IpProtocol()
    {
    }
}
