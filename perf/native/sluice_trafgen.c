/*
 * sluice-trafgen: replays a capture or synthesizes Ethernet/IPv4/UDP traffic at a chosen rate
 * into one DPDK port: a memif (another process reads it through shared memory), an
 * af_packet port on a veth, or a pcap vdev that writes a file.
 *
 *   sluice-trafgen [EAL args] -- [--port NAME] (--pcap FILE [--loop N] | --synth ...)
 *       [--rate PPS] [--burst N] [--count N] [--report-json FILE]
 *
 * Every mbuf is either handed to rte_eth_tx_burst (which then owns it) or freed here, and
 * counted once: sent, or failed after --max-retries unsuccessful tx attempts.
 *
 * Synthesized packets carry, at the start of the UDP payload, the magic "SLG1" and a 64-bit
 * big-endian sequence number (0, 1, 2, ...), so a receiver can check every packet arrives
 * exactly once. The rest of the payload is the byte pattern (uint8_t)(sequence + i).
 * IPv4 header checksums and UDP checksums (IPv4 and IPv6) are correct.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "sluice_perf_port.h"

#define PROGRAM "sluice-trafgen"
#define MAX_BURST 512
#define POOL_MBUFS 8191
#define POOL_CACHE 256
#define DEFAULT_BURST 32
#define DEFAULT_MAX_RETRIES 1000000u
#define DEFAULT_LINK_WAIT_MS 10000u
#define SYNTH_MAGIC "SLG1"
#define SYNTH_MAGIC_LENGTH 4
#define SYNTH_HEADER_LENGTH 12 /* magic + 64-bit sequence */
#define SYNTH_DEFAULT_SIZE 64
#define SYNTH_MIN_SIZE (RTE_ETHER_HDR_LEN + 20 + 8 + SYNTH_HEADER_LENGTH)
#define SYNTH_MAX_SIZE 1514
#define SYNTH_DST_PORT 9 /* discard */
#define SYNTH_SRC_PORT_BASE 1024
#define SYNTH_VLAN_ID 100
#define LINKTYPE_ETHERNET 1

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_OPB 2u
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_MAX_INTERFACES 64

static volatile int stop_requested;

struct options
{
    const char *port_name;
    const char *pcap_file;
    const char *report_json;
    bool synth;
    uint64_t loops;       /* replay passes; 0 = until stopped or --count reached */
    uint64_t count;       /* packets to offer; 0 = no limit (replay: one pass per loop) */
    uint32_t size;        /* synth: frame length of a plain IPv4 packet, without FCS */
    uint32_t flows;
    uint32_t vlan_every;  /* synth: every Kth packet carries an 802.1Q tag; 0 = none */
    uint32_t ipv6_every;  /* synth: every Kth packet is IPv6; 0 = none */
    uint64_t rate_pps;    /* 0 = as fast as possible */
    uint32_t burst;
    uint32_t max_retries;
    uint32_t link_wait_ms;
    uint32_t linger_ms;
    double duration_s;    /* 0 = no limit */
};

struct captured_packet
{
    const uint8_t *data;
    uint32_t length;
};

struct capture
{
    uint8_t *map;
    size_t map_length;
    struct captured_packet *packets;
    uint64_t count;
    uint64_t skipped_non_ethernet;
    uint64_t truncated; /* captured length below wire length: sent as captured */
};

struct stats
{
    uint64_t packets_sent;
    uint64_t bytes_sent;
    uint64_t tx_failed;
    uint64_t tx_retries;
    uint64_t alloc_retries;
    uint64_t next_sequence;
    double elapsed_s;
};

