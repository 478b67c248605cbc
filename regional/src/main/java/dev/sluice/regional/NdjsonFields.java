package dev.sluice.regional;

/**
 * Field names of the newline-delimited JSON a regional core writes to
 * {@code <outputDir>/<region>.ndjson}: one object per record, one record per line, UTF-8 (every
 * value is ASCII except event bodies, which keep their UTF-8 characters). Each line starts with its
 * batch's header fields, then {@link #TYPE}, then the record's own fields in the order listed here.
 * Every field of a packet, flow or frame is always present; absent values are JSON {@code null}.
 * An event has {@link #KIND} (or {@link #EVENT_KIND} for a kind this core does not know) and one
 * of {@link #EVENT}, {@link #BODY} or {@link #BODY_B64}. Within one batch the lines come in the order packets,
 * flows, frames, events, each kind in its order on the wire.
 *
 * <pre>
 * {"gateway":"gw-1","site":"paris-1","origin_region":"eu-west","destination":"eu-west","worker":0,"sequence":7,
 *  "policy_version":3,"encoded_ts_ns":1700000000000000000,"type":"packet","ts_ns":1700000000000000000,
 *  "wire_len":114,"cap_len":114,"vlan":null,"eth_type":2048,"ip_version":4,"ip_proto":17,
 *  "src":"192.0.2.1","dst":"192.0.2.2","src_port":2152,"dst_port":2152,"tcp_flags":0,
 *  "icmp_type":0,"icmp_code":0,"ip_tos":0,"tunnel_type":"gtpu","tunnel_depth":1,"tunnel_id":305419896,
 *  "inner_ip_version":6,"inner_ip_proto":6,"inner_src":"2001:db8::1","inner_dst":"2001:db8::2",
 *  "inner_src_port":51000,"inner_dst_port":443,"anonymized":["src","inner_src"]}
 * {"gateway":"gw-1",...,"type":"flow","first_seen_ns":1700000000000000000,"last_seen_ns":1700000001000000000,
 *  "packets":12,"bytes":3400,"reverse_packets":10,"reverse_bytes":9100,"vlan":100,"ip_version":4,
 *  "ip_proto":6,"src":"10.0.0.1","dst":"10.0.0.2","src_port":51000,"dst_port":443,"tcp_flags":27,
 *  "ip_tos":0,"tunnel_type":null,"tunnel_id":null,"end_reason":"tcp_fin","anonymized":[]}
 * {"gateway":"gw-1",...,"type":"frame","ts_ns":1700000000000000000,"wire_len":1514,"cap_len":1514,
 *  "link_type":1,"payload_action":"truncated","orig_payload_len":1460,"anonymized":["src","dst"],
 *  "bytes_b64":"AAECAwQFAAYHCAkKCABFAA..."}
 * {"gateway":"gw-1",...,"type":"event","ts_ns":1700000000000000000,"kind":"syslog",
 *  "body":"&lt;13&gt;Oct 11 22:14:15 mymachine su: 'su root' failed for \"lonvick\" on /dev/pts/8"}
 * {"gateway":"gw-1",...,"type":"event","ts_ns":1700000000000000000,"kind":"flow",
 *  "event":{"netflow.version":9,...,"flow.src":"192.0.2.1","flow.dst":"198.51.100.7","flow.bytes":1234}}
 * {"gateway":"gw-1",...,"type":"event","ts_ns":1700000000000000000,"kind":"can","body_b64":"KDE2MDAwMDAwMDAp/w=="}
 * </pre>
 * (Shown wrapped; each record is one line.)
 * <p>
 * Frames are also written, as packets, to {@code <outputDir>/<region>.pcapng}; see
 * {@link PcapngFrameWriter} for how their lengths map to pcapng.
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
     * Batch header: the gateway worker that sent the batch, from 0 (number); a gateway with several
     * workers sends one stream per worker.
     */
    public static final String WORKER = "worker";

    /**
     * Batch header: stream sequence of the batch within (gateway, destination, worker) (number).
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
     * Record kind: {@link #TYPE_PACKET}, {@link #TYPE_FLOW}, {@link #TYPE_FRAME} or {@link #TYPE_EVENT}.
     */
    public static final String TYPE = "type";

    /**
     * {@link #TYPE} of a packet summary.
     */
    public static final String TYPE_PACKET = "packet";

    /**
     * {@link #TYPE} of a flow record.
     */
    public static final String TYPE_FLOW = "flow";

    /**
     * {@link #TYPE} of a frame: a whole packet, possibly after a payload action.
     */
    public static final String TYPE_FRAME = "frame";

    /**
     * {@link #TYPE} of an event.
     */
    public static final String TYPE_EVENT = "event";

    /**
     * Packet, frame or event: capture or event time, epoch nanoseconds (number).
     */
    public static final String TS_NS = "ts_ns";

    /**
     * Packet or frame: length on the wire in bytes, before any payload action (number).
     */
    public static final String WIRE_LEN = "wire_len";

    /**
     * Packet or frame: bytes captured, before any payload action (number).
     */
    public static final String CAP_LEN = "cap_len";

    /**
     * Packet or flow: outermost 802.1Q VLAN id (number), {@code null} when untagged.
     */
    public static final String VLAN = "vlan";

    /**
     * Packet: EtherType of the L3 header, after VLAN tags (number, e.g. 2048 for IPv4).
     */
    public static final String ETH_TYPE = "eth_type";

    /**
     * Packet or flow: outer IP version, 4, 6, or 0 when not IP (number).
     */
    public static final String IP_VERSION = "ip_version";

    /**
     * Packet or flow: outer IPv4 protocol or IPv6 next header (number).
     */
    public static final String IP_PROTO = "ip_proto";

    /**
     * Packet or flow: outer source address as text (IPv4 dotted decimal, IPv6 RFC 5952, see
     * {@link IpAddressText}), {@code null} when not IP.
     */
    public static final String SRC = "src";

    /**
     * Packet: destination address, as {@link #SRC}.
     */
    public static final String DST = "dst";

    /**
     * Packet or flow: outer source port (number, 0 when none).
     */
    public static final String SRC_PORT = "src_port";

    /**
     * Packet or flow: outer destination port (number, 0 when none).
     */
    public static final String DST_PORT = "dst_port";

    /**
     * Packet: TCP flags, low 9 bits (number, 0 when not TCP). Flow: the union of the flags of all
     * its packets.
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
     * Packet or flow: outer IPv4 TOS byte or IPv6 traffic class (number, 0 when not IP). For a
     * flow, that of its first packet.
     */
    public static final String IP_TOS = "ip_tos";

    /**
     * Packet or flow: innermost tunnel the packet was decoded through, {@code null} when not
     * tunnelled; one of {@code "gre"}, {@code "erspan"}, {@code "vxlan"}, {@code "geneve"},
     * {@code "gtpu"}, {@code "ipip"} (IP-in-IP, 6in4, 4in6) or {@code "teredo"}; new names may be
     * added with new schema versions.
     */
    public static final String TUNNEL_TYPE = "tunnel_type";

    /**
     * Packet: tunnels nested around the inner packet (number, 0 when not tunnelled).
     */
    public static final String TUNNEL_DEPTH = "tunnel_depth";

    /**
     * Packet or flow: id of the innermost tunnel, the GTP-U TEID, VXLAN or GENEVE VNI or GRE key
     * (number); 0 when the tunnel carries none (GRE without key, IP-in-IP, Teredo); {@code null}
     * when not tunnelled.
     */
    public static final String TUNNEL_ID = "tunnel_id";

    /**
     * Packet: IP version of the tunnelled packet, 4 or 6 (number); {@code null} when there is no
     * inner IP packet, and then so are all {@code inner_*} fields.
     */
    public static final String INNER_IP_VERSION = "inner_ip_version";

    /**
     * Packet: IPv4 protocol or IPv6 next header of the tunnelled packet (number or {@code null}).
     */
    public static final String INNER_IP_PROTO = "inner_ip_proto";

    /**
     * Packet: source address of the tunnelled packet, as {@link #SRC}, or {@code null}.
     */
    public static final String INNER_SRC = "inner_src";

    /**
     * Packet: destination address of the tunnelled packet, as {@link #SRC}, or {@code null}.
     */
    public static final String INNER_DST = "inner_dst";

    /**
     * Packet: source port of the tunnelled packet (number, 0 when it has none, or {@code null}).
     */
    public static final String INNER_SRC_PORT = "inner_src_port";

    /**
     * Packet: destination port of the tunnelled packet (number, 0 when it has none, or {@code null}).
     */
    public static final String INNER_DST_PORT = "inner_dst_port";

    /**
     * Packet, flow or frame: names of the record's address fields that were anonymized at the
     * edge, a list in the order {@link #SRC}, {@link #DST}, {@link #INNER_SRC}, {@link #INNER_DST},
     * empty when none. A flow names only {@link #SRC} and {@link #DST}; a frame names the
     * addresses rewritten inside its bytes.
     */
    public static final String ANONYMIZED = "anonymized";

    /**
     * Flow: capture time of its first packet, epoch nanoseconds (number).
     */
    public static final String FIRST_SEEN_NS = "first_seen_ns";

    /**
     * Flow: capture time of its last packet, epoch nanoseconds (number, not before
     * {@link #FIRST_SEEN_NS}).
     */
    public static final String LAST_SEEN_NS = "last_seen_ns";

    /**
     * Flow: packets from {@link #SRC} to {@link #DST} (number, unsigned 64-bit).
     */
    public static final String PACKETS = "packets";

    /**
     * Flow: wire bytes from {@link #SRC} to {@link #DST} (number, unsigned 64-bit).
     */
    public static final String BYTES = "bytes";

    /**
     * Flow: packets from {@link #DST} to {@link #SRC} (number, unsigned 64-bit; 0 when the flow
     * was aggregated one way).
     */
    public static final String REVERSE_PACKETS = "reverse_packets";

    /**
     * Flow: wire bytes from {@link #DST} to {@link #SRC} (number, unsigned 64-bit; 0 when the flow
     * was aggregated one way).
     */
    public static final String REVERSE_BYTES = "reverse_bytes";

    /**
     * Flow: why the record was emitted: {@code "idle_timeout"}, {@code "active_timeout"} (the
     * flow goes on in a later record), {@code "tcp_fin"}, {@code "tcp_rst"}, {@code "evicted"}
     * (pushed out of a full table) or {@code "flushed"} (shutdown or policy change).
     */
    public static final String END_REASON = "end_reason";

    /**
     * Frame: pcap {@code LINKTYPE_} of the bytes, e.g. 1 Ethernet, 101 raw IP, 113 Linux cooked
     * (number).
     */
    public static final String LINK_TYPE = "link_type";

    /**
     * Frame: what the gateway did to the payload: {@code "none"} (bytes as captured),
     * {@code "truncated"} or {@code "stripped"} (bytes are the whole rewritten packet, with its
     * lengths and checksums fixed).
     */
    public static final String PAYLOAD_ACTION = "payload_action";

    /**
     * Frame: transport payload length before the payload action, as the packet's headers declared
     * it (number).
     */
    public static final String ORIG_PAYLOAD_LEN = "orig_payload_len";

    /**
     * Frame: the packet as sent, in standard base64 with padding (text); its length may be below
     * {@link #CAP_LEN} after a payload action.
     */
    public static final String BYTES_B64 = "bytes_b64";

    /**
     * Event: what the event is, the label of its {@link dev.sluice.protocol.EventKind}
     * ({@code "syslog"}, {@code "cef"}, {@code "leef"}, {@code "json"}, {@code "flow"}, {@code "can"})
     * (text). Absent when the gateway sent a kind code this core does not know: see {@link #EVENT_KIND}.
     */
    public static final String KIND = "kind";

    /**
     * Event: the kind code as sent, only when this core does not know it (number); takes the place of {@link #KIND}.
     */
    public static final String EVENT_KIND = "event_kind";

    /**
     * Event: the body of a {@code json} or {@code flow} event that is one valid JSON object, as
     * that object (whitespace between its tokens removed) (object). Exactly one of {@link #EVENT},
     * {@link #BODY} and {@link #BODY_B64} is present.
     */
    public static final String EVENT = "event";

    /**
     * Event: the body as text, when it is valid UTF-8 and not written as {@link #EVENT} (text):
     * the syslog, CEF or LEEF line, the candump line, a JSON body that is not an object.
     */
    public static final String BODY = "body";

    /**
     * Event: the body bytes in standard base64 with padding, when they are not valid UTF-8 (text).
     */
    public static final String BODY_B64 = "body_b64";

    private NdjsonFields()
    {
    }
}
