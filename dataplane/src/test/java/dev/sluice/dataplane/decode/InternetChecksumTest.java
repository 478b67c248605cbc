package dev.sluice.dataplane.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Incremental updates (RFC 1624) agree with a full recomputation for changes at even and odd
 * offsets, and keep a bad checksum bad by the same distance.
 */
class InternetChecksumTest
{
    @Test
    void incrementalUpdateEqualsRecomputationAtAnyAlignment()
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++)
        {
            final int length = random.nextInt(8, 200);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final int start = random.nextInt(2);
            // The checksum covers [start, length); its field sits at start (even distance from start).
            bytes[start] = 0;
            bytes[start + 1] = 0;
            final int good = InternetChecksum.finish(InternetChecksum.sum(bytes, start, length - start, 0));
            final int distance = random.nextInt(3) == 0 ? random.nextInt(1, 0xFFFF) : 0;
            final int stored = (good + distance) & 0xFFFF;
            final MemorySegment packet = MemorySegment.ofArray(bytes);

            final int at = random.nextInt(start + 2, length - 4);
            final int changed = random.nextInt(1, 5);
            final long before = InternetChecksum.alignedSum(packet, 0, at, changed);
            for (int i = 0; i < changed; i++)
            {
                bytes[at + i] = (byte)random.nextInt();
            }
            final long difference = InternetChecksum.difference(before, InternetChecksum.alignedSum(packet, 0, at, changed));
            final long seen = (start & 1) == 0 ? difference : InternetChecksum.swap(difference);
            final int updated = InternetChecksum.update(stored, seen);

            final int recomputed = InternetChecksum.finish(InternetChecksum.sum(bytes, start, length - start, 0));
            assertEquals(0, oneComplementDistance(updated, recomputed) - oneComplementDistance(stored, good),
                "round " + round + ": start " + start + ", change at " + at + " of " + changed + " bytes");
        }
    }

    /** {@code a - b} in one's-complement arithmetic, with 0 and 0xFFFF the same value. */
    private static int oneComplementDistance(final int a, final int b)
    {
        return InternetChecksum.fold((a & 0xFFFF) + (~b & 0xFFFF)) % 0xFFFF;
    }
}
