package dev.sluice.dataplane.source.afpacket;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of an AF_PACKET source: the interface, the TPACKET_V3 ring's geometry, and how a
 * fanout group spreads packets over workers. Fluent accessors; {@link #problems()} checks
 * everything at once before any socket is opened. Assembling thread only.
 */
public final class AfPacketSettings
{
    /** Page size the ring's blocks must be a multiple of (x86-64 and arm64 with 4 KiB pages). */
    public static final int PAGE_SIZE = 4096;
    /** {@code TPACKET_ALIGNMENT}: frame sizes are multiples of it. */
    public static final int TPACKET_ALIGNMENT = 16;

    /** 1 MiB blocks: a 9000-byte jumbo frame fits, and a block holds hundreds of small packets. */
    public static final int BLOCK_SIZE_DEFAULT = 1 << 20;
    /** 32 blocks of 1 MiB: 32 MiB per worker, about 20 ms of a saturated 10 Gb/s link. */
    public static final int BLOCK_COUNT_DEFAULT = 32;
    /** Only sizes the kernel's frame count for TPACKET_V3 (packets are packed variable-length). */
    public static final int FRAME_SIZE_DEFAULT = 2048;
    /** A partly filled block is handed over after this long, bounding added latency at low rates. */
    public static final int RETIRE_TIMEOUT_MS_DEFAULT = 4;
    public static final int MAX_BLOCK_COUNT = 65_536;
    public static final long MAX_RING_BYTES = 0xFFFF_FFFFL;
    public static final int MAX_WORKERS = 64;

    /** How a fanout group chooses the socket (worker) for each packet. */
    public enum FanoutMode
    {
        /** By flow hash, with IP fragments reassembled for hashing so all of a datagram goes to one worker. */
        HASH(Libc.PACKET_FANOUT_HASH | Libc.PACKET_FANOUT_FLAG_DEFRAG),
        /** Round robin: even load, but one flow's packets are spread over workers. */
        LB(Libc.PACKET_FANOUT_LB),
        /** By the CPU the packet arrived on (pairs with RSS and IRQ affinity). */
        CPU(Libc.PACKET_FANOUT_CPU);

        private final int kernelValue;

        FanoutMode(final int kernelValue)
        {
            this.kernelValue = kernelValue;
        }

        /** Mode and flags as the upper 16 bits of PACKET_FANOUT's argument expect them. */
        public int kernelValue()
        {
            return kernelValue;
        }

        public String configName()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode named in a configuration file, or null. */
        public static FanoutMode fromConfigName(final String name)
        {
            for (final FanoutMode mode : values())
            {
                if (mode.configName().equals(name))
                {
                    return mode;
                }
            }
            return null;
        }
    }

    private String interfaceName;
    private int workers = 1;
    private FanoutMode fanoutMode = FanoutMode.HASH;
    private int fanoutGroupId = -1;
    private int blockSizeBytes = BLOCK_SIZE_DEFAULT;
    private int blockCount = BLOCK_COUNT_DEFAULT;
    private int frameSizeBytes = FRAME_SIZE_DEFAULT;
    private int retireTimeoutMs = RETIRE_TIMEOUT_MS_DEFAULT;
    private boolean promiscuous = true;

    public String interfaceName()
    {
        return interfaceName;
    }

    public AfPacketSettings interfaceName(final String interfaceName)
    {
        this.interfaceName = interfaceName;
        return this;
    }

    public int workers()
    {
        return workers;
    }

    public AfPacketSettings workers(final int workers)
    {
        this.workers = workers;
        return this;
    }

    public FanoutMode fanoutMode()
    {
        return fanoutMode;
    }

    public AfPacketSettings fanoutMode(final FanoutMode fanoutMode)
    {
        this.fanoutMode = fanoutMode;
        return this;
    }

    /** 0..65535, or -1 (the default) to derive one from the process id and a counter. */
    public int fanoutGroupId()
    {
        return fanoutGroupId;
    }

    public AfPacketSettings fanoutGroupId(final int fanoutGroupId)
    {
        this.fanoutGroupId = fanoutGroupId;
        return this;
    }

    public int blockSizeBytes()
    {
        return blockSizeBytes;
    }

    public AfPacketSettings blockSizeBytes(final int blockSizeBytes)
    {
        this.blockSizeBytes = blockSizeBytes;
        return this;
    }

    public int blockCount()
    {
        return blockCount;
    }

    public AfPacketSettings blockCount(final int blockCount)
    {
        this.blockCount = blockCount;
        return this;
    }

    public int frameSizeBytes()
    {
        return frameSizeBytes;
    }

    public AfPacketSettings frameSizeBytes(final int frameSizeBytes)
    {
        this.frameSizeBytes = frameSizeBytes;
        return this;
    }

    public int retireTimeoutMs()
    {
        return retireTimeoutMs;
    }

    public AfPacketSettings retireTimeoutMs(final int retireTimeoutMs)
    {
        this.retireTimeoutMs = retireTimeoutMs;
        return this;
    }

    /** Whether the interface is put in promiscuous mode while the source is open (a mirror port needs it). */
    public boolean promiscuous()
    {
        return promiscuous;
    }

    public AfPacketSettings promiscuous(final boolean promiscuous)
    {
        this.promiscuous = promiscuous;
        return this;
    }

    public long ringSizeBytes()
    {
        return (long)blockSizeBytes * blockCount;
    }

    /** Every setting that is out of range, named as in the configuration file; empty when all are fine. */
    public List<String> problems()
    {
        final List<String> problems = new ArrayList<>();
        if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15 ||
            interfaceName.contains("/") || interfaceName.contains(" "))
        {
            problems.add("interface: a network interface name of 1..15 characters is required (see `ip link`), got '" +
                interfaceName + "'");
        }
        if (workers < 1 || workers > MAX_WORKERS)
        {
            problems.add("workers: must be in 1.." + MAX_WORKERS + ", got " + workers);
        }
        if (fanoutMode == null)
        {
            problems.add("fanout: one of hash, lb, cpu is required");
        }
        if (fanoutGroupId < -1 || fanoutGroupId > 0xFFFF)
        {
            problems.add("fanout-group: must be in 0..65535, got " + fanoutGroupId);
        }
        if (blockSizeBytes < PAGE_SIZE || blockSizeBytes % PAGE_SIZE != 0)
        {
            problems.add("block-size: must be a positive multiple of the page size " + PAGE_SIZE + ", got " + blockSizeBytes);
        }
        if (blockCount < 1 || blockCount > MAX_BLOCK_COUNT)
        {
            problems.add("block-count: must be in 1.." + MAX_BLOCK_COUNT + ", got " + blockCount);
        }
        if (frameSizeBytes < 128 || frameSizeBytes % TPACKET_ALIGNMENT != 0 || frameSizeBytes > blockSizeBytes)
        {
            problems.add("frame-size: must be a multiple of " + TPACKET_ALIGNMENT + " in 128..block-size (" +
                blockSizeBytes + "), got " + frameSizeBytes);
        }
        if (retireTimeoutMs < 1 || retireTimeoutMs > 1000)
        {
            problems.add("retire-timeout-ms: must be in 1..1000, got " + retireTimeoutMs);
        }
        if (ringSizeBytes() > MAX_RING_BYTES)
        {
            problems.add("block-count x block-size: the ring of " + ringSizeBytes() + " bytes exceeds the kernel's " +
                "limit of " + MAX_RING_BYTES + " bytes; lower block-count or block-size");
        }
        return problems;
    }

    @Override
    public String toString()
    {
        return "af-packet:" + interfaceName + " (" + workers + (workers == 1 ? " worker" : " workers, fanout " +
            (fanoutMode == null ? "?" : fanoutMode.configName())) + ", " + blockCount + " x " + blockSizeBytes + " B ring)";
    }
}
