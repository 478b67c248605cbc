package dev.sluice.dataplane.source.afpacket;

import dev.sluice.dataplane.source.PacketSource;
import dev.sluice.dataplane.source.PacketSources;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One AF_PACKET socket per worker on one interface. With more than one worker the sockets form
 * one {@code PACKET_FANOUT} group, so the kernel hands each packet to exactly one of them (by
 * flow hash by default, or round robin, or by receiving CPU). A single worker gets a plain
 * socket. Assembling thread only.
 */
public final class AfPacketSources implements PacketSources
{
    private static final AtomicInteger GROUPS_IN_PROCESS = new AtomicInteger();

    private final AfPacketSettings settings;
    private final int fanoutGroupId;

    /**
     * @throws IllegalArgumentException listing every setting out of range.
     */
    public AfPacketSources(final AfPacketSettings settings)
    {
        final List<String> problems = settings.problems();
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException("source.af-packet: " + String.join("; ", problems));
        }
        this.settings = settings;
        this.fanoutGroupId = settings.workers() == 1 ? -1 :
            settings.fanoutGroupId() >= 0 ? settings.fanoutGroupId() : deriveGroupId();
    }

    /**
     * Fanout group ids are global to a network namespace; the process id and a counter keep two
     * gateways, or two sources of one process, apart.
     */
    static int deriveGroupId()
    {
        return (Libc.getpid() * 31 + GROUPS_IN_PROCESS.getAndIncrement()) & 0xFFFF;
    }

    public AfPacketSettings settings()
    {
        return settings;
    }

    /** The fanout group the sockets join, or -1 for a single worker. */
    public int fanoutGroupId()
    {
        return fanoutGroupId;
    }

    @Override
    public String describe()
    {
        return settings.workers() == 1 ? settings.toString() : settings + ", fanout group " + fanoutGroupId;
    }

    @Override
    public int workerCount()
    {
        return settings.workers();
    }

    @Override
    public PacketSource open(final int workerIndex) throws IOException
    {
        if (workerIndex < 0 || workerIndex >= settings.workers())
        {
            throw new IllegalArgumentException("worker index " + workerIndex + " outside 0.." + (settings.workers() - 1));
        }
        return openSource(workerIndex);
    }

    /** Same as {@link #open(int)}, typed for callers that read the kernel statistics. */
    public AfPacketSource openSource(final int workerIndex) throws IOException
    {
        return AfPacketSource.open(settings, fanoutGroupId, settings.fanoutMode());
    }
}