static void on_signal(const int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static void usage(void)
{
    fprintf(stderr,
        "usage: " PROGRAM " [EAL args] -- [--port NAME|ID] (--pcap FILE [--loop N] | --synth [options])\n"
        "           [--rate PPS] [--burst N] [--count N] [--duration SECONDS] [--report-json FILE]\n"
        "  --port NAME|ID      tx port: a --vdev name (net_memif0, net_af_packet0, net_pcap0) or port id;\n"
        "                      default: the only port\n"
        "  --pcap FILE         replay a pcap or pcapng capture (Ethernet link type), packet bytes unchanged\n"
        "  --loop N            replay passes (default 1, 0 = until --count/--duration/SIGINT)\n"
        "  --synth             synthesize Ethernet/IPv4/UDP packets with sequence numbers\n"
        "  --count N           packets to offer (synth default 1000; 0 = no limit)\n"
        "  --size BYTES        synth frame length of a plain IPv4 packet, without FCS (default 64, %d..%d)\n"
        "  --flows F           synth: distinct 5-tuples, by source address and port (default 1)\n"
        "  --vlan-every K      synth: every Kth packet carries an 802.1Q tag (VLAN %d)\n"
        "  --ipv6-every K      synth: every Kth packet is IPv6/UDP\n"
        "  --rate PPS          packets per second, paced with the TSC (default 0 = as fast as possible)\n"
        "  --burst N           packets per tx burst (default 32, at most %d)\n"
        "  --max-retries N     unsuccessful tx attempts before leftovers are freed and counted failed\n"
        "  --link-wait-ms MS   wait for link up before sending (memif peers; default 10000)\n"
        "  --linger-ms MS      keep the port open after the last packet (lets a memif peer drain)\n"
        "  --report-json FILE  also write the summary as JSON\n",
        SYNTH_MIN_SIZE, SYNTH_MAX_SIZE, SYNTH_VLAN_ID, MAX_BURST);
}

static int parse_u64(const char *text, uint64_t *value)
{
    char *end = NULL;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
    {
        return -1;
    }
    *value = parsed;
    return 0;
}

static int parse_options(const int argc, char **argv, struct options *options)
{
    enum
    {
        OPT_PORT = 256, OPT_PCAP, OPT_LOOP, OPT_SYNTH, OPT_COUNT, OPT_SIZE, OPT_FLOWS, OPT_VLAN_EVERY,
        OPT_IPV6_EVERY, OPT_RATE, OPT_BURST, OPT_MAX_RETRIES, OPT_LINK_WAIT, OPT_LINGER, OPT_DURATION,
        OPT_REPORT_JSON, OPT_HELP
    };
    static const struct option long_options[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"tx-port", required_argument, NULL, OPT_PORT},
        {"pcap", required_argument, NULL, OPT_PCAP},
        {"loop", required_argument, NULL, OPT_LOOP},
        {"synth", no_argument, NULL, OPT_SYNTH},
        {"count", required_argument, NULL, OPT_COUNT},
        {"size", required_argument, NULL, OPT_SIZE},
        {"flows", required_argument, NULL, OPT_FLOWS},
        {"vlan-every", required_argument, NULL, OPT_VLAN_EVERY},
        {"ipv6-every", required_argument, NULL, OPT_IPV6_EVERY},
        {"rate", required_argument, NULL, OPT_RATE},
        {"burst", required_argument, NULL, OPT_BURST},
        {"max-retries", required_argument, NULL, OPT_MAX_RETRIES},
        {"link-wait-ms", required_argument, NULL, OPT_LINK_WAIT},
        {"linger-ms", required_argument, NULL, OPT_LINGER},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"report-json", required_argument, NULL, OPT_REPORT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0}};
    bool count_given = false;
    int option;
    uint64_t value;

    memset(options, 0, sizeof(*options));
    options->loops = 1;
    options->size = SYNTH_DEFAULT_SIZE;
    options->flows = 1;
    options->burst = DEFAULT_BURST;
    options->max_retries = DEFAULT_MAX_RETRIES;
    options->link_wait_ms = DEFAULT_LINK_WAIT_MS;

    optind = 1;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1)
    {
        if (option == OPT_PORT) { options->port_name = optarg; continue; }
        if (option == OPT_PCAP) { options->pcap_file = optarg; continue; }
        if (option == OPT_SYNTH) { options->synth = true; continue; }
        if (option == OPT_REPORT_JSON) { options->report_json = optarg; continue; }
        if (option == OPT_HELP) { usage(); exit(0); }
        if (option == OPT_DURATION)
        {
            char *end = NULL;
            options->duration_s = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || options->duration_s < 0)
            {
                fprintf(stderr, PROGRAM ": --duration needs a number of seconds, not '%s'\n", optarg);
                return -1;
            }
            continue;
        }
        if (option == '?' || parse_u64(optarg, &value) != 0)
        {
            if (option != '?')
            {
                fprintf(stderr, PROGRAM ": %s needs a non-negative integer, not '%s'\n", argv[optind - 1], optarg);
            }
            usage();
            return -1;
        }
        switch (option)
        {
            case OPT_LOOP: options->loops = value; break;
            case OPT_COUNT: options->count = value; count_given = true; break;
            case OPT_SIZE: options->size = (uint32_t)value; break;
            case OPT_FLOWS: options->flows = (uint32_t)value; break;
            case OPT_VLAN_EVERY: options->vlan_every = (uint32_t)value; break;
            case OPT_IPV6_EVERY: options->ipv6_every = (uint32_t)value; break;
            case OPT_RATE: options->rate_pps = value; break;
            case OPT_BURST: options->burst = (uint32_t)value; break;
            case OPT_MAX_RETRIES: options->max_retries = (uint32_t)value; break;
            case OPT_LINK_WAIT: options->link_wait_ms = (uint32_t)value; break;
            case OPT_LINGER: options->linger_ms = (uint32_t)value; break;
            default: usage(); return -1;
        }
    }
    if (optind != argc)
    {
        fprintf(stderr, PROGRAM ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (options->synth == (options->pcap_file != NULL))
    {
        fprintf(stderr, PROGRAM ": give exactly one of --pcap FILE or --synth\n");
        usage();
        return -1;
    }
    if (options->synth && !count_given)
    {
        options->count = 1000;
    }
    if (options->burst == 0 || options->burst > MAX_BURST)
    {
        fprintf(stderr, PROGRAM ": --burst must be 1..%d\n", MAX_BURST);
        return -1;
    }
    if (options->size < SYNTH_MIN_SIZE || options->size > SYNTH_MAX_SIZE)
    {
        fprintf(stderr, PROGRAM ": --size must be %d..%d bytes\n", SYNTH_MIN_SIZE, SYNTH_MAX_SIZE);
        return -1;
    }
    if (options->flows == 0)
    {
        fprintf(stderr, PROGRAM ": --flows must be at least 1\n");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- capture reading */

static uint32_t read_u32(const uint8_t *p, const bool swap)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return swap ? __builtin_bswap32(v) : v;
}

static uint16_t read_u16(const uint8_t *p, const bool swap)
{
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return swap ? __builtin_bswap16(v) : v;
}

static int add_packet(struct capture *capture, uint64_t *capacity, const uint8_t *data, const uint32_t length)
{
    if (capture->count == *capacity)
    {
        uint64_t grown = *capacity == 0 ? 1024 : *capacity * 2;
        struct captured_packet *packets = realloc(capture->packets, grown * sizeof(*packets));
        if (packets == NULL)
        {
            return -1;
        }
        capture->packets = packets;
        *capacity = grown;
    }
    capture->packets[capture->count].data = data;
    capture->packets[capture->count].length = length;
    capture->count++;
    return 0;
}

static int read_classic_pcap(struct capture *capture, const char *file)
{
    const uint8_t *p = capture->map;
    const size_t size = capture->map_length;
    const uint32_t magic = read_u32(p, false);
    const bool swap = magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS);
    const uint32_t link_type = read_u32(p + 20, swap) & 0x0FFFFFFFu;
    uint64_t capacity = 0;
    size_t offset = 24;

    if (size < 24)
    {
        fprintf(stderr, PROGRAM ": %s: pcap file header truncated\n", file);
        return -1;
    }
    if (link_type != LINKTYPE_ETHERNET)
    {
        fprintf(stderr, PROGRAM ": %s: link type %u is not Ethernet (1); only Ethernet captures can be sent into a port\n",
            file, link_type);
        return -1;
    }
    while (offset + 16 <= size)
    {
        const uint32_t captured = read_u32(p + offset + 8, swap);
        const uint32_t wire = read_u32(p + offset + 12, swap);
        if (captured > size - offset - 16)
        {
            fprintf(stderr, PROGRAM ": %s: record %" PRIu64 " at byte %zu is cut off (file truncated); sending the %" PRIu64
                " whole records before it\n", file, capture->count, offset, capture->count);
            break;
        }
        if (captured < wire)
        {
            capture->truncated++;
        }
        if (captured > 0 && add_packet(capture, &capacity, p + offset + 16, captured) != 0)
        {
            return -1;
        }
        offset += 16 + (size_t)captured;
    }
    return 0;
}

static int read_pcapng(struct capture *capture, const char *file)
{
    const uint8_t *p = capture->map;
    const size_t size = capture->map_length;
    uint16_t link_types[PCAPNG_MAX_INTERFACES];
    uint32_t interfaces = 0;
    uint64_t capacity = 0;
    bool swap = false;
    size_t offset = 0;

    while (offset + 12 <= size)
    {
        uint32_t type = read_u32(p + offset, false);
        uint32_t length;
        if (type == PCAPNG_SHB)
        {
            const uint32_t bom = read_u32(p + offset + 8, false);
            if (bom != PCAPNG_BYTE_ORDER_MAGIC && bom != __builtin_bswap32(PCAPNG_BYTE_ORDER_MAGIC))
            {
                fprintf(stderr, PROGRAM ": %s: pcapng section at byte %zu has no byte-order magic\n", file, offset);
                return -1;
            }
            swap = bom != PCAPNG_BYTE_ORDER_MAGIC;
            interfaces = 0;
        }
        else
        {
            type = read_u32(p + offset, swap);
        }
        length = read_u32(p + offset + 4, swap);
        if (length < 12 || length % 4 != 0 || length > size - offset)
        {
            fprintf(stderr, PROGRAM ": %s: pcapng block at byte %zu has bad length %u; stopping there\n", file, offset, length);
            break;
        }
        const uint8_t *body = p + offset + 8;
        const uint32_t body_length = length - 12;
        if (type == PCAPNG_IDB && body_length >= 8)
        {
            if (interfaces < PCAPNG_MAX_INTERFACES)
            {
                link_types[interfaces] = read_u16(body, swap);
            }
            interfaces++;
        }
        else if ((type == PCAPNG_EPB || type == PCAPNG_OPB) && body_length >= 20)
        {
            const uint32_t interface = type == PCAPNG_EPB ? read_u32(body, swap) : read_u16(body, swap);
            const uint32_t captured = read_u32(body + 12, swap);
            const uint32_t wire = read_u32(body + 16, swap);
            if (captured > body_length - 20)
            {
                fprintf(stderr, PROGRAM ": %s: packet block at byte %zu claims more bytes than it holds\n", file, offset);
                return -1;
            }
            if (interface >= interfaces || interface >= PCAPNG_MAX_INTERFACES || link_types[interface] != LINKTYPE_ETHERNET)
            {
                capture->skipped_non_ethernet++;
            }
            else
            {
                if (captured < wire)
                {
                    capture->truncated++;
                }
                if (captured > 0 && add_packet(capture, &capacity, body + 20, captured) != 0)
                {
                    return -1;
                }
            }
        }
        else if (type == PCAPNG_SPB && body_length >= 4)
        {
            const uint32_t wire = read_u32(body, swap);
            const uint32_t captured = wire < body_length - 4 ? wire : body_length - 4;
            if (interfaces == 0 || link_types[0] != LINKTYPE_ETHERNET)
            {
                capture->skipped_non_ethernet++;
            }
            else if (captured > 0 && add_packet(capture, &capacity, body + 4, captured) != 0)
            {
                return -1;
            }
        }
        offset += length;
    }
    return 0;
}

static int open_capture(struct capture *capture, const char *file)
{
    struct stat st;
    int fd = open(file, O_RDONLY);
    int rc;

    memset(capture, 0, sizeof(*capture));
    if (fd < 0 || fstat(fd, &st) != 0)
    {
        fprintf(stderr, PROGRAM ": cannot read capture %s: %s\n", file, strerror(errno));
        if (fd >= 0)
        {
            close(fd);
        }
        return -1;
    }
    if (st.st_size < 4)
    {
        fprintf(stderr, PROGRAM ": %s is too short to be a capture\n", file);
        close(fd);
        return -1;
    }
    capture->map_length = (size_t)st.st_size;
    capture->map = mmap(NULL, capture->map_length, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (capture->map == MAP_FAILED)
    {
        fprintf(stderr, PROGRAM ": cannot map %s: %s\n", file, strerror(errno));
        return -1;
    }
    const uint32_t magic = read_u32(capture->map, false);
    if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS
        || magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS))
    {
        rc = read_classic_pcap(capture, file);
    }
    else if (magic == PCAPNG_SHB)
    {
        rc = read_pcapng(capture, file);
    }
    else if ((magic & 0xFFFFu) == 0x8b1fu)
    {
        fprintf(stderr, PROGRAM ": %s is gzip-compressed; decompress it first (gunzip -k)\n", file);
        rc = -1;
    }
    else
    {
        fprintf(stderr, PROGRAM ": %s is neither pcap nor pcapng (magic 0x%08x)\n", file, magic);
        rc = -1;
    }
    if (rc == 0 && capture->count == 0)
    {
        fprintf(stderr, PROGRAM ": %s holds no Ethernet packets to send\n", file);
        rc = -1;
    }
    return rc;
}

