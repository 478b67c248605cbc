/*
 * Sluice's shim over DPDK 22.11: exports, as ordinary symbols, what DPDK only offers as inline
 * functions or macros (rx/tx burst, bulk free, mbuf fields), plus the setup calls the
 * dataplane binds with FFM (EAL init, mempool, port and queue configuration, link state,
 * extended statistics).
 *
 * The fast path is sluice_dpdk_rx_fill: one downcall per burst that receives up to n mbufs
 * and writes each one's data address, lengths, RSS hash and timestamp into caller-provided
 * arrays, so Java never calls back per packet. Multi-segment mbufs (a packet larger than the
 * mempool's data room) are freed here and counted, never handed to Java: the dataplane reads
 * a packet as one contiguous run of bytes.
 *
 * Every function returns a negative errno-style value (or NULL) on failure; rte_errno and the
 * EAL log captured during init explain it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_dev.h>

#define SLUICE_EXPORT __attribute__((visibility("default")))

/* Flag bits written per packet by sluice_dpdk_rx_fill. */
#define SLUICE_RX_RSS_VALID 1
#define SLUICE_RX_TIMESTAMP_FROM_DEVICE 2

#define SLUICE_EAL_LOG_CAPACITY 16384

static int timestamp_offset = -1;
static uint64_t timestamp_flag = 0;
static char eal_log[SLUICE_EAL_LOG_CAPACITY];

SLUICE_EXPORT int sluice_dpdk_abi_version(void)
{
    return 2;
}

SLUICE_EXPORT int sluice_dpdk_errno(void)
{
    return rte_errno;
}

SLUICE_EXPORT const char *sluice_dpdk_strerror(int error)
{
    return rte_strerror(error < 0 ? -error : error);
}

/*
 * rte_eal_init with the caller's argv. The EAL's log during init goes to a memory stream so the
 * caller can read it (sluice_dpdk_eal_log) and name the fix for a failure; afterwards the log
 * goes back to the default stream (stderr).
 */
SLUICE_EXPORT int sluice_dpdk_eal_init(int argc, char **argv)
{
    char *text = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&text, &length);
    if (stream != NULL)
    {
        rte_openlog_stream(stream);
    }
    /* rte_eal_init may permute argv; hand it a copy of the pointer array. */
    char **copy = calloc((size_t)argc + 1, sizeof(char *));
    if (copy == NULL)
    {
        return -ENOMEM;
    }
    memcpy(copy, argv, (size_t)argc * sizeof(char *));
    int result = rte_eal_init(argc, copy);
    int saved_errno = rte_errno;
    free(copy);
    if (stream != NULL)
    {
        rte_openlog_stream(NULL);
        fclose(stream);
        size_t n = length < SLUICE_EAL_LOG_CAPACITY - 1 ? length : SLUICE_EAL_LOG_CAPACITY - 1;
        memcpy(eal_log, text, n);
        eal_log[n] = '\0';
        free(text);
        /* Show the operator what the EAL said, as it would have without the capture. */
        fputs(eal_log, stderr);
    }
    if (result < 0)
    {
        rte_errno = saved_errno;
        return -(saved_errno != 0 ? saved_errno : EINVAL);
    }
    return result;
}

SLUICE_EXPORT const char *sluice_dpdk_eal_log(void)
{
    return eal_log;
}

SLUICE_EXPORT int sluice_dpdk_eal_cleanup(void)
{
    return rte_eal_cleanup();
}

/*
 * Makes the calling thread an EAL thread with an lcore id of its own (rte_thread_register), so
 * mempool operations on it use the pool's per-lcore cache instead of the shared ring. Returns
 * the lcore id, or -errno (e.g. -ENOMEM when every lcore id is taken). The thread keeps its CPU
 * affinity. Call rte_thread_unregister (sluice_dpdk_thread_unregister) before the thread ends.
 */
