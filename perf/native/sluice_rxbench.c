/*
 * sluice-rxbench: the C side of the DPDK receive benchmark (issue 3). One queue, rx burst,
 * Ethernet (VLAN tags skipped) / IPv4 / UDP header parse of every packet, bulk free. The Java
 * side (dev.sluice.perf.dpdk.DpdkRxBenchmark) runs the same loop over FFM; the ratio of the
 * two packet rates, same vdev and EAL options, is the figure the issue asks for.
 *
 *   sluice-rxbench [EAL args] -- [--port NAME|ID] [--seconds S] [--warmup S] [--burst N]
 *       [--fill udp|none] [--count N] [--check-sequence] [--idle-exit-ms MS] [--report-json FILE]
 *
 * The parse folds each packet into a 64-bit accumulator so the compiler cannot drop the work;
 * the Java side computes the same value (see parse_packet) and the two can be compared on a
 * deterministic input:
 *
 *   h = ethertype (after VLAN tags; 0 when the frame is shorter than 14 bytes)
 *   IPv4 (version 4, 20 <= IHL*4 <= remaining): h = h * 31 + src; h = h * 31 + dst;
 *        h = h * 31 + (protocol << 8 | IHL*4)
 *   UDP (protocol 17, 8 bytes present after the IPv4 header): h = h * 31 + (src_port << 16 | dst_port)
 *   accumulator += h      (all unsigned 64-bit, fields read in network byte order)
 *
 * With --fill udp (the default), every mbuf of the pool is written once, before the port
 * starts, with a 64-byte Ethernet/IPv4/UDP frame: net_null hands out pool mbufs without
 * writing their data (copy=0), so the parse sees a real UDP header instead of zeros.
 *
 * --check-sequence reads the generator's "SLG1" + sequence payload and reports duplicates
 * and, with --count N, missing sequence numbers: the receiver end of the memif test.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_udp.h>

#include "sluice_perf_port.h"

#define PROGRAM "sluice-rxbench"
#define MAX_BURST 512
#define POOL_MBUFS 16383
#define POOL_CACHE 256
#define DEFAULT_BURST 32
#define POLLS_PER_CLOCK_CHECK 256
#define FILL_FRAME_LENGTH 64
#define SYNTH_MAGIC "SLG1"
#define SYNTH_MAGIC_LENGTH 4
#define MAX_CHECKED_SEQUENCES (1ull << 32)

static volatile int stop_requested;

struct options
{
    const char *port_name;
    const char *report_json;
    double seconds;
    double warmup_s;
    uint32_t burst;
    bool fill_udp;
    uint64_t count;          /* stop after this many packets; 0 = run for --seconds */
    bool check_sequence;
    uint32_t idle_exit_ms;   /* stop when nothing arrived for this long after the first packet */
};

