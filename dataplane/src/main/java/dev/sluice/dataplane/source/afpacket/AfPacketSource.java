package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.LinkType;
import dev.sluice.dataplane.source.PacketSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One AF_PACKET socket bound to one interface, reading a TPACKET_V3 receive ring that is mapped
 * once; no native library beyond libc (see {@link Libc}).
 * <p>
 * Ring layout (one mapping, {@code blockCount} blocks of {@code blockSize} bytes):
 * <pre>
 *  block k at k * blockSize
 *  +--------------------------------+  0  tpacket_block_desc: version, offset_to_priv,
 *  | block descriptor               |     block_status (8), num_pkts (12),
 *  |                                |     offset_to_first_pkt (16), blk_len (20), seq_num ...
 *  +--------------------------------+  offset_to_first_pkt
 *  | tpacket3_hdr (48 bytes)        |     tp_next_offset (0), tp_sec (4), tp_nsec (8),
 *  |                                |     tp_snaplen (12), tp_len (16), tp_status (20),
 *  |                                |     tp_mac (24), tp_net (26), tp_rxhash (28),
 *  |                                |     tp_vlan_tci (32), tp_vlan_tpid (36)
 *  | sockaddr_ll (20 bytes)         |  48
 *  | headroom (PACKET_RESERVE = 4)  |
 *  | frame bytes                    |  tp_mac
 *  +--------------------------------+  + tp_next_offset: the next packet of the block
 * </pre>
 * The kernel fills a block, sets its status to {@code TP_STATUS_USER} and moves on; this source
 * reads that status with acquire semantics and never makes a syscall on the receive path
 * ({@link #awaitPackets(int)} blocks in {@code poll(2)} for callers that want to sleep when idle).
 * {@link #poll(PacketBurst)} hands out descriptors that point into the ring (no copy); a burst
 * may span blocks. {@link #release(PacketBurst)} gives back to the kernel every block whose
 * packets have all been handed out and released, exactly once, in ring order; the block a burst
 * ended in stays with us until a later burst consumes the rest of it.
 * <p>
 * VLAN: the kernel strips the outer 802.1Q/802.1ad tag into {@code tp_vlan_tci}. The gateway
 * must see the frame as it was on the wire, so the tag is put back in place: the socket asks for
 * 4 bytes of headroom ({@code PACKET_RESERVE}), the 12 address bytes move 4 bytes back into it,
 * and TPID and TCI are written behind them. No copy of the frame, and the ring is ours until the
 * block is returned. A frame captured shorter than its addresses is left as is.
 * <p>
 * Called only by the worker thread that owns it; {@link #open} may run on another thread before
 * the source is handed over. {@link #refreshKernelStatistics()} makes a syscall: call it once per
 * counter update, not per burst.
 */
public final class AfPacketSource implements PacketSource
{
    /** An 802.1Q tag: TPID and TCI. */
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int ETHERTYPE_VLAN = 0x8100;

    static final long BLOCK_STATUS_OFFSET = 8;
    static final long BLOCK_NUM_PACKETS_OFFSET = 12;
    static final long BLOCK_FIRST_PACKET_OFFSET = 16;

    static final long TP_NEXT_OFFSET = 0;
    static final long TP_SEC_OFFSET = 4;
    static final long TP_NSEC_OFFSET = 8;
    static final long TP_SNAPLEN_OFFSET = 12;
    static final long TP_LEN_OFFSET = 16;
    static final long TP_STATUS_OFFSET = 20;
    static final long TP_MAC_OFFSET = 24;
    static final long TP_VLAN_TCI_OFFSET = 32;
    static final long TP_VLAN_TPID_OFFSET = 36;
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the sockaddr_ll starts. */
    static final long TPACKET3_HDR_LENGTH = 48;
    static final long SLL_HATYPE_OFFSET = TPACKET3_HDR_LENGTH + 8;
    /** TPACKET3_HDRLEN: header plus sockaddr_ll; frame data never starts before it. */
    static final long TPACKET3_HDRLEN = TPACKET3_HDR_LENGTH + 20;

    static final int ARPHRD_ETHER = 1;
    static final int ARPHRD_LOOPBACK = 772;
    static final int ARPHRD_NONE = 0xFFFE;
    static final int ARPHRD_RAWIP = 519;

    private static final int MAC_ADDRESSES_LENGTH = 12;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.varHandle();

    private final String name;
    private final String interfaceName;
    private final int fd;
    private final Arena arena;
    private final MemorySegment callState;
    private final MemorySegment ring;
    private final long ringAddress;
    private final long ringSizeBytes;
    private final int blockSizeBytes;
    private final int blockCount;
    private final MemorySegment statistics;
    private final MemorySegment statisticsLength;
    private final MemorySegment pollFd;

    // Blocks [returnCursor, returnCursor + heldBlocks) are ours; readBlock is returnCursor + heldBlocks - 1
    // while it is open (packetsLeftInBlock > 0 or just opened), else the next block to open.
    private int returnCursor;
    private int heldBlocks;
    private int readBlock;
    private boolean readBlockOpen;
    private int packetsLeftInBlock;
    private long packetOffset;

    private long packetsReceived;
    private long blocksReturned;
    private long vlanTagsRestored;
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezes;
    private boolean closed;

    private AfPacketSource(
        final String interfaceName,
        final int fd,
        final Arena arena,
        final MemorySegment callState,
        final long ringAddress,
        final AfPacketSettings settings)
    {
        this.name = "af-packet:" + interfaceName;
        this.interfaceName = interfaceName;
        this.fd = fd;
        this.arena = arena;
        this.callState = callState;
        this.ringAddress = ringAddress;
        this.ringSizeBytes = settings.ringSizeBytes();
        this.blockSizeBytes = settings.blockSizeBytes();
        this.blockCount = settings.blockCount();
        // Bound to the arena: a descriptor used after close fails with an exception instead of reading unmapped memory.
        this.ring = MemorySegment.ofAddress(ringAddress).reinterpret(ringSizeBytes, arena, null);
        this.statistics = arena.allocate(Libc.TPACKET_STATS_V3_LENGTH, 8);
        this.statisticsLength = arena.allocate(ValueLayout.JAVA_INT);
        this.pollFd = arena.allocate(Libc.POLLFD_LENGTH, 4);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
    }

    /** A standalone socket (no fanout group). */
    public static AfPacketSource open(final AfPacketSettings settings) throws IOException
    {
        return open(settings, -1, null);
    }

    /**
     * Opens a socket on {@code settings.interfaceName()}, sets up and maps its ring, binds it and,
     * when {@code fanoutGroupId >= 0}, joins that fanout group in {@code fanoutMode}.
     *
     * @throws IOException naming the interface, the failing step, the errno and what to do.
     */
    public static AfPacketSource open(
        final AfPacketSettings settings, final int fanoutGroupId, final AfPacketSettings.FanoutMode fanoutMode)
        throws IOException
    {
        final List<String> problems = settings.problems();
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException("af-packet: " + String.join("; ", problems));
        }
        final String ifName = settings.interfaceName();
        final int ifIndex = Libc.ifNameToIndex(ifName);
        if (ifIndex == 0)
        {
            throw new IOException("af-packet: no network interface named '" + ifName +
                "' in this network namespace; `ip link` lists the interfaces there are");
        }

        final Arena arena = Arena.ofShared();
        final MemorySegment callState = Libc.newCallState(arena);
        int fd = -1;
        long ringAddress = Libc.MAP_FAILED;
        try
        {
            // Protocol 0: the socket receives nothing until bind, so the ring holds only this interface's packets.
            fd = Libc.socket(callState, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                final int errno = Libc.errno(callState);
                throw failure(ifName, "socket(AF_PACKET, SOCK_RAW)", errno,
                    errno == Libc.EPERM || errno == Libc.EACCES ?
                    "an AF_PACKET socket needs root or the CAP_NET_RAW capability (e.g. setcap cap_net_raw+ep on the java " +
                    "binary, or AmbientCapabilities=CAP_NET_RAW in the systemd unit)" : null);
            }
            setInt(callState, fd, ifName, Libc.PACKET_VERSION, "PACKET_VERSION", Libc.TPACKET_V3,
                "TPACKET_V3 needs Linux 3.2 or later");
            setInt(callState, fd, ifName, Libc.PACKET_RESERVE, "PACKET_RESERVE", VLAN_TAG_LENGTH, null);
            // Older kernels (< 4.20) lack it; the gateway then also sees what this host sends, which a tap port never does.
            final MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
            Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, one, 4);

            final MemorySegment request = arena.allocate(Libc.TPACKET_REQ3_LENGTH, 4);
            request.set(ValueLayout.JAVA_INT, 0, settings.blockSizeBytes());
            request.set(ValueLayout.JAVA_INT, 4, settings.blockCount());
            request.set(ValueLayout.JAVA_INT, 8, settings.frameSizeBytes());
            request.set(ValueLayout.JAVA_INT, 12, (settings.blockSizeBytes() / settings.frameSizeBytes()) * settings.blockCount());
            request.set(ValueLayout.JAVA_INT, 16, settings.retireTimeoutMs());
            request.set(ValueLayout.JAVA_INT, 20, 0);
            request.set(ValueLayout.JAVA_INT, 24, 0);
            if (Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, request, (int)Libc.TPACKET_REQ3_LENGTH) != 0)
            {
                final int errno = Libc.errno(callState);
                throw failure(ifName, "setsockopt(PACKET_RX_RING)", errno, errno == Libc.ENOMEM ?
                    "the ring of block-count " + settings.blockCount() + " x block-size " + settings.blockSizeBytes() +
                    " bytes (" + (settings.ringSizeBytes() >> 20) + " MiB) could not be allocated; lower block-count or " +
                    "block-size" : "check block-size (" + settings.blockSizeBytes() + "), block-count (" +
                    settings.blockCount() + ") and frame-size (" + settings.frameSizeBytes() + ")");
            }
            ringAddress = Libc.mmap(callState, settings.ringSizeBytes(), Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            if (ringAddress == Libc.MAP_FAILED)
            {
                final int errno = Libc.errno(callState);
                throw failure(ifName, "mmap of the " + settings.ringSizeBytes() + "-byte ring", errno,
                    "lower block-count (" + settings.blockCount() + ") or block-size (" + settings.blockSizeBytes() + ")");
            }

            final MemorySegment address = arena.allocate(Libc.SOCKADDR_LL);
            address.set(ValueLayout.JAVA_SHORT, Libc.SOCKADDR_LL_FAMILY_OFFSET, (short)Libc.AF_PACKET);
            address.set(ValueLayout.JAVA_SHORT, Libc.SOCKADDR_LL_PROTOCOL_OFFSET, Libc.ETH_P_ALL_NETWORK_ORDER);
            address.set(ValueLayout.JAVA_INT, Libc.SOCKADDR_LL_IFINDEX_OFFSET, ifIndex);
            final boolean joinsFanout = fanoutGroupId >= 0;
            if (joinsFanout)
            {
                // Between bind and joining the group this socket would see every packet that the group's members
                // see too; a filter that accepts nothing until the socket is in the group keeps them unique.
                SocketFilters.attachRejectAll(callState, arena, fd, ifName);
            }
            if (Libc.bind(callState, fd, address, (int)Libc.SOCKADDR_LL.byteSize()) != 0)
            {
                final int errno = Libc.errno(callState);
                throw failure(ifName, "bind", errno, errno == Libc.ENODEV || errno == Libc.ENETDOWN ?
                    "bring the interface up: ip link set " + ifName + " up" : null);
            }
            if (joinsFanout)
            {
                final int argument = (fanoutGroupId & 0xFFFF) | (fanoutMode.kernelValue() << 16);
                setInt(callState, fd, ifName, Libc.PACKET_FANOUT, "PACKET_FANOUT group " + fanoutGroupId, argument,
                    "another process uses fanout group " + fanoutGroupId + " with other settings on this host; " +
                    "choose another fanout-group");
                SocketFilters.detach(callState, arena, fd, ifName);
            }
            if (settings.promiscuous())
            {
                final MemorySegment membership = arena.allocate(Libc.PACKET_MREQ_LENGTH, 4);
                membership.set(ValueLayout.JAVA_INT, 0, ifIndex);
                membership.set(ValueLayout.JAVA_SHORT, 4, (short)Libc.PACKET_MR_PROMISC);
                if (Libc.setsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_ADD_MEMBERSHIP, membership,
                    (int)Libc.PACKET_MREQ_LENGTH) != 0)
                {
                    throw failure(ifName, "setsockopt(PACKET_ADD_MEMBERSHIP, promiscuous)", Libc.errno(callState), null);
                }
            }
            return new AfPacketSource(ifName, fd, arena, callState, ringAddress, settings);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            if (ringAddress != Libc.MAP_FAILED)
            {
                Libc.munmap(callState, ringAddress, settings.ringSizeBytes());
            }
            if (fd >= 0)
            {
                Libc.close(callState, fd);
            }
            arena.close();
            throw ex;
        }
    }

    @Override
    public String name()
    {
        return name;
    }

    public String interfaceName()
    {
        return interfaceName;
    }

    @Override
    public int poll(final PacketBurst burst)
    {
        final int capacity = burst.capacity();
        final MemorySegment ring = this.ring;
        int filled = 0;
        while (filled < capacity)
        {
            if (!readBlockOpen && !openNextBlock())
            {
                break;
            }
            if (packetsLeftInBlock > 0)
            {
                fill(burst, filled++, ring, packetOffset);
                packetOffset += Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, packetOffset + TP_NEXT_OFFSET));
                packetsLeftInBlock--;
            }
            if (packetsLeftInBlock == 0)
            {
                readBlockOpen = false;
                readBlock = readBlock + 1 == blockCount ? 0 : readBlock + 1;
            }
        }
        packetsReceived += filled;
        burst.count(filled);
        return filled;
    }

    /**
     * For a worker with nothing else to do: true at once when the kernel has handed over the next
     * block (no syscall), else waits in {@code poll(2)} up to {@code timeoutMs} (0: just ask) for
     * one. The worker's own idle strategy never needs this; {@link #poll(PacketBurst)} makes no
     * syscall. Allocation-free.
     */
    public boolean awaitPackets(final int timeoutMs)
    {
        if (readBlockOpen || isReady(readBlock))
        {
            return true;
        }
        if (heldBlocks == blockCount)
        {
            return false;
        }
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short)0);
        final int ready = Libc.poll(callState, pollFd, 1, timeoutMs);
        return ready > 0 && isReady(readBlock);
    }

    private boolean isReady(final int block)
    {
        return heldBlocks < blockCount &&
            ((int)INT_HANDLE.getAcquire(ring, blockOffset(block) + BLOCK_STATUS_OFFSET) & Libc.TP_STATUS_USER) != 0;
    }

    /**
     * Returns every block all of whose packets were handed out; the block the last burst ended in
     * stays until its remaining packets have been polled and released.
     */
    @Override
    public void release(final PacketBurst burst)
    {
        final int consumed = readBlockOpen ? heldBlocks - 1 : heldBlocks;
        for (int i = 0; i < consumed; i++)
        {
            INT_HANDLE.setRelease(ring, blockOffset(returnCursor) + BLOCK_STATUS_OFFSET, Libc.TP_STATUS_KERNEL);
            returnCursor = returnCursor + 1 == blockCount ? 0 : returnCursor + 1;
        }
        heldBlocks -= consumed;
        blocksReturned += consumed;
    }

    @Override
    public boolean isExhausted()
    {
        return false;
    }

    /** Packets handed out since open. */
    public long packetsReceived()
    {
        return packetsReceived;
    }

    /** Blocks handed back to the kernel since open. */
    public long blocksReturned()
    {
        return blocksReturned;
    }

    /** Blocks handed out by the kernel and not yet returned. */
    public int heldBlocks()
    {
        return heldBlocks;
    }

    /** Frames whose outer VLAN tag the kernel had stripped and this source put back. */
    public long vlanTagsRestored()
    {
        return vlanTagsRestored;
    }

    public int blockCount()
    {
        return blockCount;
    }

    public int blockSizeBytes()
    {
        return blockSizeBytes;
    }

    /**
     * Reads (and so resets) the kernel's PACKET_STATISTICS and adds them to the totals behind
     * {@link #kernelPackets()}, {@link #kernelDrops()} and {@link #kernelFreezes()}. One syscall,
     * no allocation.
     *
     * @return false when the kernel refused (the totals are then unchanged).
     */
    public boolean refreshKernelStatistics()
    {
        if (closed)
        {
            return false;
        }
        statisticsLength.set(ValueLayout.JAVA_INT, 0, (int)Libc.TPACKET_STATS_V3_LENGTH);
        if (Libc.getsockopt(callState, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, statistics, statisticsLength) != 0)
        {
            return false;
        }
        kernelPackets += Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 0));
        kernelDrops += Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 4));
        kernelFreezes += Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 8));
        return true;
    }

    /**
     * Refreshes the kernel statistics (one syscall) and returns {@link #kernelDrops()}: packets the
     * kernel dropped because this socket's ring was full.
     */
    @Override
    public long sourceDrops()
    {
        refreshKernelStatistics();
        return kernelDrops;
    }

    /** Packets the kernel passed to this socket, including those it dropped ({@code tp_packets}). */
    public long kernelPackets()
    {
        return kernelPackets;
    }

    /** Packets the kernel dropped because the ring was full ({@code tp_drops}). */
    public long kernelDrops()
    {
        return kernelDrops;
    }

    /** Times the ring was full and the kernel froze the queue ({@code tp_freeze_q_cnt}). */
    public long kernelFreezes()
    {
        return kernelFreezes;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
            try (Arena scratch = Arena.ofConfined())
            {
                final MemorySegment closeState = Libc.newCallState(scratch);
                Libc.munmap(closeState, ringAddress, ringSizeBytes);
                Libc.close(closeState, fd);
            }
        }
    }

    private boolean openNextBlock()
    {
        if (heldBlocks == blockCount)
        {
            return false; // every block is ours; the next one is still held by a burst not yet released
        }
        final long block = blockOffset(readBlock);
        if (!isReady(readBlock))
        {
            return false;
        }
        heldBlocks++;
        readBlockOpen = true;
        packetsLeftInBlock = ring.get(ValueLayout.JAVA_INT, block + BLOCK_NUM_PACKETS_OFFSET);
        packetOffset = block + Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, block + BLOCK_FIRST_PACKET_OFFSET));
        return true;
    }

    private long blockOffset(final int block)
    {
        return (long)block * blockSizeBytes;
    }

    private void fill(final PacketBurst burst, final int slot, final MemorySegment ring, final long header)
    {
        final int status = ring.get(ValueLayout.JAVA_INT, header + TP_STATUS_OFFSET);
        final long macOffset = Short.toUnsignedLong(ring.get(ValueLayout.JAVA_SHORT, header + TP_MAC_OFFSET));
        int capturedLength = ring.get(ValueLayout.JAVA_INT, header + TP_SNAPLEN_OFFSET);
        int wireLength = ring.get(ValueLayout.JAVA_INT, header + TP_LEN_OFFSET);
        long frame = header + macOffset;
        final int hardwareType = Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, header + SLL_HATYPE_OFFSET));
        final int linkType = hardwareType == ARPHRD_NONE || hardwareType == ARPHRD_RAWIP ? LinkType.RAW : LinkType.ETHERNET;

        if ((status & Libc.TP_STATUS_VLAN_VALID) != 0 && linkType == LinkType.ETHERNET &&
            capturedLength >= MAC_ADDRESSES_LENGTH && macOffset >= TPACKET3_HDRLEN + VLAN_TAG_LENGTH)
        {
            int tpid = (status & Libc.TP_STATUS_VLAN_TPID_VALID) != 0 ?
                Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, header + TP_VLAN_TPID_OFFSET)) : 0;
            if (tpid == 0)
            {
                tpid = ETHERTYPE_VLAN; // kernels before 3.14 report no TPID: 802.1Q
            }
            final int tci = ring.get(ValueLayout.JAVA_INT, header + TP_VLAN_TCI_OFFSET) & 0xFFFF;
            MemorySegment.copy(ring, frame, ring, frame - VLAN_TAG_LENGTH, MAC_ADDRESSES_LENGTH);
            frame -= VLAN_TAG_LENGTH;
            ring.set(SHORT_BE, frame + MAC_ADDRESSES_LENGTH, (short)tpid);
            ring.set(SHORT_BE, frame + MAC_ADDRESSES_LENGTH + 2, (short)tci);
            capturedLength += VLAN_TAG_LENGTH;
            wireLength += VLAN_TAG_LENGTH;
            vlanTagsRestored++;
        }

        burst.data[slot] = ring;
        burst.offset[slot] = frame;
        burst.capturedLength[slot] = capturedLength;
        burst.wireLength[slot] = wireLength;
        burst.timestampNs[slot] = Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, header + TP_SEC_OFFSET)) *
            NANOS_PER_SECOND + Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, header + TP_NSEC_OFFSET));
        burst.linkType[slot] = linkType;
    }

    private static void setInt(
        final MemorySegment callState,
        final int fd,
        final String ifName,
        final int option,
        final String optionName,
        final int value,
        final String hint) throws IOException
    {
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment segment = scratch.allocateFrom(ValueLayout.JAVA_INT, value);
            if (Libc.setsockopt(callState, fd, Libc.SOL_PACKET, option, segment, 4) != 0)
            {
                throw failure(ifName, "setsockopt(" + optionName + ")", Libc.errno(callState), hint);
            }
        }
    }

    static IOException failure(final String ifName, final String step, final int errno, final String hint)
    {
        return new IOException("af-packet on '" + ifName + "': " + step + " failed: " + Libc.strerror(errno) +
            " (errno " + errno + ")" + (hint == null ? "" : "; " + hint));
    }
}