SLUICE_EXPORT int sluice_dpdk_thread_register(void)
{
    if (rte_lcore_id() != LCORE_ID_ANY)
    {
        return (int)rte_lcore_id();
    }
    if (rte_thread_register() != 0)
    {
        return -(rte_errno != 0 ? rte_errno : EINVAL);
    }
    return (int)rte_lcore_id();
}

SLUICE_EXPORT void sluice_dpdk_thread_unregister(void)
{
    rte_thread_unregister();
}

SLUICE_EXPORT int sluice_dpdk_dev_probe(const char *devargs)
{
    return rte_dev_probe(devargs);
}

/* Detaches a virtual device hot-plugged with sluice_dpdk_dev_probe (its port must be closed). */
SLUICE_EXPORT int sluice_dpdk_vdev_remove(const char *name)
{
    return rte_eal_hotplug_remove("vdev", name);
}

SLUICE_EXPORT void *sluice_dpdk_pool_create(
    const char *name, uint32_t mbufs, uint32_t cache, uint16_t data_room, int socket)
{
    return rte_pktmbuf_pool_create(name, mbufs, cache, 0, data_room, socket < 0 ? (int)rte_socket_id() : socket);
}

SLUICE_EXPORT uint32_t sluice_dpdk_pool_available(const void *pool)
{
    return rte_mempool_avail_count((const struct rte_mempool *)pool);
}

SLUICE_EXPORT uint32_t sluice_dpdk_pool_in_use(const void *pool)
{
    return rte_mempool_in_use_count((const struct rte_mempool *)pool);
}

SLUICE_EXPORT void sluice_dpdk_pool_free(void *pool)
{
    rte_mempool_free((struct rte_mempool *)pool);
}

SLUICE_EXPORT int sluice_dpdk_port_by_name(const char *name)
{
    uint16_t port = 0;
    int result = rte_eth_dev_get_port_by_name(name, &port);
    return result < 0 ? result : (int)port;
}

SLUICE_EXPORT int sluice_dpdk_port_count(void)
{
    return (int)rte_eth_dev_count_avail();
}

/* Copies the port's driver name (e.g. "net_pcap") into name; returns its length or -errno. */
SLUICE_EXPORT int sluice_dpdk_port_driver(uint16_t port, char *name, uint32_t capacity)
{
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port, &info);
    if (result < 0)
    {
        return result;
    }
    return snprintf(name, capacity, "%s", info.driver_name == NULL ? "" : info.driver_name);
}

/* Maximum rx queues (low 16 bits) and tx queues (high 16 bits) the port reports, or -errno. */
SLUICE_EXPORT int sluice_dpdk_port_max_queues(uint16_t port)
{
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port, &info);
    if (result < 0)
    {
        return result;
    }
    return (int)((uint32_t)info.max_rx_queues | ((uint32_t)info.max_tx_queues << 16));
}

/*
 * Configures rx_queues receive and tx_queues transmit queues. RSS spreads flows over the receive
 * queues when the device can hash (flow_type_rss_offloads != 0) and there is more than one queue;
 * otherwise the device decides (a pcap vdev reads one file per queue). Requests the receive
 * timestamp offload when offered. Returns a bit set: 1 = RSS on, 2 = timestamp offload on; or -errno.
 */
SLUICE_EXPORT int sluice_dpdk_port_configure(uint16_t port, uint16_t rx_queues, uint16_t tx_queues)
{
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port, &info);
    if (result < 0)
    {
        return result;
    }
    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof(conf));
    int features = 0;
    uint64_t hash = info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
    if (rx_queues > 1 && hash != 0)
    {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_key = NULL;
        conf.rx_adv_conf.rss_conf.rss_hf = hash;
        conf.rxmode.offloads |= info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH;
        features |= 1;
    }
    if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)
    {
        conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
        features |= 2;
    }
    result = rte_eth_dev_configure(port, rx_queues, tx_queues, &conf);
    if (result < 0)
    {
        return result;
    }
    return features;
}

