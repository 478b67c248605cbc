package dev.sluice.policy.field;

import java.util.List;

/**
 * The fixed fields of events (issue 6): syslog, CEF, LEEF, flow records (NetFlow v5/v9 and
 * IPFIX), vehicle telemetry and CAN frames, plus {@code item.kind}, which every item has. Their
 * ids follow the packet fields ({@link PacketFields#FIELD_COUNT} onwards), all base fields,
 * dense. Fields that cannot be listed in advance (structured data, JSON paths, any CEF or
 * LEEF extension key, DBC signals) are {@linkplain DynamicPrefix dynamic} and come after these,
 * per policy.
 * <p>
 * Which parser serves which fields (dataplane {@code decode.event}):
 * <ul>
 * <li>{@code item.kind}: every {@link FieldReader}; the packet reader says {@code packet};</li>
 * <li>{@code syslog.*}: the syslog parser, for RFC 5424 and RFC 3164 lines, and for the syslog
 *     header in front of a CEF or LEEF message;</li>
 * <li>{@code cef.*}: the CEF parser (header fields and the well-known extension keys below;
 *     other keys are dynamic {@code cef.<key>});</li>
 * <li>{@code leef.*}: the LEEF 1.0/2.0 parser (likewise; other attributes are dynamic);</li>
 * <li>{@code flow.*}: the NetFlow/IPFIX parser, one item per flow record;</li>
 * <li>{@code vehicle.*}: the JSON parser's telemetry view (position, speed, heading, VIN,
 *     driver of a telemetry message);</li>
 * <li>{@code can.interface}, {@code can.id}, {@code can.dlc}: the candump parser (signals are
 *     dynamic {@code can.<message>.<signal>}).</li>
 * </ul>
 * Numbers the language cannot hold as unsigned integers are text: {@code vehicle.lat} and
 * {@code vehicle.lon} are signed decimals, served as the message wrote them, so rules test
 * their presence or their exact text, and residency and anonymization see them through the
 * {@code loc.precise} class. Speeds and headings with fractions are truncated toward zero.
 * <p>
 * Immutable; any thread.
 */
public final class EventFields
{
    /** The first event field id: right after the packet fields. */
    public static final int FIRST_ID = PacketFields.FIELD_COUNT;

