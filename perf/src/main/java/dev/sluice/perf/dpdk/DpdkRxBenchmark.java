package dev.sluice.perf.dpdk;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.dpdk.DpdkEal;
import dev.sluice.dataplane.source.dpdk.DpdkException;
import dev.sluice.dataplane.source.dpdk.DpdkLibrary;
import dev.sluice.dataplane.source.dpdk.DpdkMempool;
import dev.sluice.dataplane.source.dpdk.DpdkPort;
import dev.sluice.dataplane.source.dpdk.DpdkSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Java side of issue 3's DPDK receive benchmark: the loop of perf/native/sluice_rxbench.c
 * (one rx queue, a burst of up to {@code --burst} packets per poll, an Ethernet (VLAN/QinQ tags
 * skipped) / IPv4 / UDP header parse of every packet, bulk free) written against the gateway's
 * own {@link DpdkSource}: one downcall per burst, each packet read in place through the segment
 * and offset the source hands out, big-endian reads spelled out, then {@link DpdkSource#release}
 * (one bulk free). Same EAL arguments, vdev, mempool size, data room and rx ring as the C
 * program, same per-packet accumulator (the formula at the top of sluice_rxbench.c), same
 * output fields, so {@code perf/run-dpdk-rx.sh} can run the two alternately and print the ratio.
 * <p>
 * {@code DpdkRxBenchmark [EAL args] -- [--port NAME] [--seconds S] [--warmup S] [--burst N]
 * [--fill udp|none] [--count N] [--mempool-cache N] [--path source|direct]}. With {@code --count N} (no warm-up) both programs read exactly
 * the first N packets the port delivers: on a net_pcap vdev with {@code infinite_rx=1} and N a
 * multiple of the burst those are the same packets, so equal {@code accumulator=} values prove
 * the two loops parse alike. {@code allocated_bytes} is what the polling thread allocated during
 * the timed run ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}): 0 on the data path.
 * <p>
 * Single-threaded: everything runs on the calling thread, which is the polling thread.
 */
public final class DpdkRxBenchmark
{
    /** Prefix of the one summary line; run-dpdk-rx.sh greps for it. */
    public static final String OUTPUT_PREFIX = "DpdkRxBenchmark: ";
    /** Mbufs in the pool, as sluice-rxbench's POOL_MBUFS. */
    public static final int POOL_MBUFS = 16_383;
    public static final int DEFAULT_BURST = 32;
    public static final int MAX_BURST = 512;
    /** Length of the frame {@code --fill udp} writes into every mbuf, as sluice-rxbench's FILL_FRAME_LENGTH. */
    public static final int FILL_FRAME_LENGTH = 64;
    /**
     * Per-lcore mempool cache, as sluice-rxbench's POOL_CACHE; the polling thread registers with
     * the EAL to use it. 0: no cache and no registration (source.dpdk.mempool-cache: 0 in the gateway).
     */
    public static final int DEFAULT_MEMPOOL_CACHE = 256;

    private static final int RX_DESCRIPTORS = DpdkPort.DEFAULT_RX_DESCRIPTORS;
    private static final int POLLS_PER_CLOCK_CHECK = 256;
    private static final double DEFAULT_SECONDS = 5;
    private static final double DEFAULT_WARMUP_SECONDS = 1;

    private static final int ETHER_HEADER_LENGTH = 14;
    private static final int ETHER_TYPE_OFFSET = 12;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_QINQ = 0x88A8;
    private static final int IPV4_MIN_HEADER_LENGTH = 20;
    private static final int IPV4_PROTOCOL_OFFSET = 9;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 16;
    private static final int IP_PROTOCOL_UDP = 17;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final long HASH_MULTIPLIER = 31;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final DpdkSource source;
    private final PacketBurst burst;
    /** Diagnostic (--path direct): rx fill into this class's own arrays, bypassing DpdkSource's descriptor copy. */
    private final boolean direct;
    private final short portId;
    private final int burstSize;
    private final MemorySegment mbufs;
    private final MemorySegment addresses;
    private final MemorySegment dataLengths;
    private final MemorySegment packetLengths;
    private final MemorySegment scratch;
    private long accumulator;
    private long packets;
    private long bytes;
    private long polls;
    private long emptyPolls;