SLUICE_EXPORT int sluice_dpdk_rx_queue_setup(uint16_t port, uint16_t queue, uint16_t descriptors, void *pool)
{
    /* SOCKET_ID_ANY (-1) when the port has no NUMA affinity: as unsigned it means "any" to DPDK. */
    int socket = rte_eth_dev_socket_id(port);
    return rte_eth_rx_queue_setup(
        port, queue, descriptors, (unsigned)socket, NULL, (struct rte_mempool *)pool);
}

SLUICE_EXPORT int sluice_dpdk_tx_queue_setup(uint16_t port, uint16_t queue, uint16_t descriptors)
{
    int socket = rte_eth_dev_socket_id(port);
    return rte_eth_tx_queue_setup(port, queue, descriptors, (unsigned)socket, NULL);
}

/* Starts the port; afterwards looks up the timestamp dynfield a driver may have registered. */
SLUICE_EXPORT int sluice_dpdk_port_start(uint16_t port)
{
    int result = rte_eth_dev_start(port);
    if (result < 0)
    {
        return result;
    }
    int offset = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
    int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
    if (offset >= 0 && bit >= 0)
    {
        timestamp_offset = offset;
        timestamp_flag = 1ULL << bit;
    }
    return 0;
}

SLUICE_EXPORT int sluice_dpdk_port_stop(uint16_t port)
{
    return rte_eth_dev_stop(port);
}

SLUICE_EXPORT int sluice_dpdk_port_close(uint16_t port)
{
    return rte_eth_dev_close(port);
}

/* Link state: 1 = up, 0 = down; speed in Mbit/s through *speed_mbps; or -errno. */
SLUICE_EXPORT int sluice_dpdk_link(uint16_t port, uint32_t *speed_mbps)
{
    struct rte_eth_link link;
    memset(&link, 0, sizeof(link));
    int result = rte_eth_link_get_nowait(port, &link);
    if (result < 0)
    {
        return result;
    }
    if (speed_mbps != NULL)
    {
        *speed_mbps = link.link_speed;
    }
    return link.link_status == RTE_ETH_LINK_UP ? 1 : 0;
}

/* Number of extended statistics, or -errno. */
SLUICE_EXPORT int sluice_dpdk_xstats_count(uint16_t port)
{
    return rte_eth_xstats_get_names(port, NULL, 0);
}

/* Copies up to count names, each RTE_ETH_XSTATS_NAME_SIZE (64) bytes, NUL-terminated, into names. */
SLUICE_EXPORT int sluice_dpdk_xstats_names(uint16_t port, char *names, uint32_t count)
{
    return rte_eth_xstats_get_names(port, (struct rte_eth_xstat_name *)names, count);
}

/* Copies up to count values, in the order of the names, into values. */
SLUICE_EXPORT int sluice_dpdk_xstats_values(uint16_t port, uint64_t *values, uint32_t count)
{
    struct rte_eth_xstat stats[count == 0 ? 1 : count];
    int result = rte_eth_xstats_get(port, stats, count);
    if (result < 0 || (uint32_t)result > count)
    {
        return result;
    }
    for (int i = 0; i < result; i++)
    {
        values[i] = stats[i].value;
    }
    return result;
}

SLUICE_EXPORT int sluice_dpdk_xstats_name_size(void)
{
    return RTE_ETH_XSTATS_NAME_SIZE;
}

SLUICE_EXPORT uint16_t sluice_dpdk_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t n)
{
    return rte_eth_rx_burst(port, queue, mbufs, n);
}

SLUICE_EXPORT uint16_t sluice_dpdk_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t n)
{
    return rte_eth_tx_burst(port, queue, mbufs, n);
}

SLUICE_EXPORT void sluice_dpdk_free_bulk(struct rte_mbuf **mbufs, uint32_t n)
{
    rte_pktmbuf_free_bulk(mbufs, n);
}

/* Per-mbuf accessors, for tools and tests; the fast path uses sluice_dpdk_rx_fill. */
SLUICE_EXPORT uint64_t sluice_dpdk_mbuf_data(const struct rte_mbuf *m)
{
    return (uint64_t)(uintptr_t)rte_pktmbuf_mtod(m, const void *);
}

