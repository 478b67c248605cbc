package dev.sluice.controlplane;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The control plane's counters in the media driver's counters file. Incremented only by the agent thread;
 * any thread may read them.
 */
final class ControlPlaneCounters implements AutoCloseable
{
    static final String LABEL_PREFIX = "sluice-controlplane: ";

    private final Counter[] counters = new Counter[ControlPlaneCounter.values().length];

    ControlPlaneCounters(final Aeron aeron)
    {
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(new byte[Integer.BYTES]);
        try
        {
            for (final ControlPlaneCounter counter : ControlPlaneCounter.values())
            {
                keyBuffer.putInt(0, counter.id(), ByteOrder.LITTLE_ENDIAN);
                final byte[] label = (LABEL_PREFIX + counter.label()).getBytes(StandardCharsets.US_ASCII);
                final UnsafeBuffer labelBuffer = new UnsafeBuffer(label);
                counters[counter.ordinal()] = aeron.addCounter(
                    ControlPlaneCounter.TYPE_ID, keyBuffer, 0, Integer.BYTES, labelBuffer, 0, label.length);
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    void increment(final ControlPlaneCounter counter)
    {
        counters[counter.ordinal()].incrementRelease();
    }

    long get(final ControlPlaneCounter counter)
    {
        return counters[counter.ordinal()].get();
    }

    public void close()
    {
        CloseHelper.closeAll(counters);
    }
}
