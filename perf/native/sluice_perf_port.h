/*
 * Shared by sluice-trafgen and sluice-rxbench: EAL-side helpers that both programs need in
 * the same form, so the generator and the C receive benchmark set ports up identically.
 *
 * Header-only on purpose: each program stays one translation unit, built by build.sh with
 * one gcc call.
 */
#ifndef SLUICE_PERF_PORT_H
#define SLUICE_PERF_PORT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define SLUICE_RX_RING_SIZE 1024
#define SLUICE_TX_RING_SIZE 1024

/*
 * Finds a port by its device name (the --vdev name, e.g. "net_memif0"); a number is taken
 * as a port id. Returns -1 when no such port exists.
 */
static inline int sluice_find_port(const char *name_or_id)
{
    uint16_t port_id;
    char *end = NULL;
    unsigned long id = strtoul(name_or_id, &end, 10);

    if (end != name_or_id && *end == '\0')
    {
        return rte_eth_dev_is_valid_port((uint16_t)id) ? (int)id : -1;
    }
    if (rte_eth_dev_get_port_by_name(name_or_id, &port_id) == 0)
    {
        return port_id;
    }
    return -1;
}

/*
 * Configures one port with rx_queues receive queues and tx_queues transmit queues (both at
 * least 1: some virtual devices refuse a port without either) and starts it.
 * Returns 0 or a negative errno-style value, after printing what failed.
 */
static inline int sluice_start_port(
    const char *program, const uint16_t port_id, struct rte_mempool *pool,
    const uint16_t rx_queues, const uint16_t tx_queues)
{
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    uint16_t rx_ring = SLUICE_RX_RING_SIZE;
    uint16_t tx_ring = SLUICE_TX_RING_SIZE;
    int rc;

    memset(&conf, 0, sizeof(conf));
    rc = rte_eth_dev_info_get(port_id, &info);
    if (rc != 0)
    {
        fprintf(stderr, "%s: port %u: rte_eth_dev_info_get failed: %s\n", program, port_id, rte_strerror(-rc));
        return rc;
    }
    rc = rte_eth_dev_configure(port_id, rx_queues, tx_queues, &conf);
    if (rc != 0)
    {
        fprintf(stderr, "%s: port %u (%s): rte_eth_dev_configure(%u rx, %u tx) failed: %s\n",
            program, port_id, info.driver_name, rx_queues, tx_queues, rte_strerror(-rc));
        return rc;
    }
    rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_ring, &tx_ring);
    if (rc != 0)
    {
        fprintf(stderr, "%s: port %u: ring sizes refused: %s\n", program, port_id, rte_strerror(-rc));
        return rc;
    }
    for (uint16_t q = 0; q < rx_queues; q++)
    {
        rc = rte_eth_rx_queue_setup(port_id, q, rx_ring, rte_eth_dev_socket_id(port_id), NULL, pool);
        if (rc != 0)
        {
            fprintf(stderr, "%s: port %u: rx queue %u setup failed: %s\n", program, port_id, q, rte_strerror(-rc));
            return rc;
        }
    }
    for (uint16_t q = 0; q < tx_queues; q++)
    {
        rc = rte_eth_tx_queue_setup(port_id, q, tx_ring, rte_eth_dev_socket_id(port_id), NULL);
        if (rc != 0)
        {
            fprintf(stderr, "%s: port %u: tx queue %u setup failed: %s\n", program, port_id, q, rte_strerror(-rc));
            return rc;
        }
    }
    rc = rte_eth_dev_start(port_id);
    if (rc != 0)
    {
        fprintf(stderr, "%s: port %u: start failed: %s\n", program, port_id, rte_strerror(-rc));
        return rc;
    }
    return 0;
}

/*
 * Waits up to timeout_ms for the link to come up (memif needs its peer to connect;
 * other virtual devices are up at once). Returns 1 when up.
 */
static inline int sluice_wait_link_up(const uint16_t port_id, const uint32_t timeout_ms, volatile int *stop)
{
    struct rte_eth_link link;
    uint32_t waited_ms = 0;

    for (;;)
    {
        memset(&link, 0, sizeof(link));
        if (rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_UP)
        {
            return 1;
        }
        if (waited_ms >= timeout_ms || (stop != NULL && *stop))
        {
            return 0;
        }
        rte_delay_ms(10);
        waited_ms += 10;
    }
}

static inline double sluice_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