SLUICE_EXPORT uint32_t sluice_dpdk_mbuf_data_len(const struct rte_mbuf *m)
{
    return m->data_len;
}

SLUICE_EXPORT uint32_t sluice_dpdk_mbuf_pkt_len(const struct rte_mbuf *m)
{
    return m->pkt_len;
}

SLUICE_EXPORT uint32_t sluice_dpdk_mbuf_port(const struct rte_mbuf *m)
{
    return m->port;
}

SLUICE_EXPORT uint32_t sluice_dpdk_mbuf_nb_segs(const struct rte_mbuf *m)
{
    return m->nb_segs;
}

/* RSS hash through *hash; returns 1 when the device set it (RTE_MBUF_F_RX_RSS_HASH), else 0. */
SLUICE_EXPORT int sluice_dpdk_mbuf_rss(const struct rte_mbuf *m, uint32_t *hash)
{
    *hash = m->hash.rss;
    return (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) != 0;
}

/* Device timestamp in the driver's unit (ns for net_pcap) or -1 when the mbuf carries none. */
SLUICE_EXPORT int64_t sluice_dpdk_mbuf_timestamp(const struct rte_mbuf *m)
{
    if (timestamp_offset < 0 || (m->ol_flags & timestamp_flag) == 0)
    {
        return -1;
    }
    return (int64_t)*RTE_MBUF_DYNFIELD(m, timestamp_offset, rte_mbuf_timestamp_t *);
}

/*
 * The fast path: receives up to n packets from (port, queue) and describes each single-segment
 * one in the caller's arrays: mbufs[i], data address, data length, packet length, RSS hash,
 * flags (SLUICE_RX_*) and a timestamp in ns: the device's times timestamp_scale when the caller
 * knows the driver's unit (timestamp_scale > 0; net_pcap in DPDK 22.11 stamps microseconds, a
 * NIC stamps its own clock's ticks), else CLOCK_REALTIME read once per burst. Multi-segment mbufs are freed here and added to *multi_segment_drops.
 * Returns the number of packets described.
 */
SLUICE_EXPORT uint32_t sluice_dpdk_rx_fill(
    uint16_t port,
    uint16_t queue,
    uint16_t n,
    int64_t timestamp_scale,
    struct rte_mbuf **mbufs,
    uint64_t *addresses,
    uint32_t *data_lengths,
    uint32_t *packet_lengths,
    uint32_t *rss_hashes,
    uint32_t *flags,
    int64_t *timestamps,
    uint64_t *multi_segment_drops)
{
    uint16_t received = rte_eth_rx_burst(port, queue, mbufs, n);
    if (received == 0)
    {
        return 0;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    uint32_t kept = 0;
    for (uint16_t i = 0; i < received; i++)
    {
        struct rte_mbuf *m = mbufs[i];
        if (m->nb_segs != 1)
        {
            rte_pktmbuf_free(m);
            (*multi_segment_drops)++;
            continue;
        }
        uint32_t flag = 0;
        int64_t timestamp = now_ns;
        if (timestamp_scale > 0 && timestamp_offset >= 0 && (m->ol_flags & timestamp_flag) != 0)
        {
            timestamp = (int64_t)*RTE_MBUF_DYNFIELD(m, timestamp_offset, rte_mbuf_timestamp_t *) * timestamp_scale;
            flag |= SLUICE_RX_TIMESTAMP_FROM_DEVICE;
        }
        if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
        {
            flag |= SLUICE_RX_RSS_VALID;
        }
        mbufs[kept] = m;
        addresses[kept] = (uint64_t)(uintptr_t)rte_pktmbuf_mtod(m, void *);
        data_lengths[kept] = m->data_len;
        packet_lengths[kept] = m->pkt_len;
        rss_hashes[kept] = m->hash.rss;
        flags[kept] = flag;
        timestamps[kept] = timestamp;
        kept++;
    }
    return kept;
}