struct result
{
    uint64_t packets;
    uint64_t bytes;
    uint64_t polls;
    uint64_t empty_polls;
    uint64_t accumulator;
    double seconds;
    double cpu_seconds; /* this thread's CPU time: robust against sharing the core with others */
    uint64_t with_sequence;
    uint64_t duplicates;
    uint64_t out_of_range;
};

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(const int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static inline uint16_t be16_at(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The per-packet work both languages do; see the file comment for the exact formula. */
static inline uint64_t parse_packet(const uint8_t *p, const uint32_t length)
{
    uint32_t offset = RTE_ETHER_HDR_LEN;
    uint64_t h;
    uint16_t ether_type;

    if (length < RTE_ETHER_HDR_LEN)
    {
        return 0;
    }
    ether_type = be16_at(p + 12);
    while ((ether_type == RTE_ETHER_TYPE_VLAN || ether_type == RTE_ETHER_TYPE_QINQ) && offset + 4 <= length)
    {
        ether_type = be16_at(p + offset + 2);
        offset += 4;
    }
    h = ether_type;
    if (ether_type != RTE_ETHER_TYPE_IPV4 || offset + 20 > length || (p[offset] >> 4) != 4)
    {
        return h;
    }
    const uint32_t ihl = (uint32_t)(p[offset] & 0x0f) * 4;
    if (ihl < 20 || offset + ihl > length)
    {
        return h;
    }
    const uint32_t protocol = p[offset + 9];
    h = h * 31 + be32_at(p + offset + 12);
    h = h * 31 + be32_at(p + offset + 16);
    h = h * 31 + ((protocol << 8) | ihl);
    offset += ihl;
    if (protocol == IPPROTO_UDP && offset + 8 <= length)
    {
        h = h * 31 + be32_at(p + offset); /* source port << 16 | destination port */
    }
    return h;
}

static void usage(void)
{
    fprintf(stderr,
        "usage: " PROGRAM " [EAL args] -- [--port NAME|ID] [--seconds S] [--warmup S] [--burst N] [--fill udp|none]\n"
        "           [--count N] [--check-sequence] [--idle-exit-ms MS] [--report-json FILE]\n"
        "  e.g. " PROGRAM " --no-huge -m 512 --no-pci --in-memory --vdev net_null0,size=64 -- --seconds 5\n"
        "       " PROGRAM " ... --vdev net_pcap0,rx_pcap=small.pcap,infinite_rx=1 -- --seconds 5\n"
        "       " PROGRAM " ... --vdev net_memif0,role=client,socket=/tmp/m.sock -- --count 1000 --check-sequence\n");
}

static int parse_options(const int argc, char **argv, struct options *options)
{
    enum
    {
        OPT_PORT = 256, OPT_SECONDS, OPT_WARMUP, OPT_BURST, OPT_FILL, OPT_COUNT, OPT_CHECK_SEQUENCE, OPT_IDLE_EXIT,
        OPT_REPORT_JSON, OPT_HELP
    };
    static const struct option long_options[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"seconds", required_argument, NULL, OPT_SECONDS},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"burst", required_argument, NULL, OPT_BURST},
        {"fill", required_argument, NULL, OPT_FILL},
        {"count", required_argument, NULL, OPT_COUNT},
        {"check-sequence", no_argument, NULL, OPT_CHECK_SEQUENCE},
        {"idle-exit-ms", required_argument, NULL, OPT_IDLE_EXIT},
        {"report-json", required_argument, NULL, OPT_REPORT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0}};
    int option;
    char *end;

    memset(options, 0, sizeof(*options));
    options->seconds = 5;
    options->warmup_s = 1;
    options->burst = DEFAULT_BURST;
    options->fill_udp = true;
    optind = 1;
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1)
    {
        end = NULL;
        switch (option)
        {
            case OPT_PORT: options->port_name = optarg; break;
            case OPT_SECONDS: options->seconds = strtod(optarg, &end); break;
            case OPT_WARMUP: options->warmup_s = strtod(optarg, &end); break;
            case OPT_BURST: options->burst = (uint32_t)strtoul(optarg, &end, 10); break;
            case OPT_COUNT: options->count = strtoull(optarg, &end, 10); break;
            case OPT_IDLE_EXIT: options->idle_exit_ms = (uint32_t)strtoul(optarg, &end, 10); break;
            case OPT_CHECK_SEQUENCE: options->check_sequence = true; break;
            case OPT_REPORT_JSON: options->report_json = optarg; break;
            case OPT_FILL:
                if (strcmp(optarg, "udp") != 0 && strcmp(optarg, "none") != 0)
                {
                    fprintf(stderr, PROGRAM ": --fill takes udp or none\n");
                    return -1;
                }
                options->fill_udp = strcmp(optarg, "udp") == 0;
                break;
            case OPT_HELP: usage(); exit(0);
            default: usage(); return -1;
        }
        if (end != NULL && (end == optarg || *end != '\0'))
        {
            fprintf(stderr, PROGRAM ": %s needs a number, not '%s'\n", argv[optind - 1], optarg);
            return -1;
        }
    }
    if (optind != argc)
    {
        fprintf(stderr, PROGRAM ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (options->burst == 0 || options->burst > MAX_BURST)
    {
        fprintf(stderr, PROGRAM ": --burst must be 1..%d\n", MAX_BURST);
        return -1;
    }
    if (options->check_sequence && options->count > MAX_CHECKED_SEQUENCES)
    {
        fprintf(stderr, PROGRAM ": --check-sequence tracks at most 2^32 packets\n");
        return -1;
    }
    return 0;
}

/* rte_mempool_obj_iter callback: a 64-byte Ethernet/IPv4/UDP frame where net_null's rx data starts. */
static void fill_udp_frame(struct rte_mempool *pool, void *opaque, void *object, unsigned index)
{
    (void)pool;
    (void)opaque;
    struct rte_mbuf *m = object;
    uint8_t *frame = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
    struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
    struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

    memset(frame, 0, FILL_FRAME_LENGTH);
    memset(eth->dst_addr.addr_bytes, 0x02, RTE_ETHER_ADDR_LEN);
    memset(eth->src_addr.addr_bytes, 0x04, RTE_ETHER_ADDR_LEN);
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    ip->version_ihl = RTE_IPV4_VHL_DEF;
    ip->total_length = rte_cpu_to_be_16(FILL_FRAME_LENGTH - RTE_ETHER_HDR_LEN);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_UDP;
    ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1) + (index & 0xff));
    ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 255, 0, 1));
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + (index & 0xff)));
    udp->dst_port = rte_cpu_to_be_16(9);
    udp->dgram_len = rte_cpu_to_be_16(FILL_FRAME_LENGTH - RTE_ETHER_HDR_LEN - 20);
}