/* ---------------------------------------------------------------- packet building */

/* Copies bytes into a fresh mbuf chain; returns NULL when the pool is empty right now. */
static struct rte_mbuf *mbuf_from_bytes(struct rte_mempool *pool, const uint8_t *data, const uint32_t length)
{
    struct rte_mbuf *head = rte_pktmbuf_alloc(pool);
    struct rte_mbuf *tail = head;
    uint32_t copied = 0;

    if (head == NULL)
    {
        return NULL;
    }
    for (;;)
    {
        const uint32_t room = rte_pktmbuf_tailroom(tail);
        const uint32_t chunk = length - copied < room ? length - copied : room;
        memcpy(rte_pktmbuf_mtod(tail, uint8_t *), data + copied, chunk);
        tail->data_len = (uint16_t)chunk;
        copied += chunk;
        if (copied == length)
        {
            break;
        }
        struct rte_mbuf *next = rte_pktmbuf_alloc(pool);
        if (next == NULL)
        {
            rte_pktmbuf_free(head);
            return NULL;
        }
        tail->next = next;
        tail = next;
        head->nb_segs++;
    }
    head->pkt_len = length;
    return head;
}

/*
 * Writes synthesized packet number `sequence` into an mbuf (one segment: at most 1534 bytes).
 * Layout: Ethernet [802.1Q] IPv4|IPv6 UDP, payload "SLG1" + sequence (big endian) + pattern.
 */
