package dev.sluice.dataplane.anonymize;

import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** TEMPORARY STUB (helper wip/anontext brings the real one). */
public final class TextAddressAnonymizer
{
    public TextAddressAnonymizer(final CryptoPan cryptoPan)
    {
    }

    public int rewrite(final MemorySegment source, final long offset, final int length, final MutableDirectBuffer target,
        final int targetOffset, final int targetLimit)
    {
        if (targetOffset + length > targetLimit)
        {
            return -1;
        }
        for (int i = 0; i < length; i++)
        {
            target.putByte(targetOffset + i, source.get(ValueLayout.JAVA_BYTE, offset + i));
        }
        return length;
    }

    public int addressesRewritten()
    {
        return 0;
    }

    public static int maxOutputLength(final int length)
    {
        return 3 * length;
    }
}