    private DpdkRxBenchmark(
        final DpdkSource source, final int burstSize, final boolean direct, final DpdkPort port, final Arena arena)
    {
        this.source = source;
        this.burst = new PacketBurst(burstSize, 1);
        this.direct = direct;
        this.portId = (short)port.portId();
        this.burstSize = burstSize;
        this.mbufs = arena.allocate(ADDRESS, burstSize);
        this.addresses = arena.allocate(JAVA_LONG, burstSize);
        this.dataLengths = arena.allocate(JAVA_INT, burstSize);
        this.packetLengths = arena.allocate(JAVA_INT, burstSize);
        this.scratch = arena.allocate(JAVA_LONG, burstSize * 4L + 1);
    }

    /** What one run measured; the fields of the summary line. */
    public record Result(
        String port,
        int burst,
        long packets,
        long bytes,
        double seconds,
        double cpuSeconds,
        long polls,
        long emptyPolls,
        long accumulator,
        long warmupPackets,
        int poolFreeStart,
        int poolFreeEnd,
        int filledMbufs,
        int mempoolCache,
        long allocatedBytes)
    {
        public double pps()
        {
            return seconds > 0 ? packets / seconds : 0;
        }

        public double nsPerPacket()
        {
            return packets > 0 ? seconds * 1e9 / packets : 0;
        }

        public double ppsPerCpuSecond()
        {
            return cpuSeconds > 0 ? packets / cpuSeconds : 0;
        }

        public double cpuNsPerPacket()
        {
            return packets > 0 ? cpuSeconds * 1e9 / packets : 0;
        }

        public double allocatedBytesPerPacket()
        {
            return packets > 0 ? (double)allocatedBytes / packets : 0;
        }

        /** The summary line, with the same key=value fields as sluice-rxbench's plus the allocation. */
        public String line()
        {
            return String.format(Locale.ROOT, OUTPUT_PREFIX + "port=%s burst=%d packets=%d bytes=%d seconds=%.3f pps=%.0f " +
                "ns_per_packet=%.2f cpu_seconds=%.3f pps_per_cpu_second=%.0f cpu_ns_per_packet=%.2f polls=%d " +
                "empty_polls=%d accumulator=0x%016x warmup_packets=%d pool_free_start=%d pool_free_end=%d filled_mbufs=%d " +
                "mempool_cache=%d allocated_bytes=%d allocated_bytes_per_packet=%.4f",
                port, burst, packets, bytes, seconds, pps(), nsPerPacket(), cpuSeconds, ppsPerCpuSecond(), cpuNsPerPacket(),
                polls, emptyPolls, accumulator, warmupPackets, poolFreeStart, poolFreeEnd, filledMbufs, mempoolCache, allocatedBytes,
                allocatedBytesPerPacket());
        }
    }