static uint32_t build_synth(const struct options *options, struct rte_mbuf *m, const uint64_t sequence)
{
    uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
    const uint32_t flow = (uint32_t)(sequence % options->flows);
    const uint32_t payload_length = options->size - (RTE_ETHER_HDR_LEN + 20 + 8);
    const bool vlan = options->vlan_every != 0 && sequence % options->vlan_every == options->vlan_every - 1;
    const bool ipv6 = options->ipv6_every != 0 && sequence % options->ipv6_every == options->ipv6_every - 1;
    struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
    uint32_t offset = RTE_ETHER_HDR_LEN;
    struct rte_udp_hdr *udp;
    uint8_t *payload;

    static const struct rte_ether_addr src_mac = {{0x02, 0x53, 0x4c, 0x00, 0x00, 0x01}};
    static const struct rte_ether_addr dst_mac = {{0x02, 0x53, 0x4c, 0x00, 0x00, 0x02}};
    rte_ether_addr_copy(&dst_mac, &eth->dst_addr);
    rte_ether_addr_copy(&src_mac, &eth->src_addr);
    if (vlan)
    {
        struct rte_vlan_hdr *tag = (struct rte_vlan_hdr *)(frame + offset);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
        tag->vlan_tci = rte_cpu_to_be_16(SYNTH_VLAN_ID);
        tag->eth_proto = rte_cpu_to_be_16(ipv6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
        offset += sizeof(*tag);
    }
    else
    {
        eth->ether_type = rte_cpu_to_be_16(ipv6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
    }

    if (ipv6)
    {
        struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(frame + offset);
        static const uint8_t src_prefix[8] = {0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
        static const uint8_t dst_address[16] = {0xfd, 0x00, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 1};
        ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
        ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + payload_length));
        ip6->proto = IPPROTO_UDP;
        ip6->hop_limits = 64;
        memcpy(ip6->src_addr, src_prefix, 8);
        memset(ip6->src_addr + 8, 0, 4);
        const uint32_t host = rte_cpu_to_be_32(flow + 1);
        memcpy(ip6->src_addr + 12, &host, 4);
        memcpy(ip6->dst_addr, dst_address, 16);
        offset += sizeof(*ip6);
        udp = (struct rte_udp_hdr *)(frame + offset);
    }
    else
    {
        struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + offset);
        ip->version_ihl = RTE_IPV4_VHL_DEF;
        ip->type_of_service = 0;
        ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + payload_length));
        ip->packet_id = rte_cpu_to_be_16((uint16_t)sequence);
        ip->fragment_offset = 0;
        ip->time_to_live = 64;
        ip->next_proto_id = IPPROTO_UDP;
        ip->hdr_checksum = 0;
        ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 0) + 1 + flow);     /* 10.0.0.1 + flow */
        ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 255, 0, 1));
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        offset += sizeof(*ip);
        udp = (struct rte_udp_hdr *)(frame + offset);
    }
    udp->src_port = rte_cpu_to_be_16((uint16_t)(SYNTH_SRC_PORT_BASE + flow % (65536 - SYNTH_SRC_PORT_BASE)));
    udp->dst_port = rte_cpu_to_be_16(SYNTH_DST_PORT);
    udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + payload_length));
    udp->dgram_cksum = 0;
    payload = (uint8_t *)(udp + 1);
    memcpy(payload, SYNTH_MAGIC, SYNTH_MAGIC_LENGTH);
    const uint64_t sequence_be = rte_cpu_to_be_64(sequence);
    memcpy(payload + SYNTH_MAGIC_LENGTH, &sequence_be, sizeof(sequence_be));
    for (uint32_t i = SYNTH_HEADER_LENGTH; i < payload_length; i++)
    {
        payload[i] = (uint8_t)(sequence + i);
    }
    if (ipv6)
    {
        udp->dgram_cksum = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)((uint8_t *)udp - 40), udp);
    }
    else
    {
        udp->dgram_cksum = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)((uint8_t *)udp - 20), udp);
    }
    const uint32_t length = offset + 8 + payload_length;
    m->data_len = (uint16_t)length;
    m->pkt_len = length;
    return length;
}