/* Finds the generator's "SLG1" + sequence after an Ethernet/[VLAN]/IPv4|IPv6/UDP header. */
static bool synth_sequence(const uint8_t *p, const uint32_t length, uint64_t *sequence)
{
    uint32_t offset = RTE_ETHER_HDR_LEN;
    if (length < offset)
    {
        return false;
    }
    uint16_t ether_type = be16_at(p + 12);
    while (ether_type == RTE_ETHER_TYPE_VLAN && offset + 4 <= length)
    {
        ether_type = be16_at(p + offset + 2);
        offset += 4;
    }
    if (ether_type == RTE_ETHER_TYPE_IPV4 && offset + 20 <= length)
    {
        offset += (uint32_t)(p[offset] & 0x0f) * 4;
    }
    else if (ether_type == RTE_ETHER_TYPE_IPV6)
    {
        offset += 40;
    }
    else
    {
        return false;
    }
    offset += 8;
    if (offset + 12 > length || memcmp(p + offset, SYNTH_MAGIC, SYNTH_MAGIC_LENGTH) != 0)
    {
        return false;
    }
    *sequence = ((uint64_t)be32_at(p + offset + 4) << 32) | be32_at(p + offset + 8);
    return true;
}

static void check_sequences(struct rte_mbuf **bufs, const uint16_t n, uint8_t *seen, const uint64_t seen_size,
    struct result *result)
{
    uint64_t sequence;
    for (uint16_t i = 0; i < n; i++)
    {
        if (!synth_sequence(rte_pktmbuf_mtod(bufs[i], const uint8_t *), bufs[i]->data_len, &sequence))
        {
            continue;
        }
        result->with_sequence++;
        if (sequence >= seen_size)
        {
            result->out_of_range++;
            continue;
        }
        if (seen[sequence >> 3] & (1u << (sequence & 7)))
        {
            result->duplicates++;
        }
        seen[sequence >> 3] |= (uint8_t)(1u << (sequence & 7));
    }
}

/*
 * The loop being measured: poll, parse every packet, free the burst. Runs until `seconds`
 * pass (0: no time limit), `count` packets arrived, an idle gap, or SIGINT.
 */
