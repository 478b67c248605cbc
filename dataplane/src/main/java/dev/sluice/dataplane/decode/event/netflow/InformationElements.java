package dev.sluice.dataplane.decode.event.netflow;

/**
 * The information elements Sluice gives a policy name: their IANA ids (RFC 7012; NetFlow v9's
 * field types 1-127 are the same numbers) and the role each plays in a flow record, fixed when
 * a template is learned so that reading a record needs no lookup by id.
 * <p>
 * An element with no role is reported as {@code flow.ie_<enterprise>_<id>} (NetFlow v9 has no
 * enterprise numbers: 0). Only elements of the IANA space (enterprise 0) get a role.
 * <p>
 * Constants only; any thread.
 */
final class InformationElements
{
    static final int OCTET_DELTA_COUNT = 1;
    static final int PACKET_DELTA_COUNT = 2;
    static final int PROTOCOL_IDENTIFIER = 4;
    static final int IP_CLASS_OF_SERVICE = 5;
    static final int TCP_CONTROL_BITS = 6;
    static final int SOURCE_TRANSPORT_PORT = 7;
    static final int SOURCE_IPV4_ADDRESS = 8;
    static final int SOURCE_IPV4_PREFIX_LENGTH = 9;
    static final int INGRESS_INTERFACE = 10;
    static final int DESTINATION_TRANSPORT_PORT = 11;
    static final int DESTINATION_IPV4_ADDRESS = 12;
    static final int DESTINATION_IPV4_PREFIX_LENGTH = 13;
    static final int EGRESS_INTERFACE = 14;
    static final int IP_NEXT_HOP_IPV4_ADDRESS = 15;
    static final int BGP_SOURCE_AS_NUMBER = 16;
    static final int BGP_DESTINATION_AS_NUMBER = 17;
    static final int FLOW_END_SYS_UP_TIME = 21;
    static final int FLOW_START_SYS_UP_TIME = 22;
    static final int SOURCE_IPV6_ADDRESS = 27;
    static final int DESTINATION_IPV6_ADDRESS = 28;
    static final int SOURCE_IPV6_PREFIX_LENGTH = 29;
    static final int DESTINATION_IPV6_PREFIX_LENGTH = 30;
    static final int SAMPLING_INTERVAL = 34;
    static final int SAMPLING_ALGORITHM = 35;
    static final int IP_VERSION = 60;
    static final int IP_NEXT_HOP_IPV6_ADDRESS = 62;
    static final int OCTET_TOTAL_COUNT = 85;
    static final int PACKET_TOTAL_COUNT = 86;
    static final int FLOW_START_SECONDS = 150;
    static final int FLOW_END_SECONDS = 151;
    static final int FLOW_START_MILLISECONDS = 152;
    static final int FLOW_END_MILLISECONDS = 153;
    static final int FLOW_START_MICROSECONDS = 154;
    static final int FLOW_END_MICROSECONDS = 155;
    static final int FLOW_START_NANOSECONDS = 156;
    static final int FLOW_END_NANOSECONDS = 157;
    static final int FLOW_START_DELTA_MICROSECONDS = 158;
    static final int FLOW_END_DELTA_MICROSECONDS = 159;
    static final int SYSTEM_INIT_TIME_MILLISECONDS = 160;
    static final int SELECTOR_ALGORITHM = 304;
    static final int SAMPLING_PACKET_INTERVAL = 305;

    // Address elements with no role: anonymized wherever they are reported.
    static final int BGP_NEXT_HOP_IPV4_ADDRESS = 18;
    static final int SOURCE_IPV4_PREFIX = 44;
    static final int DESTINATION_IPV4_PREFIX = 45;
    static final int BGP_NEXT_HOP_IPV6_ADDRESS = 63;
    static final int EXPORTER_IPV4_ADDRESS = 130;
    static final int EXPORTER_IPV6_ADDRESS = 131;
    static final int DESTINATION_IPV6_PREFIX = 169;
    static final int SOURCE_IPV6_PREFIX = 170;
    static final int POST_NAT_SOURCE_IPV4_ADDRESS = 225;
    static final int POST_NAT_DESTINATION_IPV4_ADDRESS = 226;
    static final int POST_NAT_SOURCE_IPV6_ADDRESS = 281;
    static final int POST_NAT_DESTINATION_IPV6_ADDRESS = 282;
    static final int ORIGINAL_EXPORTER_IPV4_ADDRESS = 403;
    static final int ORIGINAL_EXPORTER_IPV6_ADDRESS = 404;

    /** Roles: where a field's value goes when a record is selected. */
    static final byte NONE = 0;
    static final byte SRC_ADDRESS = 1;
    static final byte DST_ADDRESS = 2;
    static final byte NEXT_HOP = 3;
    static final byte SRC_PORT = 4;
    static final byte DST_PORT = 5;
    static final byte PROTOCOL = 6;
    static final byte BYTES = 7;
    static final byte PACKETS = 8;
    static final byte TOTAL_BYTES = 9;
    static final byte TOTAL_PACKETS = 10;
    static final byte TCP_FLAGS = 11;
    static final byte TOS = 12;
    static final byte INPUT_IF = 13;
    static final byte OUTPUT_IF = 14;
    static final byte SRC_AS = 15;
    static final byte DST_AS = 16;
    static final byte SRC_MASK = 17;
    static final byte DST_MASK = 18;
    static final byte IP_VERSION_ROLE = 19;
    static final byte START_UPTIME_MS = 20;
    static final byte END_UPTIME_MS = 21;
    static final byte START_SECONDS = 22;
    static final byte END_SECONDS = 23;
    static final byte START_MILLISECONDS = 24;
    static final byte END_MILLISECONDS = 25;
    static final byte START_NTP = 26;
    static final byte END_NTP = 27;
    static final byte START_DELTA_US = 28;
    static final byte END_DELTA_US = 29;
    static final byte SYSTEM_INIT_MS = 30;
    static final byte SAMPLING_INTERVAL_ROLE = 31;
    static final byte SAMPLING_ALGORITHM_ROLE = 32;
    static final int ROLE_COUNT = 33;