    public static final int ITEM_KIND = FIRST_ID + 0;
    public static final int SYSLOG_PRI = FIRST_ID + 1;
    public static final int SYSLOG_FACILITY = FIRST_ID + 2;
    public static final int SYSLOG_SEVERITY = FIRST_ID + 3;
    public static final int SYSLOG_VERSION = FIRST_ID + 4;
    public static final int SYSLOG_TIMESTAMP = FIRST_ID + 5;
    public static final int SYSLOG_HOSTNAME = FIRST_ID + 6;
    public static final int SYSLOG_APPNAME = FIRST_ID + 7;
    public static final int SYSLOG_PROCID = FIRST_ID + 8;
    public static final int SYSLOG_MSGID = FIRST_ID + 9;
    public static final int SYSLOG_MSG = FIRST_ID + 10;
    public static final int SYSLOG_FORMAT = FIRST_ID + 11;
    public static final int CEF_VERSION = FIRST_ID + 12;
    public static final int CEF_DEVICE_VENDOR = FIRST_ID + 13;
    public static final int CEF_DEVICE_PRODUCT = FIRST_ID + 14;
    public static final int CEF_DEVICE_VERSION = FIRST_ID + 15;
    public static final int CEF_SIGNATURE_ID = FIRST_ID + 16;
    public static final int CEF_NAME = FIRST_ID + 17;
    public static final int CEF_SEVERITY = FIRST_ID + 18;
    public static final int CEF_SRC = FIRST_ID + 19;
    public static final int CEF_DST = FIRST_ID + 20;
    public static final int CEF_DVC = FIRST_ID + 21;
    public static final int CEF_SHOST = FIRST_ID + 22;
    public static final int CEF_DHOST = FIRST_ID + 23;
    public static final int CEF_SPT = FIRST_ID + 24;
    public static final int CEF_DPT = FIRST_ID + 25;
    public static final int CEF_SUSER = FIRST_ID + 26;
    public static final int CEF_DUSER = FIRST_ID + 27;
    public static final int CEF_ACT = FIRST_ID + 28;
    public static final int CEF_PROTO = FIRST_ID + 29;
    public static final int CEF_REQUEST = FIRST_ID + 30;
    public static final int CEF_MSG = FIRST_ID + 31;
    public static final int LEEF_VERSION = FIRST_ID + 32;
    public static final int LEEF_VENDOR = FIRST_ID + 33;
    public static final int LEEF_PRODUCT = FIRST_ID + 34;
    public static final int LEEF_PRODUCT_VERSION = FIRST_ID + 35;
    public static final int LEEF_EVENT_ID = FIRST_ID + 36;
    public static final int LEEF_SRC = FIRST_ID + 37;
    public static final int LEEF_DST = FIRST_ID + 38;
    public static final int LEEF_SRC_PORT = FIRST_ID + 39;
    public static final int LEEF_DST_PORT = FIRST_ID + 40;
    public static final int LEEF_USR_NAME = FIRST_ID + 41;
    public static final int LEEF_SEV = FIRST_ID + 42;
    public static final int LEEF_CAT = FIRST_ID + 43;
    public static final int FLOW_SRC = FIRST_ID + 44;
    public static final int FLOW_DST = FIRST_ID + 45;
    public static final int FLOW_NEXT_HOP = FIRST_ID + 46;
    public static final int FLOW_SRCPORT = FIRST_ID + 47;
    public static final int FLOW_DSTPORT = FIRST_ID + 48;
    public static final int FLOW_PROTO = FIRST_ID + 49;
    public static final int FLOW_BYTES = FIRST_ID + 50;
    public static final int FLOW_PACKETS = FIRST_ID + 51;
    public static final int FLOW_TCP_FLAGS = FIRST_ID + 52;
    public static final int FLOW_TOS = FIRST_ID + 53;
    public static final int FLOW_INPUT_IF = FIRST_ID + 54;
    public static final int FLOW_OUTPUT_IF = FIRST_ID + 55;
    public static final int FLOW_SRC_AS = FIRST_ID + 56;
    public static final int FLOW_DST_AS = FIRST_ID + 57;
    public static final int FLOW_SRC_MASK = FIRST_ID + 58;
    public static final int FLOW_DST_MASK = FIRST_ID + 59;
    public static final int FLOW_IP_VERSION = FIRST_ID + 60;
    public static final int FLOW_START_NS = FIRST_ID + 61;
    public static final int FLOW_END_NS = FIRST_ID + 62;
    public static final int FLOW_EXPORTER = FIRST_ID + 63;
    public static final int VEHICLE_VIN = FIRST_ID + 64;
    public static final int VEHICLE_DRIVER_ID = FIRST_ID + 65;
    public static final int VEHICLE_LAT = FIRST_ID + 66;
    public static final int VEHICLE_LON = FIRST_ID + 67;
    public static final int VEHICLE_SPEED = FIRST_ID + 68;
    public static final int VEHICLE_HEADING = FIRST_ID + 69;
    public static final int VEHICLE_TIME = FIRST_ID + 70;
    public static final int CAN_INTERFACE = FIRST_ID + 71;
    public static final int CAN_ID = FIRST_ID + 72;
    public static final int CAN_DLC = FIRST_ID + 73;
    /** Every event field has an id below this. */
    public static final int END_ID = FIRST_ID + 74;

    /** Values of {@code item.kind}: the prefix of the item's own fields. */
    public static final List<String> ITEM_KINDS = List.of("packet", "flow", "syslog", "cef", "leef", "json", "can");
    /** Values of {@code syslog.format}. */
    public static final List<String> SYSLOG_FORMATS = List.of("rfc5424", "rfc3164");
    /** Values of {@code leef.version}. */
    public static final List<String> LEEF_VERSIONS = List.of("1.0", "2.0");

    /** Data class of user names and identifiers of people. */
    public static final String PII_USER = "pii.user";
    /** Data class of vehicle identifiers (VIN). */
    public static final String PII_VEHICLE = "pii.vehicle";
    /** Data class of precise positions. */
    public static final String LOC_PRECISE = "loc.precise";

    private static final String PII_IP = PacketFields.PII_IP;
    private static final long UINT8 = 0xFFL;
    private static final long UINT16 = 0xFFFFL;
    private static final long UINT32 = 0xFFFF_FFFFL;
    /** RFC 5424 TIMESTAMP is at most 32 characters; RFC 3164 ones are shorter. */
    private static final int TIMESTAMP_LENGTH = 64;
    /** RFC 5424 HOSTNAME: 1*255PRINTUSASCII. */
    private static final int HOSTNAME_LENGTH = 255;
    /** Header fields of CEF and LEEF have no length limit in their specifications; this one is generous. */
    private static final int HEADER_LENGTH = 1023;
    private static final int USER_LENGTH = 1023;
    /** Longer text literals are rejected as typing mistakes; generous for one log message. */
    private static final int MESSAGE_LENGTH = 65_535;

