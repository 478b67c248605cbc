package dev.sluice.dataplane.classify.detect;

import dev.sluice.dataplane.testing.AllocationProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Neither engine allocates per call once warm, on text full of identifiers of every kind (so
 * every rule and, for Hyperscan, the match upcall runs), from native memory as the data path
 * holds it and from the heap, with and without a match handler.
 */
@Timeout(300)
class IdentifierAllocationTest
{
    private static final List<String> LINES = List.of(
        "<34>1 2026-11-27T13:54:12Z gw sshd 42 - user bob@example.org from 203.0.113.9 port 22 mac 00:1a:2b:3c:4d:5e",
        "{\"imsi\":\"310150123456789\",\"imei\":\"490154203237518\",\"vin\":\"1M8GDM9AXKP042788\",\"ip6\":\"2001:db8::1\"}",
        "CEF:0|x|y|1|2|3|4|src=10.0.0.1 dst=fe80::1 msg=card 4111 1111 1111 1111 tel +49 151 1234 5678 001a.2b3c.4d5e",
        "nothing to see here, just words and numbers 12345 and 22:14:15 and std::vector and 00-1a-2b-3c-4d-5e");

    private static long total;

    @Test
    void dfaDoesNotAllocate()
    {
        assertNoAllocation(new DfaIdentifierDetector());
    }

    @Test
    void hyperscanDoesNotAllocate()
    {
        try (IdentifierDetector hyperscan = Detection.hyperscan())
        {
            assertNoAllocation(hyperscan);
        }
    }

    private static void assertNoAllocation(final IdentifierDetector detector)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int count = LINES.size();
            final MemorySegment[] natives = new MemorySegment[count];
            final MemorySegment[] heaps = new MemorySegment[count];
            final int[] lengths = new int[count];
            for (int i = 0; i < count; i++)
            {
                final byte[] bytes = LINES.get(i).getBytes(StandardCharsets.US_ASCII);
                lengths[i] = bytes.length;
                natives[i] = arena.allocate(bytes.length);
                MemorySegment.copy(bytes, 0, natives[i], ValueLayout.JAVA_BYTE, 0, bytes.length);
                heaps[i] = MemorySegment.ofArray(bytes);
            }
            final IdentifierMatchHandler handler = (kind, start, end) -> total += end - start;
            new AllocationProbe(detector.engine() + " detect", 200_000, 50_000, 5).assertNoAllocation(() ->
            {
                for (int i = 0; i < count; i++)
                {
                    total += detector.detect(natives[i], 0, lengths[i]);
                    total += detector.detect(heaps[i], 0, lengths[i], handler);
                }
                return 2L * count;
            });
        }
    }
}