/* ---------------------------------------------------------------- sending */

/*
 * Transmits bufs[0, n); what the port does not take within max_retries further attempts is
 * freed here and counted as failed. Every mbuf leaves this function owned by the port or freed.
 */
static void transmit(const struct options *options, const uint16_t port_id, struct rte_mbuf **bufs,
    const uint32_t *lengths, const uint16_t n, struct stats *stats)
{
    uint16_t sent = 0;
    uint32_t attempts_left = options->max_retries;

    for (;;)
    {
        const uint16_t taken = rte_eth_tx_burst(port_id, 0, bufs + sent, (uint16_t)(n - sent));
        for (uint16_t i = sent; i < sent + taken; i++)
        {
            stats->bytes_sent += lengths[i];
        }
        sent += taken;
        if (sent == n)
        {
            break;
        }
        if (attempts_left == 0 || stop_requested)
        {
            rte_pktmbuf_free_bulk(bufs + sent, n - sent);
            stats->tx_failed += (uint64_t)(n - sent);
            break;
        }
        attempts_left--;
        stats->tx_retries++;
        rte_pause();
    }
    stats->packets_sent += sent;
}

/* Busy-waits until the TSC says packet number `offered` may go, for --rate pacing. */
static void pace(const struct options *options, const uint64_t start_tsc, const uint64_t hz, const uint64_t offered)
{
    if (options->rate_pps == 0)
    {
        return;
    }
    const uint64_t due = start_tsc + (uint64_t)((unsigned __int128)offered * hz / options->rate_pps);
    while (rte_get_tsc_cycles() < due && !stop_requested)
    {
        rte_pause();
    }
}

