package dev.sluice.dataplane.decode.event.cef;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteScanTest
{
    @Test
    void findsTheSameByteAsALoopDoes()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] alphabet = {'a', '|', '\\', '=', ' ', (byte)0x80, (byte)0xFF, 0, 1, (byte)(0x7C ^ 0x80), '\t'};
        for (int round = 0; round < 20_000; round++)
        {
            final byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte)('a' + random.nextInt(26));
            }
            final byte a = alphabet[random.nextInt(alphabet.length)];
            final byte b = alphabet[random.nextInt(alphabet.length)];
            final byte c = alphabet[random.nextInt(alphabet.length)];
            final int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            final int end = from + (bytes.length == from ? 0 : random.nextInt(bytes.length - from + 1));
            int expected = end;
            for (int i = from; i < end; i++)
            {
                if (bytes[i] == a || bytes[i] == b || bytes[i] == c)
                {
                    expected = i;
                    break;
                }
            }
            final MemorySegment segment = MemorySegment.ofArray(bytes);
            assertEquals(expected, ByteScan.indexOfAny(segment, 0, from, end, ByteScan.pattern(a), ByteScan.pattern(b),
                ByteScan.pattern(c)));
        }
    }
}