    /** The options after {@code --}. */
    public record Options(
        String port, double seconds, double warmupSeconds, int burst, boolean fillUdp, long count, int mempoolCache,
        boolean direct)
    {
        public static Options parse(final List<String> args)
        {
            String port = null;
            double seconds = DEFAULT_SECONDS;
            double warmup = DEFAULT_WARMUP_SECONDS;
            int burst = DEFAULT_BURST;
            boolean fillUdp = true;
            long count = 0;
            int mempoolCache = DEFAULT_MEMPOOL_CACHE;
            boolean direct = false;
            for (int i = 0; i < args.size(); i++)
            {
                final String option = args.get(i);
                if (i + 1 >= args.size())
                {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                final String value = args.get(++i);
                try
                {
                    switch (option)
                    {
                        case "--port" -> port = value;
                        case "--seconds" -> seconds = Double.parseDouble(value);
                        case "--warmup" -> warmup = Double.parseDouble(value);
                        case "--burst" -> burst = Integer.parseInt(value);
                        case "--count" -> count = Long.parseLong(value);
                        case "--mempool-cache" -> mempoolCache = Integer.parseInt(value);
                        case "--path" ->
                        {
                            if (!value.equals("source") && !value.equals("direct"))
                            {
                                throw new IllegalArgumentException("--path takes source or direct, not " + value);
                            }
                            direct = value.equals("direct");
                        }
                        case "--fill" ->
                        {
                            if (!value.equals("udp") && !value.equals("none"))
                            {
                                throw new IllegalArgumentException("--fill takes udp or none, not " + value);
                            }
                            fillUdp = value.equals("udp");
                        }
                        default -> throw new IllegalArgumentException("unknown option " + option);
                    }
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException(option + " needs a number, not '" + value + "'", ex);
                }
            }
            if (burst < 1 || burst > MAX_BURST)
            {
                throw new IllegalArgumentException("--burst must be 1.." + MAX_BURST + ": " + burst);
            }
            return new Options(port, seconds, warmup, burst, fillUdp, count, mempoolCache, direct);
        }
    }

    public static void main(final String[] args)
    {
        final List<String> eal = new ArrayList<>();
        final List<String> own = new ArrayList<>();
        boolean afterSeparator = false;
        for (final String arg : args)
        {
            if (!afterSeparator && arg.equals("--"))
            {
                afterSeparator = true;
            }
            else
            {
                (afterSeparator ? own : eal).add(arg);
            }
        }
        try
        {
            final Result result = run(eal, Options.parse(own));
            System.out.println(result.line());
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            System.err.println("DpdkRxBenchmark: " + ex.getMessage());
            System.err.println("usage: DpdkRxBenchmark [EAL args with --vdev DEVICE] -- [--port NAME] [--seconds S] " +
                "[--warmup S] [--burst N] [--fill udp|none] [--count N] [--mempool-cache N] [--path source|direct]");
            System.exit(2);
        }
    }

    /**
     * Initialises the EAL with {@code ealArgs} (once per process), opens the first {@code --vdev}
     * they name (or {@code --port}), runs warm-up and the timed loop on this thread, and closes
     * everything again.
     */
    public static Result run(final List<String> ealArgs, final Options options) throws IOException
    {
        final String device = options.port() != null ? options.port() : vdev(ealArgs);
        final DpdkEal eal = DpdkEal.init(ealArgs);
        final boolean registered = options.mempoolCache() > 0;
        if (registered)
        {
            // As sluice-rxbench's main thread, an EAL lcore: the mempool serves it from its per-lcore cache.
            eal.registerThread();
        }
        try (DpdkMempool mempool = DpdkMempool.create(POOL_MBUFS, DpdkMempool.DEFAULT_DATA_ROOM_BYTES, options.mempoolCache());
            DpdkPort port = DpdkPort.open(device, 1, RX_DESCRIPTORS, mempool);
            DpdkSource dpdkSource = new DpdkSource(port, 0, options.burst());
            Arena arena = Arena.ofConfined())
        {
            final int filled = options.fillUdp() ? fillUdp(port, mempool) : 0;
            final int freeAtStart = mempool.available();
            final DpdkRxBenchmark benchmark = new DpdkRxBenchmark(dpdkSource, options.burst(), options.direct(), port, arena);

            long warmupPackets = 0;
            if (options.warmupSeconds() > 0 && options.count() == 0)
            {
                benchmark.receive(options.warmupSeconds(), 0);
                warmupPackets = benchmark.packets;
            }
            benchmark.reset();

            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            // Both counters read once before, so that nothing they allocate on first use lands in the window.
            threads.getCurrentThreadAllocatedBytes();
            final long cpuBefore = threads.getCurrentThreadCpuTime();
            final long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            final long startNs = System.nanoTime();
            benchmark.receive(options.count() != 0 ? 0 : options.seconds(), options.count());
            final long elapsedNs = System.nanoTime() - startNs;
            final long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            final long cpuNs = threads.getCurrentThreadCpuTime() - cpuBefore;

            dpdkSource.close();
            port.close();
            final int freeAtEnd = mempool.available();
            return new Result(
                port.name(), options.burst(), benchmark.packets, benchmark.bytes, elapsedNs / 1e9, cpuNs / 1e9,
                benchmark.polls, benchmark.emptyPolls, benchmark.accumulator, warmupPackets, freeAtStart, freeAtEnd,
                filled, options.mempoolCache(), allocated);
        }
        finally
        {
            if (registered)
            {
                eal.unregisterThread();
            }
        }
    }

    /** The device of the first {@code --vdev} in the EAL arguments. */
    static String vdev(final List<String> ealArgs)
    {
        for (int i = 0; i < ealArgs.size(); i++)
        {
            final String arg = ealArgs.get(i);
            if (arg.equals("--vdev") && i + 1 < ealArgs.size())
            {
                return ealArgs.get(i + 1);
            }
            if (arg.startsWith("--vdev="))
            {
                return arg.substring("--vdev=".length());
            }
        }
        throw new IllegalArgumentException("no --vdev in the EAL arguments and no --port: name the device to read, " +
            "e.g. --vdev net_null0,size=64");
    }

    private void reset()
    {
        accumulator = 0;
        packets = 0;
        bytes = 0;
        polls = 0;
        emptyPolls = 0;
    }

    /**
     * Polls until {@code seconds} pass (0: no time limit) or {@code count} packets arrived (0: no
     * limit). The clock is read every {@value #POLLS_PER_CLOCK_CHECK} polls and after an empty
     * one, as in the C loop.
     */
    private void receive(final double seconds, final long count)
    {
        final long deadline = seconds > 0 ? System.nanoTime() + (long)(seconds * 1e9) : Long.MAX_VALUE;
        while (true)
        {
            final int polled = pollBursts(POLLS_PER_CLOCK_CHECK, count);
            if ((count != 0 && packets >= count) || System.nanoTime() >= deadline || polled < 0)
            {
                return;
            }
        }
    }

    /**
     * Up to {@code maxPolls} polls, each parsing and releasing one burst. Returns the polls made,
     * fewer when a poll came back empty or {@code count} was reached. A method of its own so the
     * JIT compiles it as a whole (it is called many times during warm-up) rather than by OSR.
     */
    private int pollBursts(final int maxPolls, final long count)
    {
        if (direct)
        {
            return pollDirect(maxPolls, count);
        }
        final DpdkSource source = this.source;
        final PacketBurst burst = this.burst;
        final MemorySegment[] data = burst.data;
        final long[] offset = burst.offset;
        final int[] capturedLength = burst.capturedLength;
        final int[] wireLength = burst.wireLength;
        long sum = accumulator;
        long byteCount = bytes;
        long packetCount = packets;
        int p = 0;
        while (p < maxPolls)
        {
            final int n = source.poll(burst);
            p++;
            if (n == 0)
            {
                emptyPolls++;
                break;
            }
            for (int i = 0; i < n; i++)
            {
                sum += parse(data[i], offset[i], capturedLength[i]);
                byteCount += wireLength[i];
            }
            source.release(burst);
            packetCount += n;
            if (count != 0 && packetCount >= count)
            {
                break;
            }
        }
        accumulator = sum;
        bytes = byteCount;
        packets = packetCount;
        polls += p;
        return p;
    }

    /** --path direct: the same loop over rx fill's native arrays, without DpdkSource and PacketBurst. */
    private int pollDirect(final int maxPolls, final long count)
    {
        final MemorySegment all = DpdkSource.ALL_MEMORY;
        long sum = accumulator;
        long byteCount = bytes;
        long packetCount = packets;
        int p = 0;
        while (p < maxPolls)
        {
            final int n = DpdkLibrary.rxFill(portId, (short)0, (short)burstSize, 0, mbufs, addresses, dataLengths,
                packetLengths, scratch, scratch.asSlice(burstSize * 4L), scratch.asSlice(burstSize * 8L),
                scratch.asSlice(burstSize * 16L));
            p++;
            if (n == 0)
            {
                emptyPolls++;
                break;
            }
            for (int i = 0; i < n; i++)
            {
                sum += parse(all, addresses.getAtIndex(JAVA_LONG, i), dataLengths.getAtIndex(JAVA_INT, i));
                byteCount += packetLengths.getAtIndex(JAVA_INT, i);
            }
            DpdkLibrary.freeBulk(mbufs, n);
            packetCount += n;
            if (count != 0 && packetCount >= count)
            {
                break;
            }
        }
        accumulator = sum;
        bytes = byteCount;
        packets = packetCount;
        polls += p;
        return p;
    }

    /**
     * The per-packet work, as sluice_rxbench.c's parse_packet: EtherType after VLAN/QinQ tags; for
     * IPv4 with a sane IHL the addresses, protocol and header length; for UDP the two ports; all
     * folded into one unsigned 64-bit value with multiplier 31. Reads in place, network byte order.
     * Split in two methods so each stays under C2's inlining limit for hot methods (FreqInlineSize,
     * 325 bytecodes): as one method of 330 bytes it was called, not inlined, and cost a third more.
     */
    static long parse(final MemorySegment packet, final long base, final int length)
    {
        if (length < ETHER_HEADER_LENGTH)
        {
            return 0;
        }
        int offset = ETHER_HEADER_LENGTH;
        int etherType = packet.get(BE16, base + ETHER_TYPE_OFFSET) & 0xFFFF;
        while ((etherType == ETHER_TYPE_VLAN || etherType == ETHER_TYPE_QINQ) && offset + VLAN_TAG_LENGTH <= length)
        {
            etherType = packet.get(BE16, base + offset + 2) & 0xFFFF;
            offset += VLAN_TAG_LENGTH;
        }
        if (etherType != ETHER_TYPE_IPV4 || offset + IPV4_MIN_HEADER_LENGTH > length)
        {
            return etherType;
        }
        return parseIpv4(packet, base, offset, length, etherType);
    }

    /** The IPv4 and UDP part of {@link #parse}, from the IPv4 header at {@code offset}; {@code h} so far. */
    private static long parseIpv4(final MemorySegment packet, final long base, final int offset, final int length, final long h)
    {
        final int versionIhl = packet.get(JAVA_BYTE, base + offset) & 0xFF;
        final int ihl = (versionIhl & 0x0F) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < IPV4_MIN_HEADER_LENGTH || offset + ihl > length)
        {
            return h;
        }
        final long ip = base + offset;
        final int protocol = packet.get(JAVA_BYTE, ip + IPV4_PROTOCOL_OFFSET) & 0xFF;
        long hash = h * HASH_MULTIPLIER + (packet.get(BE32, ip + IPV4_SOURCE_OFFSET) & 0xFFFF_FFFFL);
        hash = hash * HASH_MULTIPLIER + (packet.get(BE32, ip + IPV4_DESTINATION_OFFSET) & 0xFFFF_FFFFL);
        hash = hash * HASH_MULTIPLIER + ((protocol << 8) | ihl);
        if (protocol == IP_PROTOCOL_UDP && offset + ihl + UDP_HEADER_LENGTH <= length)
        {
            hash = hash * HASH_MULTIPLIER + (packet.get(BE32, ip + ihl) & 0xFFFF_FFFFL);
        }
        return hash;
    }

