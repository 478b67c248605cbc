package dev.sluice.dataplane.anonymize;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves rewriting real lines allocates nothing once warm: loghub's 8,000 lines, go-syslog's
 * inputs and lines with IPv6 addresses, off-heap one after another as a worker finds them, written
 * into an off-heap {@link UnsafeBuffer}.
 */
class TextAddressAnonymizerAllocationTest
{
    private static final int MEASURED_REWRITES = 120_000;
    /** Enough rounds for C2 to compile the whole path; the first rounds see tier changes that allocate. */
    private static final int WARM_UP_ROUNDS = 10;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(120)
    void rewritingRealLinesAllocatesNothing() throws IOException
    {
        final List<String> lines = new ArrayList<>(TextAddressAnonymizerTest.loghubLines());
        lines.addAll(TextAddressAnonymizerTest.goSyslogInputs());
        lines.add("<34>1 2026-11-27T07:00:00Z gw sshd 42 - - Accepted from 2001:db8::17 port 22 via [fe80::1%eth0]:22");
        lines.add("{\"src\":\"::ffff:192.0.2.1\",\"dst\":\"2001:DB8:0:0:8:800:200C:417A\",\"bytes\":1200}");

        try (Arena arena = Arena.ofConfined())
        {
            long total = 0;
            for (final String line : lines)
            {
                total += line.length();
            }
            final MemorySegment segment = arena.allocate(total);
            final long[] offsets = new long[lines.size()];
            final int[] lengths = new int[lines.size()];
            long offset = 0;
            int longest = 0;
            for (int i = 0; i < lines.size(); i++)
            {
                final byte[] bytes = lines.get(i).getBytes(StandardCharsets.ISO_8859_1);
                MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
                offsets[i] = offset;
                lengths[i] = bytes.length;
                offset += bytes.length;
                longest = Math.max(longest, bytes.length);
            }
            final int capacity = TextAddressAnonymizer.maxOutputLength(longest);
            final UnsafeBuffer target = new UnsafeBuffer(arena.allocate(capacity).address(), capacity);
            final TextAddressAnonymizer anonymizer = new TextAddressAnonymizer(new CryptoPan(CryptoPanVectors.referenceKey()));

            threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                run(anonymizer, segment, offsets, lengths, target, MEASURED_REWRITES);
            }

            final long before = threads.getCurrentThreadAllocatedBytes();
            final long addresses = run(anonymizer, segment, offsets, lengths, target, MEASURED_REWRITES);
            final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(addresses > MEASURED_REWRITES / 2, "addresses " + addresses);
            assertEquals(0L, allocatedBytes, "bytes allocated over " + MEASURED_REWRITES + " rewrites");
        }
    }

    private static long run(
        final TextAddressAnonymizer anonymizer,
        final MemorySegment segment,
        final long[] offsets,
        final int[] lengths,
        final UnsafeBuffer target,
        final int rewrites)
    {
        long addresses = 0;
        for (int i = 0, line = 0; i < rewrites; i++, line = line + 1 == offsets.length ? 0 : line + 1)
        {
            if (anonymizer.rewrite(segment, offsets[line], lengths[line], target, 0, target.capacity()) < 0)
            {
                throw new AssertionError("target too small for line " + line);
            }
            addresses += anonymizer.addressesRewritten();
        }
        return addresses;
    }
}
