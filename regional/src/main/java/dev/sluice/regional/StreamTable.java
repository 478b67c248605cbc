package dev.sluice.regional;

import dev.sluice.protocol.codec.DataBatchDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Open-addressing table from (gateway id, destination region, worker index) to {@link StreamState}. A key is
 * read straight from the frame into a scratch array, so finding a known stream allocates nothing;
 * only the first batch of a new stream allocates its state.
 * <p>
 * Agent thread only.
 */
final class StreamTable
{
    static final int GATEWAY_ID_LENGTH = DataBatchDecoder.gatewayIdLength();
    static final int REGION_LENGTH = DataBatchDecoder.destinationRegionLength();
    private static final int WORKER_INDEX_OFFSET = GATEWAY_ID_LENGTH + REGION_LENGTH;
    static final int KEY_LENGTH = WORKER_INDEX_OFFSET + Short.BYTES;
    private static final int INITIAL_CAPACITY = 64;

    private final byte[] scratchKey = new byte[KEY_LENGTH];
    private final RegionalCounters counters;
    private StreamState[] slots = new StreamState[INITIAL_CAPACITY];
    /** The streams in order of arrival (index = id), for iterating without touching empty slots. */
    private StreamState[] byId = new StreamState[INITIAL_CAPACITY];
    private int size;

    StreamTable(final RegionalCounters counters)
    {
        this.counters = counters;
    }

    int size()
    {
        return size;
    }

    /**
     * @param id a stream's id, from 0 to {@link #size()} - 1.
     * @return the stream.
     */
    StreamState stream(final int id)
    {
        return byId[id];
    }

    /**
     * Adds a stream known from the core's durable state before any batch arrives, with the last
     * sequence made durable: a replayed batch at or below it is then a duplicate.
     *
     * @param key          the stream's key as {@link StreamState#key()} holds it.
     * @param lastSequence its durable sequence.
     * @return the stream.
     */
    StreamState restore(final byte[] key, final long lastSequence)
    {
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(key);
        final int workerIndex = ((key[WORKER_INDEX_OFFSET] & 0xFF) << 8) | (key[WORKER_INDEX_OFFSET + 1] & 0xFF);
        final StreamState stream = intern(keyBuffer, 0, GATEWAY_ID_LENGTH, workerIndex);
        stream.restore(lastSequence);
        return stream;
    }

    /**
     * Finds the stream of a batch, adding it on its first batch. Both identifiers are NUL-padded;
     * bytes after the first NUL are padding and take no part in the key.
     *
     * @param buffer            holding the batch.
     * @param gatewayIdOffset   offset of the gateway id field.
     * @param destinationOffset offset of the destination region field.
     * @param workerIndex       the batch's worker index (0..65535).
     * @return the stream's state.
     */
    StreamState intern(
        final DirectBuffer buffer, final int gatewayIdOffset, final int destinationOffset, final int workerIndex)
    {
        final byte[] key = scratchKey;
        copyUntilNul(buffer, gatewayIdOffset, GATEWAY_ID_LENGTH, key, 0);
        copyUntilNul(buffer, destinationOffset, REGION_LENGTH, key, GATEWAY_ID_LENGTH);
        key[WORKER_INDEX_OFFSET] = (byte)(workerIndex >>> 8);
        key[WORKER_INDEX_OFFSET + 1] = (byte)workerIndex;
        final int hash = hash(key);

        StreamState[] slots = this.slots;
        int mask = slots.length - 1;
        int index = hash & mask;
        StreamState candidate;
        while (null != (candidate = slots[index]))
        {
            if (candidate.hash() == hash && Arrays.equals(candidate.key(), key))
            {
                return candidate;
            }
            index = (index + 1) & mask;
        }

        if ((size + 1) * 2 > slots.length)
        {
            grow();
            slots = this.slots;
            mask = slots.length - 1;
            index = hash & mask;
            while (null != slots[index])
            {
                index = (index + 1) & mask;
            }
        }

        final StreamState stream = new StreamState(
            size,
            key.clone(),
            hash,
            text(key, 0, GATEWAY_ID_LENGTH),
            text(key, GATEWAY_ID_LENGTH, REGION_LENGTH),
            workerIndex);
        slots[index] = stream;
        if (size == byId.length)
        {
            byId = Arrays.copyOf(byId, size * 2);
        }
        byId[size] = stream;
        size++;
        counters.onStreamAdded(stream);

        return stream;
    }

    private void grow()
    {
        final StreamState[] oldSlots = slots;
        final StreamState[] newSlots = new StreamState[oldSlots.length * 2];
        final int mask = newSlots.length - 1;
        for (final StreamState stream : oldSlots)
        {
            if (null != stream)
            {
                int index = stream.hash() & mask;
                while (null != newSlots[index])
                {
                    index = (index + 1) & mask;
                }
                newSlots[index] = stream;
            }
        }
        slots = newSlots;
    }

    private static void copyUntilNul(
        final DirectBuffer buffer, final int offset, final int length, final byte[] key, final int keyOffset)
    {
        int i = 0;
        for (; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (0 == b)
            {
                break;
            }
            key[keyOffset + i] = b;
        }

        for (; i < length; i++)
        {
            key[keyOffset + i] = 0;
        }
    }

    private static int hash(final byte[] key)
    {
        int hash = 1;
        for (final byte b : key)
        {
            hash = 31 * hash + b;
        }

        // Spread the high bits into the low ones used by the mask.
        return hash ^ (hash >>> 16);
    }

    private static String text(final byte[] key, final int offset, final int length)
    {
        int end = offset;
        while (end < offset + length && 0 != key[end])
        {
            end++;
        }

        return new String(key, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