    /**
     * Writes the 64-byte Ethernet/IPv4/UDP frame of sluice-rxbench's --fill udp into every mbuf of
     * the pool: net_null (copy=0) hands out pool mbufs without writing their data. Receives from
     * the port until the pool is empty (net_null allocates each rx mbuf from it), writes the frame
     * where each mbuf's data starts (the headroom, where net_null's rx data starts again after
     * every allocation), then frees them all. Returns the number of mbufs written.
     */
    static int fillUdp(final DpdkPort port, final DpdkMempool mempool) throws DpdkException
    {
        final int capacity = mempool.size() + 1;
        final short portId = (short)port.portId();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mbufs = arena.allocate(ADDRESS, capacity);
            final MemorySegment addresses = arena.allocate(JAVA_LONG, capacity);
            final MemorySegment dataLengths = arena.allocate(JAVA_INT, capacity);
            final MemorySegment packetLengths = arena.allocate(JAVA_INT, capacity);
            final MemorySegment rssHashes = arena.allocate(JAVA_INT, capacity);
            final MemorySegment flags = arena.allocate(JAVA_INT, capacity);
            final MemorySegment timestamps = arena.allocate(JAVA_LONG, capacity);
            final MemorySegment multiSegmentDrops = arena.allocate(JAVA_LONG);
            final MemorySegment frame = arena.allocate(FILL_FRAME_LENGTH);
            int held = 0;
            int ask = DEFAULT_BURST;
            // net_null allocates a whole burst or nothing: halve the request when the pool runs low.
            while (ask > 0 && held < capacity)
            {
                final int want = Math.min(ask, capacity - held);
                final int got = DpdkLibrary.rxFill(
                    portId, (short)0, (short)want, 0,
                    mbufs.asSlice(ADDRESS.byteSize() * held), addresses.asSlice(JAVA_LONG.byteSize() * held),
                    dataLengths.asSlice(JAVA_INT.byteSize() * held), packetLengths.asSlice(JAVA_INT.byteSize() * held),
                    rssHashes.asSlice(JAVA_INT.byteSize() * held), flags.asSlice(JAVA_INT.byteSize() * held),
                    timestamps.asSlice(JAVA_LONG.byteSize() * held), multiSegmentDrops);
                if (got == 0)
                {
                    ask >>= 1;
                }
                held += got;
            }
            for (int i = 0; i < held; i++)
            {
                writeUdpFrame(frame, i);
                MemorySegment.copy(frame, 0, DpdkSource.ALL_MEMORY, addresses.getAtIndex(JAVA_LONG, i), FILL_FRAME_LENGTH);
            }
            DpdkLibrary.freeBulk(mbufs, held);
            if (mempool.available() != mempool.size())
            {
                throw new DpdkException("after filling " + held + " mbufs the pool has " + mempool.available() + " of " +
                    mempool.size() + " free: --fill udp needs a device that allocates every rx mbuf from the pool " +
                    "(net_null); use --fill none for others");
            }
            return held;
        }
    }

    /** sluice_rxbench.c's fill_udp_frame: the frame for the {@code index}-th mbuf. */
    static void writeUdpFrame(final MemorySegment frame, final int index)
    {
        frame.fill((byte)0);
        for (int i = 0; i < 6; i++)
        {
            frame.set(JAVA_BYTE, i, (byte)0x02);
            frame.set(JAVA_BYTE, 6 + i, (byte)0x04);
        }
        frame.set(BE16, ETHER_TYPE_OFFSET, (short)ETHER_TYPE_IPV4);
        final int ip = ETHER_HEADER_LENGTH;
        frame.set(JAVA_BYTE, ip, (byte)0x45);
        frame.set(BE16, ip + 2, (short)(FILL_FRAME_LENGTH - ETHER_HEADER_LENGTH));
        frame.set(JAVA_BYTE, ip + 8, (byte)64);
        frame.set(JAVA_BYTE, ip + IPV4_PROTOCOL_OFFSET, (byte)IP_PROTOCOL_UDP);
        frame.set(BE32, ip + IPV4_SOURCE_OFFSET, (10 << 24 | 1) + (index & 0xFF));
        frame.set(BE32, ip + IPV4_DESTINATION_OFFSET, 10 << 24 | 255 << 16 | 1);
        frame.set(BE16, ip + 10, ipv4Checksum(frame, ip));
        final int udp = ip + IPV4_MIN_HEADER_LENGTH;
        frame.set(BE16, udp, (short)(1024 + (index & 0xFF)));
        frame.set(BE16, udp + 2, (short)9);
        frame.set(BE16, udp + 4, (short)(FILL_FRAME_LENGTH - ETHER_HEADER_LENGTH - IPV4_MIN_HEADER_LENGTH));
    }

    private static short ipv4Checksum(final MemorySegment frame, final int ip)
    {
        int sum = 0;
        for (int i = 0; i < IPV4_MIN_HEADER_LENGTH; i += 2)
        {
            sum += frame.get(BE16, ip + i) & 0xFFFF;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (short)~sum;
    }
}