static void receive(const struct options *options, const uint16_t port_id, const double seconds,
    const bool measured, uint8_t *seen, const uint64_t seen_size, struct result *result)
{
    struct rte_mbuf *bufs[MAX_BURST];
    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t start = rte_get_tsc_cycles();
    const uint64_t deadline = seconds > 0 ? start + (uint64_t)(seconds * (double)hz) : UINT64_MAX;
    const uint64_t idle_cycles = (uint64_t)options->idle_exit_ms * hz / 1000;
    const uint16_t burst = (uint16_t)options->burst;
    uint64_t accumulator = 0;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t polls = 0;
    uint64_t empty_polls = 0;
    uint64_t last_packet_tsc = 0;
    uint64_t now = start;
    const double cpu_start = thread_cpu_seconds();

    while (!stop_requested)
    {
        const uint16_t n = rte_eth_rx_burst(port_id, 0, bufs, burst);
        polls++;
        if (n == 0)
        {
            empty_polls++;
        }
        else
        {
            for (uint16_t i = 0; i < n; i++)
            {
                const struct rte_mbuf *m = bufs[i];
                accumulator += parse_packet(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
                bytes += m->pkt_len;
            }
            if (seen != NULL)
            {
                check_sequences(bufs, n, seen, seen_size, result);
            }
            rte_pktmbuf_free_bulk(bufs, n);
            packets += n;
            if (options->count != 0 && measured && packets >= options->count)
            {
                break;
            }
        }
        if (polls % POLLS_PER_CLOCK_CHECK == 0 || n == 0 || idle_cycles != 0)
        {
            now = rte_get_tsc_cycles();
            if (now >= deadline)
            {
                break;
            }
            if (n > 0)
            {
                last_packet_tsc = now;
            }
            else if (idle_cycles != 0 && last_packet_tsc != 0 && now - last_packet_tsc >= idle_cycles)
            {
                break;
            }
        }
    }
    now = rte_get_tsc_cycles();
    result->cpu_seconds = thread_cpu_seconds() - cpu_start;
    result->packets = packets;
    result->bytes = bytes;
    result->polls = polls;
    result->empty_polls = empty_polls;
    result->accumulator = accumulator;
    result->seconds = (double)(now - start) / (double)hz;
}

int main(int argc, char **argv)
{
    struct options options;
    struct result warmup;
    struct result result;
    char port_name[RTE_ETH_NAME_MAX_LEN];
    uint8_t *seen = NULL;
    uint64_t seen_size = 0;
    int port;

    const int eal_args = rte_eal_init(argc, argv);
    if (eal_args < 0)
    {
        fprintf(stderr, PROGRAM ": EAL init failed: %s (without hugepages add --no-huge; several instances need "
            "distinct --file-prefix or --in-memory)\n", rte_strerror(rte_errno));
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

    port = options.port_name != NULL ? sluice_find_port(options.port_name)
        : (rte_eth_dev_count_avail() == 1 ? (int)rte_eth_find_next(0) : -1);
    if (port < 0)
    {
        fprintf(stderr, PROGRAM ": no rx port (%u ports; add --vdev net_null0,size=64 to the EAL args)\n",
            rte_eth_dev_count_avail());
        rte_eal_cleanup();
        return 2;
    }
    rte_eth_dev_get_name_by_port((uint16_t)port, port_name);

    struct rte_mempool *pool = rte_pktmbuf_pool_create("rxbench_pool", POOL_MBUFS, POOL_CACHE, 0,
        RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
    if (pool == NULL)
    {
        fprintf(stderr, PROGRAM ": cannot create the mbuf pool: %s (give EAL more memory: -m 512)\n", rte_strerror(rte_errno));
        rte_eal_cleanup();
        return 2;
    }
    if (options.fill_udp)
    {
        rte_mempool_obj_iter(pool, fill_udp_frame, NULL);
    }
    const unsigned free_at_start = rte_mempool_avail_count(pool);
    if (sluice_start_port(PROGRAM, (uint16_t)port, pool, 1, 1) != 0)
    {
        rte_eal_cleanup();
        return 2;
    }
    if (!sluice_wait_link_up((uint16_t)port, 10000, &stop_requested))
    {
        fprintf(stderr, PROGRAM ": link of %s still down after 10 s (a memif needs its peer)\n", port_name);
    }
    if (options.check_sequence)
    {
        seen_size = options.count != 0 ? options.count : (1u << 24);
        seen = calloc((size_t)(seen_size + 7) / 8, 1);
        if (seen == NULL)
        {
            fprintf(stderr, PROGRAM ": out of memory for the sequence bitmap\n");
            rte_eal_cleanup();
            return 2;
        }
    }

    memset(&warmup, 0, sizeof(warmup));
    memset(&result, 0, sizeof(result));
    if (options.warmup_s > 0 && options.count == 0)
    {
        receive(&options, (uint16_t)port, options.warmup_s, false, NULL, 0, &warmup);
    }
    receive(&options, (uint16_t)port, options.count != 0 ? 0 : options.seconds, true, seen, seen_size, &result);

    struct rte_eth_stats port_stats;
    memset(&port_stats, 0, sizeof(port_stats));
    rte_eth_stats_get((uint16_t)port, &port_stats);
    rte_eth_dev_stop((uint16_t)port);
    rte_eth_dev_close((uint16_t)port);
    const unsigned free_at_end = rte_mempool_avail_count(pool);

    const double pps = result.seconds > 0 ? (double)result.packets / result.seconds : 0;
    const double ns_per_packet = result.packets > 0 ? result.seconds * 1e9 / (double)result.packets : 0;
    const double pps_cpu = result.cpu_seconds > 0 ? (double)result.packets / result.cpu_seconds : 0;
    const double cpu_ns_per_packet = result.packets > 0 ? result.cpu_seconds * 1e9 / (double)result.packets : 0;
    printf(PROGRAM ": port=%s burst=%u packets=%" PRIu64 " bytes=%" PRIu64 " seconds=%.3f pps=%.0f ns_per_packet=%.2f"
        " cpu_seconds=%.3f pps_per_cpu_second=%.0f cpu_ns_per_packet=%.2f"
        " polls=%" PRIu64 " empty_polls=%" PRIu64 " accumulator=0x%016" PRIx64 " warmup_packets=%" PRIu64
        " pool_free_start=%u pool_free_end=%u port_ipackets=%" PRIu64 " port_imissed=%" PRIu64 "\n",
        port_name, options.burst, result.packets, result.bytes, result.seconds, pps, ns_per_packet,
        result.cpu_seconds, pps_cpu, cpu_ns_per_packet, result.polls,
        result.empty_polls, result.accumulator, warmup.packets, free_at_start, free_at_end, port_stats.ipackets,
        port_stats.imissed);
    uint64_t missing = 0;
    if (seen != NULL)
    {
        if (options.count != 0)
        {
            for (uint64_t s = 0; s < seen_size; s++)
            {
                missing += (seen[s >> 3] & (1u << (s & 7))) == 0;
            }
        }
        printf(PROGRAM ": sequence check: with_sequence=%" PRIu64 " duplicates=%" PRIu64 " missing=%" PRIu64
            " out_of_range=%" PRIu64 "\n", result.with_sequence, result.duplicates, missing, result.out_of_range);
    }
    fflush(stdout);
    if (options.report_json != NULL)
    {
        FILE *out = fopen(options.report_json, "w");
        if (out != NULL)
        {
            fprintf(out, "{\"port\":\"%s\",\"burst\":%u,\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"seconds\":%.6f,"
                "\"pps\":%.0f,\"ns_per_packet\":%.3f,\"cpu_seconds\":%.6f,\"pps_per_cpu_second\":%.0f,\"accumulator\":\"0x%016" PRIx64 "\",\"duplicates\":%" PRIu64
                ",\"missing\":%" PRIu64 "}\n", port_name, options.burst, result.packets, result.bytes, result.seconds,
                pps, ns_per_packet, result.cpu_seconds, pps_cpu, result.accumulator, result.duplicates, missing);
            fclose(out);
        }
    }
    free(seen);
    rte_mempool_free(pool);
    rte_eal_cleanup();
    if (options.check_sequence && (result.duplicates != 0 || missing != 0))
    {
        return 1;
    }
    return 0;
}
