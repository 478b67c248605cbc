package dev.sluice.regional;

import dev.sluice.regional.sink.DataKind;
import dev.sluice.regional.sink.DeliveryHandler;
import dev.sluice.regional.sink.Sink;
import dev.sluice.regional.sink.SinkCounter;
import dev.sluice.regional.sink.SinkCounters;
import dev.sluice.regional.sink.SinkStream;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink for handler tests: takes or refuses every batch, holds the caller to the batch protocol
 * (no more records or bytes than offered, every record before the commit), and keeps what it takes
 * as text. Test thread only.
 */
final class RecordingSink implements Sink
{
    private boolean takes;
    private final java.util.Map<Integer, Long> committed = new java.util.HashMap<>();
    private final List<Long> origins = new ArrayList<>();
    private SinkStream batchStream;
    private long batchSequence;
    private final SinkCounters counters = new SinkCounters("recording");
    private final List<String> lines = new ArrayList<>();
    private final List<String> records = new ArrayList<>();
    private final List<String> batches = new ArrayList<>();
    private String batch;
    private int recordCount;
    private long lengthBound;
    private int recordsAdded;
    private long lengthAdded;

    RecordingSink(final boolean takes)
    {
        this.takes = takes;
    }

    public String name()
    {
        return "recording";
    }

    public boolean offerBatch(final SinkStream stream, final long sequence, final int recordCount, final long lengthBound)
    {
        assertEquals(null, batch, "a batch is open");
        if (!takes)
        {
            counters.add(SinkCounter.REFUSED_BACKPRESSURE, 1);
            return false;
        }
        batch = stream.keyText() + "#" + stream.id() + "@" + sequence;
        batchStream = stream;
        batchSequence = sequence;
        this.recordCount = recordCount;
        this.lengthBound = lengthBound;
        recordsAdded = 0;
        lengthAdded = 0;
        return true;
    }

    public void appendRecord(
        final DataKind kind, final long origin, final DirectBuffer buffer, final int offset, final int length)
    {
        recordsAdded++;
        lengthAdded += length;
        assertTrue(recordsAdded <= recordCount, "more records than offered in " + batch);
        assertTrue(lengthAdded <= lengthBound, "more bytes than offered in " + batch);
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        lines.add(new String(bytes, StandardCharsets.UTF_8));
        origins.add(origin);
        records.add(kind + " " + batch);
    }

    public void commitBatch()
    {
        assertEquals(recordCount, recordsAdded, "records of " + batch);
        batches.add(batch + ":" + recordCount);
        committed.put(batchStream.id(), batchSequence);
        batch = null;
    }

    /** Delivered as soon as committed. */
    public long deliveredSequence(final SinkStream stream)
    {
        return committed.getOrDefault(stream.id(), 0L);
    }

    /** Takes batches from now on, or refuses them. */
    void takes(final boolean takes)
    {
        this.takes = takes;
    }

    /** The origin of each record taken. */
    List<Long> origins()
    {
        return origins;
    }

    public int pollDelivered(final DeliveryHandler handler)
    {
        return 0;
    }

    public SinkCounters counters()
    {
        return counters;
    }

    public void close()
    {
    }

    List<String> lines()
    {
        return lines;
    }

    List<String> records()
    {
        return records;
    }

    List<String> batches()
    {
        return batches;
    }
}
