package dev.sluice.dataplane.source.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One DPDK ethernet port configured for receive: N rx queues filled from one mempool, RSS across
 * them when the device can hash. A device is named as DPDK names it: a virtual device with its
 * arguments ({@code net_pcap0,rx_pcap=/x.pcap}, {@code net_null0}), hot-plugged when the EAL does
 * not have it yet, or a probed port's name (a PCI address). Opened and closed on the assembling
 * thread; each queue is then polled by exactly one {@link DpdkSource}.
 */
public final class DpdkPort implements AutoCloseable
{
    /** Receive descriptors per queue, DPDK's usual default. */
    public static final int DEFAULT_RX_DESCRIPTORS = 1024;
    private static final String VDEV_PREFIX = "net_";
    private static final int DRIVER_NAME_CAPACITY = 64;
    /** net_pcap in DPDK 22.11 stamps each packet with the capture's time in microseconds. */
    private static final String PCAP_DRIVER = "net_pcap";
    private static final long MICROSECONDS_TO_NS = 1_000L;
    /** A driver that needs as many tx queues as rx queues (DPDK 22.11's tap_dev_configure). */
    private static final String TX_QUEUES_REQUIRED = "net_tap";
    private static final int IDLE_TX_DESCRIPTORS = 64;

    private final String device;
    private final String name;
    private final short portId;
    private final int rxQueues;
    private final boolean hotPlugged;
    private final boolean rss;
    private final boolean deviceTimestamps;
    private final String driver;
    private boolean closed;

    private DpdkPort(
        final String device,
        final String name,
        final short portId,
        final int rxQueues,
        final boolean hotPlugged,
        final int features,
        final String driver)
    {
        this.driver = driver;
        this.device = device;
        this.name = name;
        this.portId = portId;
        this.rxQueues = rxQueues;
        this.hotPlugged = hotPlugged;
        this.rss = (features & 1) != 0;
        this.deviceTimestamps = (features & 2) != 0;
    }

    /** The port's name: the device string up to its first comma. */
    public static String portName(final String device)
    {
        final int comma = device.indexOf(',');
        return comma < 0 ? device : device.substring(0, comma);
    }

