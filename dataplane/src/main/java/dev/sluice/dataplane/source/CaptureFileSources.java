package dev.sluice.dataplane.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One capture file per worker: worker i replays {@code files.get(i)}. */
public final class CaptureFileSources implements PacketSources
{
    private final List<Path> files;
    private final long packetsPerSecond;

    public CaptureFileSources(final List<Path> files)
    {
        this(files, 0);
    }

    /** @param packetsPerSecond each file's replay rate; 0 replays as fast as the worker goes */
    public CaptureFileSources(final List<Path> files, final long packetsPerSecond)
    {
        if (files.isEmpty())
        {
            throw new IllegalArgumentException("at least one capture file is required");
        }
        this.files = List.copyOf(files);
        this.packetsPerSecond = packetsPerSecond;
    }

    @Override
    public String describe()
    {
        return (files.size() == 1 ? "pcap:" + files.getFirst() : "pcap:" + files.size() + " files, one per worker") +
            (packetsPerSecond > 0 ? " at " + packetsPerSecond + " packets/s" : "");
    }

    @Override
    public int workerCount()
    {
        return files.size();
    }

    @Override
    public PacketSource open(final int workerIndex) throws IOException
    {
        final CaptureFileSource capture = CaptureFileSource.open(files.get(workerIndex));
        return packetsPerSecond > 0 ? new PacedCaptureFileSource(capture, packetsPerSecond, System::nanoTime) : capture;
    }
}