static bool out_of_time(const struct options *options, const uint64_t start_tsc, const uint64_t hz)
{
    return options->duration_s > 0 && (double)(rte_get_tsc_cycles() - start_tsc) / (double)hz >= options->duration_s;
}

static void run_synth(const struct options *options, const uint16_t port_id, struct rte_mempool *pool, struct stats *stats)
{
    struct rte_mbuf *bufs[MAX_BURST];
    uint32_t lengths[MAX_BURST];
    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t start_tsc = rte_get_tsc_cycles();

    while (!stop_requested && (options->count == 0 || stats->next_sequence < options->count)
        && !out_of_time(options, start_tsc, hz))
    {
        uint64_t n = options->burst;
        if (options->count != 0 && options->count - stats->next_sequence < n)
        {
            n = options->count - stats->next_sequence;
        }
        pace(options, start_tsc, hz, stats->next_sequence);
        if (rte_pktmbuf_alloc_bulk(pool, bufs, (unsigned)n) != 0)
        {
            stats->alloc_retries++;
            rte_pause();
            continue;
        }
        for (uint64_t i = 0; i < n; i++)
        {
            lengths[i] = build_synth(options, bufs[i], stats->next_sequence++);
        }
        transmit(options, port_id, bufs, lengths, (uint16_t)n, stats);
    }
}

