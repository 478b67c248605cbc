package dev.sluice.regional.sink;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink that delivers at once into a list: the "other sink" of isolation tests.
 * <p>
 * The caller's thread only, except {@link #deliveredSequence} and {@link #counters()}.
 */
final class MemorySink implements Sink
{
    private final SinkCounters counters = new SinkCounters("memory");
    private final Map<Integer, Long> delivered = new ConcurrentHashMap<>();
    private final Map<Integer, Long> reported = new ConcurrentHashMap<>();
    private final Map<Integer, SinkStream> streams = new ConcurrentHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private SinkStream stream;
    private long sequence;
    private int records;

    public String name()
    {
        return "memory";
    }

    public boolean offerBatch(final SinkStream stream, final long sequence, final int recordCount, final long lengthBound)
    {
        this.stream = stream;
        this.sequence = sequence;
        this.records = 0;
        streams.put(stream.id(), stream);
        return true;
    }

    public void appendRecord(
        final DataKind kind, final long origin, final DirectBuffer buffer, final int offset, final int length)
    {
        lines.add(buffer.getStringWithoutLengthAscii(offset, length));
        records++;
    }

    public void commitBatch()
    {
        delivered.put(stream.id(), sequence);
        counters.add(SinkCounter.OFFERED_BATCHES, 1);
        counters.add(SinkCounter.OFFERED_RECORDS, records);
        counters.add(SinkCounter.DELIVERED_BATCHES, 1);
        counters.add(SinkCounter.DELIVERED_RECORDS, records);
    }

    public long deliveredSequence(final SinkStream stream)
    {
        return delivered.getOrDefault(stream.id(), 0L);
    }

    public int pollDelivered(final DeliveryHandler handler)
    {
        int count = 0;
        for (final Map.Entry<Integer, Long> entry : delivered.entrySet())
        {
            if (!entry.getValue().equals(reported.get(entry.getKey())))
            {
                reported.put(entry.getKey(), entry.getValue());
                handler.onDelivered(streams.get(entry.getKey()), entry.getValue());
                count++;
            }
        }
        return count;
    }

    public SinkCounters counters()
    {
        return counters;
    }

    List<String> lines()
    {
        return lines;
    }

    public void close()
    {
    }
}
