package dev.sluice.dataplane.anonymize.pseudonym;

import dev.sluice.dataplane.testing.AllocationProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every identifier pseudonym, the way back of the reversible ones, SipHash over a segment and
 * the reasons for bad values allocate nothing per value once warm.
 */
class IdentifierPseudonymAllocationTest
{
    private static final Map<PseudonymMethod, String[]> VALUES = new EnumMap<>(PseudonymMethod.class);

    static
    {
        VALUES.put(PseudonymMethod.HMAC, new String[] {"session-4711", ""});
        VALUES.put(PseudonymMethod.SIPHASH, new String[] {"session-4711", ""});
        VALUES.put(PseudonymMethod.USER, new String[] {"alice", ""});
        VALUES.put(PseudonymMethod.EMAIL, new String[] {"alice.smith@Corp.Example.com", "no-at-sign"});
        VALUES.put(PseudonymMethod.MAC, new String[] {"00:1B:63:84:45:E6", "00:1b-63:84:45:e6"});
        VALUES.put(PseudonymMethod.IMSI, new String[] {"310260123456789", "31026012345"});
        VALUES.put(PseudonymMethod.IMEI, new String[] {"490154203237518", "49015420323751"});
        VALUES.put(PseudonymMethod.VIN, new String[] {"1M8GDM9AXKP042788", "1M8GDM9AXKP0427O8"});
        VALUES.put(PseudonymMethod.PHONE, new String[] {"+49 30 1234567", "+352 12345"});
    }

    @Test
    @Timeout(300)
    void everyMethodAllocatesNothingPerValue()
    {
        final KeyDerivation keys = IdentifierPseudonymTest.keys(9);
        final byte[] out = new byte[128];
        final byte[] back = new byte[128];
        for (final Map.Entry<PseudonymMethod, String[]> entry : VALUES.entrySet())
        {
            final IdentifierPseudonym pseudonym = entry.getKey().create(keys, false);
            final byte[] good = entry.getValue()[0].getBytes(StandardCharsets.US_ASCII);
            final byte[] bad = entry.getValue()[1].getBytes(StandardCharsets.US_ASCII);
            new AllocationProbe(entry.getKey().keyword(), 50_000, 20_000, 5).assertNoAllocation(() ->
            {
                for (int i = 0; i < 100; i++)
                {
                    final int length = pseudonym.pseudonymize(good, 0, good.length, out, 0, out.length);
                    if (pseudonym instanceof ReversiblePseudonym reversible)
                    {
                        reversible.reverse(out, 0, length, back, 0, back.length);
                    }
                    pseudonym.pseudonymize(bad, 0, bad.length, out, 0, out.length);
                }
                return 100;
            });
        }
    }

    @Test
    @Timeout(60)
    void sipHashOverASegmentAllocatesNothing()
    {
        final SipHash24 sipHash = new SipHash24(new byte[SipHash24.KEY_LENGTH_BYTES]);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final java.lang.foreign.MemorySegment segment = arena.allocate(64);
            final byte[] array = new byte[64];
            new AllocationProbe("SipHash-2-4", 200_000, 100_000, 5).assertNoAllocation(() ->
            {
                long sum = 0;
                for (int i = 0; i < 1000; i++)
                {
                    sum += sipHash.hash(segment, i & 7, 13 + (i & 31));
                    sum += sipHash.hash(array, i & 7, 13 + (i & 31));
                }
                array[0] = (byte)sum;
                return 1000;
            });
        }
    }
}