static void run_replay(const struct options *options, const struct capture *capture, const uint16_t port_id,
    struct rte_mempool *pool, struct stats *stats)
{
    struct rte_mbuf *bufs[MAX_BURST];
    uint32_t lengths[MAX_BURST];
    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t start_tsc = rte_get_tsc_cycles();
    uint64_t offered = 0;

    for (uint64_t pass = 0; options->loops == 0 || pass < options->loops; pass++)
    {
        uint64_t index = 0;
        while (index < capture->count)
        {
            if (stop_requested || (options->count != 0 && offered >= options->count) || out_of_time(options, start_tsc, hz))
            {
                return;
            }
            pace(options, start_tsc, hz, offered);
            uint16_t n = 0;
            while (n < options->burst && index < capture->count && (options->count == 0 || offered + n < options->count))
            {
                const struct captured_packet *packet = &capture->packets[index];
                struct rte_mbuf *m = mbuf_from_bytes(pool, packet->data, packet->length);
                if (m == NULL)
                {
                    stats->alloc_retries++;
                    break;
                }
                bufs[n] = m;
                lengths[n] = packet->length;
                n++;
                index++;
            }
            if (n > 0)
            {
                transmit(options, port_id, bufs, lengths, n, stats);
                offered += n;
            }
            else
            {
                rte_pause();
            }
        }
    }
}

/* ---------------------------------------------------------------- reporting */

static void report(const struct options *options, const char *port_name, const struct stats *stats)
{
    const double pps = stats->elapsed_s > 0 ? (double)stats->packets_sent / stats->elapsed_s : 0.0;
    const double mbps = stats->elapsed_s > 0 ? (double)stats->bytes_sent * 8.0 / stats->elapsed_s / 1e6 : 0.0;

    printf(PROGRAM ": mode=%s port=%s packets_sent=%" PRIu64 " bytes_sent=%" PRIu64 " tx_failed=%" PRIu64
        " tx_retries=%" PRIu64 " alloc_retries=%" PRIu64 " elapsed_s=%.6f pps=%.0f mbps=%.1f\n",
        options->synth ? "synth" : "replay", port_name, stats->packets_sent, stats->bytes_sent, stats->tx_failed,
        stats->tx_retries, stats->alloc_retries, stats->elapsed_s, pps, mbps);
    fflush(stdout);
    if (options->report_json != NULL)
    {
        FILE *out = fopen(options->report_json, "w");
        if (out == NULL)
        {
            fprintf(stderr, PROGRAM ": cannot write %s: %s\n", options->report_json, strerror(errno));
            return;
        }
        fprintf(out,
            "{\"mode\":\"%s\",\"port\":\"%s\",\"packets_sent\":%" PRIu64 ",\"bytes_sent\":%" PRIu64
            ",\"tx_failed\":%" PRIu64 ",\"tx_retries\":%" PRIu64 ",\"alloc_retries\":%" PRIu64
            ",\"elapsed_s\":%.6f,\"pps\":%.0f,\"mbps\":%.1f}\n",
            options->synth ? "synth" : "replay", port_name, stats->packets_sent, stats->bytes_sent,
            stats->tx_failed, stats->tx_retries, stats->alloc_retries, stats->elapsed_s, pps, mbps);
        fclose(out);
    }
}