    /**
     * Finds (or hot-plugs) {@code device}, configures {@code rxQueues} receive queues of
     * {@code rxDescriptors} each over {@code pool}, and starts it.
     */
    public static DpdkPort open(final String device, final int rxQueues, final int rxDescriptors, final DpdkMempool pool)
        throws DpdkException
    {
        DpdkLibrary.ensureAvailable();
        if (DpdkEal.current() == null)
        {
            throw new IllegalStateException("DPDK's EAL must be initialised before a port is opened");
        }
        if (rxQueues < 1 || rxQueues > Short.MAX_VALUE || rxDescriptors < 1 || rxDescriptors > 0xFFFF)
        {
            throw new DpdkException("port " + device + ": queues must be 1.." + Short.MAX_VALUE + " and descriptors 1..65535");
        }
        final String name = portName(device);
        boolean hotPlugged = false;
        int port;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment nameString = arena.allocateFrom(name);
            port = DpdkLibrary.portByName(nameString);
            if (port < 0 && name.startsWith(VDEV_PREFIX))
            {
                final int probed = DpdkLibrary.devProbe(arena.allocateFrom(device));
                if (probed < 0)
                {
                    throw new DpdkException("cannot create DPDK virtual device " + device + ": " +
                        DpdkLibrary.strerror(probed) + "; check its arguments (e.g. net_pcap0,rx_pcap=/path.pcap " +
                        "names a readable file) and the EAL log above");
                }
                hotPlugged = true;
                port = DpdkLibrary.portByName(nameString);
            }
        }
        if (port < 0)
        {
            throw new DpdkException("no DPDK port named " + name + " (" + DpdkLibrary.portCount() + " ports available): " +
                "give a virtual device with its arguments (net_pcap0,rx_pcap=/path.pcap) or bind the NIC to vfio-pci " +
                "(dpdk-devbind.py --bind=vfio-pci <pci address>) and name it by its PCI address");
        }
        final short portId = (short)port;
        try
        {
            final int maxQueues = DpdkLibrary.portMaxQueues(portId);
            check(maxQueues, device, "read device info");
            if (rxQueues > (maxQueues & 0xFFFF))
            {
                throw new DpdkException("port " + device + " has at most " + (maxQueues & 0xFFFF) + " rx queues, " +
                    rxQueues + " asked (a net_pcap vdev has one rx queue per rx_pcap= argument)");
            }
            // Some drivers (net_tap) refuse a port with fewer tx queues than rx queues; they get idle tx queues.
            final short txQueues = TX_QUEUES_REQUIRED.equals(driver(portId)) ? (short)rxQueues : 0;
            final int features = DpdkLibrary.portConfigure(portId, (short)rxQueues, txQueues);
            check(features, device, "configure " + rxQueues + " rx queues");
            for (int queue = 0; queue < rxQueues; queue++)
            {
                check(
                    DpdkLibrary.rxQueueSetup(portId, (short)queue, (short)rxDescriptors, pool.pointer()),
                    device, "set up rx queue " + queue);
            }
            for (int queue = 0; queue < txQueues; queue++)
            {
                check(DpdkLibrary.txQueueSetup(portId, (short)queue, (short)IDLE_TX_DESCRIPTORS), device,
                    "set up tx queue " + queue);
            }
            check(DpdkLibrary.portStart(portId), device, "start");
            return new DpdkPort(device, name, portId, rxQueues, hotPlugged, features, driver(portId));
        }
        catch (final DpdkException ex)
        {
            DpdkLibrary.portClose(portId);
            if (hotPlugged)
            {
                removeVdev(name);
            }
            throw ex;
        }
    }

    private static void check(final int result, final String device, final String what) throws DpdkException
    {
        if (result < 0)
        {
            throw new DpdkException("port " + device + ": cannot " + what + ": " + DpdkLibrary.strerror(result) +
                " (" + result + ")");
        }
    }

    private static String driver(final short portId)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment text = arena.allocate(DRIVER_NAME_CAPACITY);
            return DpdkLibrary.portDriver(portId, text, DRIVER_NAME_CAPACITY) < 0 ? "" : text.getString(0);
        }
    }

    private static void removeVdev(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            DpdkLibrary.vdevRemove(arena.allocateFrom(name));
        }
    }

    public String device()
    {
        return device;
    }

    public String name()
    {
        return name;
    }

    /** DPDK's port id. */
    public int portId()
    {
        return portId & 0xFFFF;
    }

    short id()
    {
        return portId;
    }

    public int rxQueues()
    {
        return rxQueues;
    }

    /** True when RSS spreads flows over the rx queues. */
    public boolean rss()
    {
        return rss;
    }

    /** True when the device stamps received packets (the rx timestamp offload is on). */
    public boolean deviceTimestamps()
    {
        return deviceTimestamps;
    }

    /** The port's driver, e.g. {@code net_pcap}. */
    public String driver()
    {
        return driver;
    }

    /**
     * Nanoseconds per unit of the device's rx timestamp, or 0 when its unit is unknown and the host
     * clock is used instead. Only net_pcap's unit is known (microseconds, DPDK 22.11); a NIC stamps
     * its own clock's ticks, which need calibration against rte_eth_read_clock.
     */
    public long timestampScaleNs()
    {
        return PCAP_DRIVER.equals(driver) ? MICROSECONDS_TO_NS : 0;
    }

    /** Link up right now (rte_eth_link_get_nowait). */
    public boolean linkUp()
    {
        return DpdkLibrary.link(portId, MemorySegment.NULL) == 1;
    }

    /** Link speed in Mbit/s, 0 when unknown. */
    public long linkSpeedMbps()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment speed = arena.allocate(JAVA_INT);
            DpdkLibrary.link(portId, speed);
            return Integer.toUnsignedLong(speed.get(JAVA_INT, 0));
        }
    }

    /** The device's extended statistics, by name, in the device's order. Off the data path: allocates. */
    public Map<String, Long> xstats() throws DpdkException
    {
        final int count = DpdkLibrary.xstatsCount(portId);
        check(count, device, "read extended statistics");
        final Map<String, Long> stats = new LinkedHashMap<>();
        if (count == 0)
        {
            return stats;
        }
        final int nameSize = DpdkLibrary.xstatsNameSize();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment names = arena.allocate((long)nameSize * count);
            final MemorySegment values = arena.allocate(JAVA_LONG, count);
            final int named = DpdkLibrary.xstatsNames(portId, names, count);
            check(named, device, "read extended statistic names");
            final int valued = DpdkLibrary.xstatsValues(portId, values, count);
            check(valued, device, "read extended statistics");
            for (int i = 0; i < Math.min(named, valued); i++)
            {
                stats.put(names.getString((long)i * nameSize), values.getAtIndex(JAVA_LONG, i));
            }
        }
        return stats;
    }

    /** Stops and closes the port (and detaches a hot-plugged virtual device); every source must be closed first. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            DpdkLibrary.portStop(portId);
            DpdkLibrary.portClose(portId);
            if (hotPlugged)
            {
                removeVdev(name);
            }
        }
    }
}