    private EventFields()
    {
    }

    private static int longest(final List<String> values)
    {
        int longest = 0;
        for (final String value : values)
        {
            longest = Math.max(longest, value.length());
        }
        return longest;
    }

    /**
     * @return every event field, in id order.
     */
    static List<Field> all()
    {
        return List.of(
            Field.text(ITEM_KIND, "item.kind", longest(ITEM_KINDS), TextForm.KEYWORD, ITEM_KINDS,
                "what the item is: packet, flow (a NetFlow/IPFIX record), syslog, cef, leef, json or can; every reader serves it", null),
            Field.base(SYSLOG_PRI, "syslog.pri", FieldType.INTEGER, 0, 191,
                "syslog PRI, facility * 8 + severity (absent when an RFC 3164 line has none)", null),
            Field.base(SYSLOG_FACILITY, "syslog.facility", FieldType.INTEGER, 0, 23,
                "syslog facility, 0 kern .. 23 local7", null),
            Field.base(SYSLOG_SEVERITY, "syslog.severity", FieldType.INTEGER, 0, 7,
                "syslog severity: 0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug (smaller is more severe)", null),
            Field.base(SYSLOG_VERSION, "syslog.version", FieldType.INTEGER, 1, 999,
                "RFC 5424 VERSION (absent for RFC 3164)", null),
            Field.text(SYSLOG_TIMESTAMP, "syslog.timestamp", TIMESTAMP_LENGTH, TextForm.FREE, List.of(),
                "syslog TIMESTAMP as written (absent when NILVALUE)", null),
            Field.text(SYSLOG_HOSTNAME, "syslog.hostname", HOSTNAME_LENGTH, TextForm.HOSTNAME, List.of(),
                "syslog HOSTNAME (absent when NILVALUE); compared ignoring ASCII case", null),
            Field.text(SYSLOG_APPNAME, "syslog.appname", 48, TextForm.FREE, List.of(),
                "RFC 5424 APP-NAME, or the RFC 3164 TAG without its [pid]", null),
            Field.text(SYSLOG_PROCID, "syslog.procid", 128, TextForm.FREE, List.of(),
                "RFC 5424 PROCID, or the pid of an RFC 3164 TAG[pid]", null),
            Field.text(SYSLOG_MSGID, "syslog.msgid", 32, TextForm.FREE, List.of(),
                "RFC 5424 MSGID", null),
            Field.text(SYSLOG_MSG, "syslog.msg", MESSAGE_LENGTH, TextForm.FREE, List.of(),
                "the free-form message (a UTF-8 BOM removed)", null),
            Field.text(SYSLOG_FORMAT, "syslog.format", longest(SYSLOG_FORMATS), TextForm.KEYWORD, SYSLOG_FORMATS,
                "which syslog format the line was: rfc5424 or rfc3164", null),
            Field.base(CEF_VERSION, "cef.version", FieldType.INTEGER, 0, 255,
                "CEF header version (CEF:0 is 0)", null),
            Field.text(CEF_DEVICE_VENDOR, "cef.device_vendor", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF header Device Vendor", null),
            Field.text(CEF_DEVICE_PRODUCT, "cef.device_product", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF header Device Product", null),
            Field.text(CEF_DEVICE_VERSION, "cef.device_version", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF header Device Version", null),
            Field.text(CEF_SIGNATURE_ID, "cef.signature_id", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF header Device Event Class ID", null),
            Field.text(CEF_NAME, "cef.name", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF header Name", null),
            Field.base(CEF_SEVERITY, "cef.severity", FieldType.INTEGER, 0, 10,
                "CEF header Severity 0..10; a word reads as the bottom of its band: Low 0, Medium 4, High 7, Very-High 9 (Unknown: absent)", null),
            Field.base(CEF_SRC, "cef.src", FieldType.ADDRESS, 0, 0,
                "CEF extension src, source address", PII_IP),
            Field.base(CEF_DST, "cef.dst", FieldType.ADDRESS, 0, 0,
                "CEF extension dst, destination address", PII_IP),
            Field.base(CEF_DVC, "cef.dvc", FieldType.ADDRESS, 0, 0,
                "CEF extension dvc, address of the device that reported the event", null),
            Field.text(CEF_SHOST, "cef.shost", HOSTNAME_LENGTH, TextForm.HOSTNAME, List.of(),
                "CEF extension shost, source host name", null),
            Field.text(CEF_DHOST, "cef.dhost", HOSTNAME_LENGTH, TextForm.HOSTNAME, List.of(),
                "CEF extension dhost, destination host name", null),
            Field.base(CEF_SPT, "cef.spt", FieldType.INTEGER, 0, UINT16,
                "CEF extension spt, source port", null),
            Field.base(CEF_DPT, "cef.dpt", FieldType.INTEGER, 0, UINT16,
                "CEF extension dpt, destination port", null),
            Field.text(CEF_SUSER, "cef.suser", USER_LENGTH, TextForm.FREE, List.of(),
                "CEF extension suser, source user name", PII_USER),
            Field.text(CEF_DUSER, "cef.duser", USER_LENGTH, TextForm.FREE, List.of(),
                "CEF extension duser, destination user name", PII_USER),
            Field.text(CEF_ACT, "cef.act", HEADER_LENGTH, TextForm.FREE, List.of(),
                "CEF extension act, the action taken", null),
            Field.text(CEF_PROTO, "cef.proto", 16, TextForm.FREE, List.of(),
                "CEF extension proto, transport protocol as text (TCP, UDP)", null),
            Field.text(CEF_REQUEST, "cef.request", MESSAGE_LENGTH, TextForm.FREE, List.of(),
                "CEF extension request, the URL requested", null),
            Field.text(CEF_MSG, "cef.msg", MESSAGE_LENGTH, TextForm.FREE, List.of(),
                "CEF extension msg, free text", null),
            Field.text(LEEF_VERSION, "leef.version", longest(LEEF_VERSIONS), TextForm.KEYWORD, LEEF_VERSIONS,
                "LEEF header version: 1.0 or 2.0", null),
            Field.text(LEEF_VENDOR, "leef.vendor", HEADER_LENGTH, TextForm.FREE, List.of(),
                "LEEF header Vendor", null),
            Field.text(LEEF_PRODUCT, "leef.product", HEADER_LENGTH, TextForm.FREE, List.of(),
                "LEEF header Product", null),
            Field.text(LEEF_PRODUCT_VERSION, "leef.product_version", HEADER_LENGTH, TextForm.FREE, List.of(),
                "LEEF header Product Version", null),
            Field.text(LEEF_EVENT_ID, "leef.event_id", HEADER_LENGTH, TextForm.FREE, List.of(),
                "LEEF header EventID", null),
            Field.base(LEEF_SRC, "leef.src", FieldType.ADDRESS, 0, 0,
                "LEEF attribute src, source address", PII_IP),
            Field.base(LEEF_DST, "leef.dst", FieldType.ADDRESS, 0, 0,
                "LEEF attribute dst, destination address", PII_IP),
            Field.base(LEEF_SRC_PORT, "leef.srcPort", FieldType.INTEGER, 0, UINT16,
                "LEEF attribute srcPort", null),
            Field.base(LEEF_DST_PORT, "leef.dstPort", FieldType.INTEGER, 0, UINT16,
                "LEEF attribute dstPort", null),
            Field.text(LEEF_USR_NAME, "leef.usrName", USER_LENGTH, TextForm.FREE, List.of(),
                "LEEF attribute usrName", PII_USER),
            Field.base(LEEF_SEV, "leef.sev", FieldType.INTEGER, 0, 10,
                "LEEF attribute sev, 1 (lowest) .. 10", null),
            Field.text(LEEF_CAT, "leef.cat", HEADER_LENGTH, TextForm.FREE, List.of(),
                "LEEF attribute cat, the event category", null),
            Field.base(FLOW_SRC, "flow.src", FieldType.ADDRESS, 0, 0,
                "flow record source address (IPv4 or IPv6)", PII_IP),
            Field.base(FLOW_DST, "flow.dst", FieldType.ADDRESS, 0, 0,
                "flow record destination address", PII_IP),
            Field.base(FLOW_NEXT_HOP, "flow.next_hop", FieldType.ADDRESS, 0, 0,
                "flow record next-hop router address", null),
            Field.base(FLOW_SRCPORT, "flow.srcport", FieldType.INTEGER, 0, UINT16,
                "flow record source port (0 for protocols without ports)", null),
            Field.base(FLOW_DSTPORT, "flow.dstport", FieldType.INTEGER, 0, UINT16,
                "flow record destination port (ICMP: type * 256 + code, as exporters write it)", null),
            Field.base(FLOW_PROTO, "flow.proto", FieldType.INTEGER, 0, UINT8,
                "flow record IP protocol", null),
            Field.base(FLOW_BYTES, "flow.bytes", FieldType.INTEGER, 0, Long.MAX_VALUE,
                "bytes the flow carried (octetDeltaCount); a count above 2^63-1 reads as 2^63-1", null),
            Field.base(FLOW_PACKETS, "flow.packets", FieldType.INTEGER, 0, Long.MAX_VALUE,
                "packets the flow carried (packetDeltaCount)", null),
            Field.base(FLOW_TCP_FLAGS, "flow.tcp_flags", FieldType.INTEGER, 0, UINT8,
                "TCP flags ORed over the flow's packets", null),
            Field.base(FLOW_TOS, "flow.tos", FieldType.INTEGER, 0, UINT8,
                "IPv4 type of service / IPv6 traffic class", null),
            Field.base(FLOW_INPUT_IF, "flow.input_if", FieldType.INTEGER, 0, UINT32,
                "SNMP index of the input interface", null),
            Field.base(FLOW_OUTPUT_IF, "flow.output_if", FieldType.INTEGER, 0, UINT32,
                "SNMP index of the output interface", null),
            Field.base(FLOW_SRC_AS, "flow.src_as", FieldType.INTEGER, 0, UINT32,
                "source autonomous system number", null),
            Field.base(FLOW_DST_AS, "flow.dst_as", FieldType.INTEGER, 0, UINT32,
                "destination autonomous system number", null),
            Field.base(FLOW_SRC_MASK, "flow.src_mask", FieldType.INTEGER, 0, 128,
                "source prefix length", null),
            Field.base(FLOW_DST_MASK, "flow.dst_mask", FieldType.INTEGER, 0, 128,
                "destination prefix length", null),
            Field.base(FLOW_IP_VERSION, "flow.ip_version", FieldType.INTEGER, 0, 15,
                "IP version of the flow, 4 or 6", null),
            Field.base(FLOW_START_NS, "flow.start_ns", FieldType.INTEGER, 0, Long.MAX_VALUE,
                "first packet of the flow, nanoseconds since the Unix epoch", null),
            Field.base(FLOW_END_NS, "flow.end_ns", FieldType.INTEGER, 0, Long.MAX_VALUE,
                "last packet of the flow, nanoseconds since the Unix epoch", null),
            Field.base(FLOW_EXPORTER, "flow.exporter", FieldType.ADDRESS, 0, 0,
                "address of the exporter that sent the record (the datagram's source)", null),
            Field.text(VEHICLE_VIN, "vehicle.vin", 17, TextForm.FREE, List.of(),
                "vehicle identification number", PII_VEHICLE),
            Field.text(VEHICLE_DRIVER_ID, "vehicle.driver_id", USER_LENGTH, TextForm.FREE, List.of(),
                "driver identifier", PII_USER),
            Field.text(VEHICLE_LAT, "vehicle.lat", 32, TextForm.FREE, List.of(),
                "latitude in decimal degrees, as the message wrote it (text: the language has no fractions)", LOC_PRECISE),
            Field.text(VEHICLE_LON, "vehicle.lon", 32, TextForm.FREE, List.of(),
                "longitude in decimal degrees, as the message wrote it (text: the language has no fractions)", LOC_PRECISE),
            Field.base(VEHICLE_SPEED, "vehicle.speed", FieldType.INTEGER, 0, UINT16,
                "speed over ground in km/h, truncated toward zero", null),
            Field.base(VEHICLE_HEADING, "vehicle.heading", FieldType.INTEGER, 0, 359,
                "course over ground in degrees from true north, truncated toward zero", null),
            Field.text(VEHICLE_TIME, "vehicle.time", TIMESTAMP_LENGTH, TextForm.FREE, List.of(),
                "time of the position fix, as the message wrote it (ISO 8601)", null),
            Field.text(CAN_INTERFACE, "can.interface", 16, TextForm.FREE, List.of(),
                "CAN interface the frame was logged on (can0)", null),
            Field.base(CAN_ID, "can.id", FieldType.INTEGER, 0, 0x1FFF_FFFFL,
                "CAN arbitration id, 11 or 29 bits", null),
            Field.base(CAN_DLC, "can.dlc", FieldType.INTEGER, 0, 64,
                "number of data bytes, 0..8 (CAN FD: up to 64)", null));
    }
}