    private InformationElements()
    {
    }

    /**
     * Whether an element holds an IPv4 or IPv6 address (IANA abstract data type ipv4Address or
     * ipv6Address): such a value must not leave the site raw when addresses are anonymized, even
     * when it is reported as an {@code ie_} (a second source address, a post-NAT address, an
     * options record's exporter).
     *
     * @param enterprise the element's enterprise number.
     * @param id         the element id without the enterprise bit.
     * @return true for the IANA address elements.
     */
    static boolean isAddress(final long enterprise, final int id)
    {
        if (enterprise != 0)
        {
            return false;
        }
        return switch (id)
        {
            case SOURCE_IPV4_ADDRESS, DESTINATION_IPV4_ADDRESS, IP_NEXT_HOP_IPV4_ADDRESS, BGP_NEXT_HOP_IPV4_ADDRESS,
                SOURCE_IPV6_ADDRESS, DESTINATION_IPV6_ADDRESS, SOURCE_IPV4_PREFIX, DESTINATION_IPV4_PREFIX,
                IP_NEXT_HOP_IPV6_ADDRESS, BGP_NEXT_HOP_IPV6_ADDRESS, EXPORTER_IPV4_ADDRESS, EXPORTER_IPV6_ADDRESS,
                DESTINATION_IPV6_PREFIX, SOURCE_IPV6_PREFIX, POST_NAT_SOURCE_IPV4_ADDRESS,
                POST_NAT_DESTINATION_IPV4_ADDRESS, POST_NAT_SOURCE_IPV6_ADDRESS, POST_NAT_DESTINATION_IPV6_ADDRESS,
                ORIGINAL_EXPORTER_IPV4_ADDRESS, ORIGINAL_EXPORTER_IPV6_ADDRESS -> true;
            default -> false;
        };
    }

    /**
     * @param enterprise the element's enterprise number, 0 for IANA's (and every NetFlow v9 field).
     * @param id         the element id without the enterprise bit.
     * @return the role the element plays, or {@link #NONE}.
     */
    static byte role(final long enterprise, final int id)
    {
        if (enterprise != 0)
        {
            return NONE;
        }
        return switch (id)
        {
            case SOURCE_IPV4_ADDRESS, SOURCE_IPV6_ADDRESS -> SRC_ADDRESS;
            case DESTINATION_IPV4_ADDRESS, DESTINATION_IPV6_ADDRESS -> DST_ADDRESS;
            case IP_NEXT_HOP_IPV4_ADDRESS, IP_NEXT_HOP_IPV6_ADDRESS -> NEXT_HOP;
            case SOURCE_TRANSPORT_PORT -> SRC_PORT;
            case DESTINATION_TRANSPORT_PORT -> DST_PORT;
            case PROTOCOL_IDENTIFIER -> PROTOCOL;
            case OCTET_DELTA_COUNT -> BYTES;
            case PACKET_DELTA_COUNT -> PACKETS;
            case OCTET_TOTAL_COUNT -> TOTAL_BYTES;
            case PACKET_TOTAL_COUNT -> TOTAL_PACKETS;
            case TCP_CONTROL_BITS -> TCP_FLAGS;
            case IP_CLASS_OF_SERVICE -> TOS;
            case INGRESS_INTERFACE -> INPUT_IF;
            case EGRESS_INTERFACE -> OUTPUT_IF;
            case BGP_SOURCE_AS_NUMBER -> SRC_AS;
            case BGP_DESTINATION_AS_NUMBER -> DST_AS;
            case SOURCE_IPV4_PREFIX_LENGTH, SOURCE_IPV6_PREFIX_LENGTH -> SRC_MASK;
            case DESTINATION_IPV4_PREFIX_LENGTH, DESTINATION_IPV6_PREFIX_LENGTH -> DST_MASK;
            case IP_VERSION -> IP_VERSION_ROLE;
            case FLOW_START_SYS_UP_TIME -> START_UPTIME_MS;
            case FLOW_END_SYS_UP_TIME -> END_UPTIME_MS;
            case FLOW_START_SECONDS -> START_SECONDS;
            case FLOW_END_SECONDS -> END_SECONDS;
            case FLOW_START_MILLISECONDS -> START_MILLISECONDS;
            case FLOW_END_MILLISECONDS -> END_MILLISECONDS;
            case FLOW_START_MICROSECONDS, FLOW_START_NANOSECONDS -> START_NTP;
            case FLOW_END_MICROSECONDS, FLOW_END_NANOSECONDS -> END_NTP;
            case FLOW_START_DELTA_MICROSECONDS -> START_DELTA_US;
            case FLOW_END_DELTA_MICROSECONDS -> END_DELTA_US;
            case SYSTEM_INIT_TIME_MILLISECONDS -> SYSTEM_INIT_MS;
            case SAMPLING_INTERVAL, SAMPLING_PACKET_INTERVAL -> SAMPLING_INTERVAL_ROLE;
            case SAMPLING_ALGORITHM, SELECTOR_ALGORITHM -> SAMPLING_ALGORITHM_ROLE;
            default -> NONE;
        };
    }
}