int main(int argc, char **argv)
{
    struct options options;
    struct capture capture;
    struct stats stats;
    char port_name[RTE_ETH_NAME_MAX_LEN];
    int port;
    int rc;

    const int eal_args = rte_eal_init(argc, argv);
    if (eal_args < 0)
    {
        fprintf(stderr, PROGRAM ": EAL init failed: %s (without hugepages add --no-huge; several instances need "
            "distinct --file-prefix or --in-memory; run as root or give the user access to /dev/hugepages)\n",
            rte_strerror(rte_errno));
        return 2;
    }
    argv[eal_args] = argv[0];
    if (parse_options(argc - eal_args, argv + eal_args, &options) != 0)
    {
        rte_eal_cleanup();
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    memset(&capture, 0, sizeof(capture));
    if (options.pcap_file != NULL && open_capture(&capture, options.pcap_file) != 0)
    {
        rte_eal_cleanup();
        return 2;
    }
    if (options.port_name != NULL)
    {
        port = sluice_find_port(options.port_name);
    }
    else
    {
        port = rte_eth_dev_count_avail() == 1 ? (int)rte_eth_find_next(0) : -1;
    }
    if (port < 0)
    {
        fprintf(stderr, PROGRAM ": no tx port %s (%u ports; add --vdev net_pcap0,tx_pcap=FILE or similar to the EAL "
            "args and name it with --port)\n", options.port_name != NULL ? options.port_name : "given",
            rte_eth_dev_count_avail());
        rte_eal_cleanup();
        return 2;
    }
    rte_eth_dev_get_name_by_port((uint16_t)port, port_name);

    struct rte_mempool *pool = rte_pktmbuf_pool_create("trafgen_pool", POOL_MBUFS, POOL_CACHE, 0,
        RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
    if (pool == NULL)
    {
        fprintf(stderr, PROGRAM ": cannot create the mbuf pool: %s (give EAL more memory: -m 256)\n", rte_strerror(rte_errno));
        rte_eal_cleanup();
        return 2;
    }
    if (sluice_start_port(PROGRAM, (uint16_t)port, pool, 1, 1) != 0)
    {
        rte_eal_cleanup();
        return 2;
    }
    if (!sluice_wait_link_up((uint16_t)port, options.link_wait_ms, &stop_requested))
    {
        fprintf(stderr, PROGRAM ": link of %s still down after %u ms (a memif needs its peer; --link-wait-ms)\n",
            port_name, options.link_wait_ms);
        rte_eth_dev_stop((uint16_t)port);
        rte_eth_dev_close((uint16_t)port);
        rte_eal_cleanup();
        return 3;
    }
    if (capture.count > 0)
    {
        fprintf(stderr, PROGRAM ": %s: %" PRIu64 " Ethernet packets (%" PRIu64 " skipped: not Ethernet, %" PRIu64
            " truncated in the capture: sent as captured)\n", options.pcap_file, capture.count,
            capture.skipped_non_ethernet, capture.truncated);
    }

    memset(&stats, 0, sizeof(stats));
    const double start = sluice_now_seconds();
    if (options.synth)
    {
        run_synth(&options, (uint16_t)port, pool, &stats);
    }
    else
    {
        run_replay(&options, &capture, (uint16_t)port, pool, &stats);
    }
    stats.elapsed_s = sluice_now_seconds() - start;
    if (options.linger_ms > 0)
    {
        rte_delay_ms(options.linger_ms);
    }
    rc = rte_eth_dev_stop((uint16_t)port);
    rte_eth_dev_close((uint16_t)port); /* net_pcap flushes and closes its tx_pcap file here */
    report(&options, port_name, &stats);
    if (rc != 0)
    {
        fprintf(stderr, PROGRAM ": stopping the port failed: %s\n", rte_strerror(-rc));
    }
    free(capture.packets);
    if (capture.map != NULL)
    {
        munmap(capture.map, capture.map_length);
    }
    rte_mempool_free(pool);
    rte_eal_cleanup();
    return stats.tx_failed == 0 ? 0 : 1;
}
