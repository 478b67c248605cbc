package dev.sluice.spool;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records the tests write: each sequence's payload is a function of the sequence alone
 * (length and bytes), so any reader, in any process, knows what a record must hold.
 * <p>
 * Test thread only.
 */
final class TestRecords
{
    /**
     * Longest payload {@link #payload} makes with the default spread.
     */
    static final int MAX_LENGTH = 3000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 20));

    /**
     * Length of sequence's payload: 0 to {@link #MAX_LENGTH} bytes, empty now and then.
     */
    static int length(final long sequence)
    {
        final long mixed = mix(sequence);
        return 0 == (mixed & 63) ? 0 : (int)((mixed >>> 8) % (MAX_LENGTH + 1));
    }

    /**
     * Byte {@code index} of sequence's payload.
     */
    static byte byteAt(final long sequence, final int index)
    {
        return (byte)mix(sequence * 31 + index);
    }

    /**
     * Writes sequence's payload into a reused buffer.
     *
     * @return the buffer, payload at offset 0, {@link #length} bytes.
     */
    DirectBuffer payload(final long sequence)
    {
        final int length = length(sequence);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, byteAt(sequence, i));
        }
        return buffer;
    }

    /**
     * Appends sequence's payload and checks the spool gave it that sequence.
     */
    void append(final Spool spool, final long sequence)
    {
        assertEquals(sequence, spool.append(payload(sequence), 0, length(sequence)), "sequence appended");
    }

    /**
     * Checks a payload read back is sequence's.
     */
    static void assertPayload(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        assertEquals(length(sequence), length, "length of " + sequence);
        for (int i = 0; i < length; i++)
        {
            if (byteAt(sequence, i) != buffer.getByte(offset + i))
            {
                assertEquals(byteAt(sequence, i), buffer.getByte(offset + i), "byte " + i + " of " + sequence);
            }
        }
    }

    /**
     * Reads every record from {@code from} on, checking each payload.
     *
     * @return the sequences read, in order.
     */
    static List<Long> readAll(final Spool spool, final long from)
    {
        final List<Long> sequences = new ArrayList<>();
        final SpoolCursor cursor = spool.newCursor(from);
        while (cursor.poll((sequence, buffer, offset, length) ->
        {
            assertPayload(sequence, buffer, offset, length);
            sequences.add(sequence);
        }, 100) > 0)
        {
            assertTrue(sequences.size() < 100_000_000, "a read ends");
        }
        return sequences;
    }

    /**
     * SplitMix64's finalizer: a well-spread function of the input.
     */
    private static long mix(final long value)
    {
        long z = value + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
