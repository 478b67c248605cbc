package dev.sluice.dataplane.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One capture file per worker: worker i replays {@code files.get(i)}. */
public final class CaptureFileSources implements PacketSources
{
    private final List<Path> files;

    public CaptureFileSources(final List<Path> files)
    {
        if (files.isEmpty())
        {
            throw new IllegalArgumentException("at least one capture file is required");
        }
        this.files = List.copyOf(files);
    }

    @Override
    public String describe()
    {
        return files.size() == 1 ? "pcap:" + files.getFirst() : "pcap:" + files.size() + " files, one per worker";
    }

    @Override
    public int workerCount()
    {
        return files.size();
    }

    @Override
    public PacketSource open(final int workerIndex) throws IOException
    {
        return CaptureFileSource.open(files.get(workerIndex));
    }
}
