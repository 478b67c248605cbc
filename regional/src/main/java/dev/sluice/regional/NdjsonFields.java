package dev.sluice.regional;

/**
 * Field names of the newline-delimited JSON a regional core writes to
 * {@code <outputDir>/<region>.ndjson}: one object per record, one record per line, UTF-8 (every
 * value is ASCII). Each line starts with its batch's header fields, then {@link #TYPE}, then the
 * record's own fields. Every field is always present; absent values are JSON {@code null}.
 *
 * <pre>
 * {"gateway":"gw-1","site":"paris-1","origin_region":"eu-west","destination":"eu-west","sequence":7,
 *  "policy_version":3,"encoded_ts_ns":1700000000000000000,"type":"packet","ts_ns":1700000000000000000,
 *  "wire_len":74,"cap_len":74,"vlan":null,"eth_type":2048,"ip_version":4,"ip_proto":6,
 *  "src":"192.0.2.1","dst":"2001:db8::1","src_port":443,"dst_port":51000,"tcp_flags":18,
 *  "icmp_type":0,"icmp_code":0,"anonymized":["src"]}
 * {"gateway":"gw-1",...,"type":"event","ts_ns":1700000000000000000,"event_kind":1,"body_b64":"PDEzPg=="}
 * </pre>
 * (Shown wrapped; each record is one line.)
 * <p>
 * Immutable; any thread.
 */
public final class NdjsonFields
{
    /**
     * Batch header: gateway id (text).
     */
    public static final String GATEWAY = "gateway";

    /**
     * Batch header: edge site the records come from (text).
     */
    public static final String SITE = "site";

    /**
     * Batch header: region of that site (text).
     */
    public static final String ORIGIN_REGION = "origin_region";

    /**
     * Batch header: region the batch was sent to, always this core's region (text).
     */
    public static final String DESTINATION = "destination";

    /**
     * Batch header: stream sequence of the batch within (gateway, destination) (number).
     */
    public static final String SEQUENCE = "sequence";

    /**
     * Batch header: version of the policy that produced the records (number, unsigned 64-bit).
     */
    public static final String POLICY_VERSION = "policy_version";

    /**
     * Batch header: epoch nanoseconds at which the gateway encoded the batch (number).
     */
    public static final String ENCODED_TS_NS = "encoded_ts_ns";

    /**
     * Record kind: {@link #TYPE_PACKET} or {@link #TYPE_EVENT}.
     */
    public static final String TYPE = "type";

    /**
     * {@link #TYPE} of a packet summary.
     */
    public static final String TYPE_PACKET = "packet";

    /**
     * {@link #TYPE} of an event.
     */
    public static final String TYPE_EVENT = "event";

    /**
     * Capture or event time, epoch nanoseconds (number).
     */
    public static final String TS_NS = "ts_ns";

    /**
     * Packet: length on the wire in bytes (number).
     */
    public static final String WIRE_LEN = "wire_len";

    /**
     * Packet: bytes captured (number).
     */
    public static final String CAP_LEN = "cap_len";

    /**
     * Packet: outermost 802.1Q VLAN id (number), {@code null} when untagged.
     */
    public static final String VLAN = "vlan";

    /**
     * Packet: EtherType of the L3 header, after VLAN tags (number, e.g. 2048 for IPv4).
     */
    public static final String ETH_TYPE = "eth_type";

    /**
     * Packet: 4, 6, or 0 when not IP (number).
     */
    public static final String IP_VERSION = "ip_version";

    /**
     * Packet: IPv4 protocol or IPv6 next header (number).
     */
    public static final String IP_PROTO = "ip_proto";

    /**
     * Packet: source address as text (IPv4 dotted decimal, IPv6 RFC 5952), {@code null} when not IP.
     */
    public static final String SRC = "src";

    /**
     * Packet: destination address, as {@link #SRC}.
     */
    public static final String DST = "dst";

    /**
     * Packet: source port (number, 0 when none).
     */
    public static final String SRC_PORT = "src_port";

    /**
     * Packet: destination port (number, 0 when none).
     */
    public static final String DST_PORT = "dst_port";

    /**
     * Packet: TCP flags, low 9 bits (number, 0 when not TCP).
     */
    public static final String TCP_FLAGS = "tcp_flags";

    /**
     * Packet: ICMP type (number).
     */
    public static final String ICMP_TYPE = "icmp_type";

    /**
     * Packet: ICMP code (number).
     */
    public static final String ICMP_CODE = "icmp_code";

    /**
     * Packet: names of this record's fields that were anonymized at the edge, a list drawn from
     * {@link #SRC} and {@link #DST}, empty when none.
     */
    public static final String ANONYMIZED = "anonymized";

    /**
     * Event: kind code from the gateway's event parser (number).
     */
    public static final String EVENT_KIND = "event_kind";

    /**
     * Event: body bytes in standard base64 with padding (text).
     */
    public static final String BODY_B64 = "body_b64";

    private NdjsonFields()
    {
    }
}
