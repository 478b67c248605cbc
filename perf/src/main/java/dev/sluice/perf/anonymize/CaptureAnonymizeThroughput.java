package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.capture.CaptureAnonymizer;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The anonymizer's own rate on a capture held in memory: each pass restores the capture's bytes,
 * rewinds the source and anonymizes it, and prints packets per second of wall clock and of the
 * thread's CPU time. The first passes include the JIT's work.
 * <p>
 * Usage: {@code CaptureAnonymizeThroughput CAPTURE KEY_FILE PASSES [CACHE_SLOTS]} (default 262,144, as the command uses). Main thread.
 */
public final class CaptureAnonymizeThroughput
{
    private CaptureAnonymizeThroughput()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path capture = Path.of(args[0]);
        final int passes = Integer.parseInt(args[2]);
        final int cacheSlots = args.length > 3 ? Integer.parseInt(args[3]) : 1 << 18;
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final CryptoPan cryptoPan = CryptoPan.fromKeyFile(Path.of(args[1]), cacheSlots);
        final CaptureAnonymizer anonymizer = new CaptureAnonymizer(cryptoPan, false);
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(capture, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final MemorySegment pristine = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            final MemorySegment work = arena.allocate(size, 64);
            MemorySegment.copy(pristine, 0, work, 0, size);
            try (CaptureFileSource source = CaptureFileSource.wrap(capture.toString(), work))
            {
                for (int pass = 1; pass <= passes; pass++)
                {
                    MemorySegment.copy(pristine, 0, work, 0, size);
                    source.rewind();
                    final long cpuBefore = threads.getCurrentThreadCpuTime();
                    anonymizer.anonymize(source, work);
                    final long cpuNs = threads.getCurrentThreadCpuTime() - cpuBefore;
                    final long packets = anonymizer.counters().packetsRead();
                    System.out.printf(Locale.ROOT, "pass %d: %d packets, %.0f packets/s wall, %.0f packets per CPU-second%n",
                        pass, packets, packets * 1e9 / anonymizer.counters().anonymizeNs(), packets * 1e9 / cpuNs);
                }
                final long lookups = cryptoPan.addressCacheHits() + cryptoPan.prefixCacheHits() + cryptoPan.cacheMisses();
                System.out.printf(Locale.ROOT, "Crypto-PAn caches (%d slots), all passes: %.1f%% address hits, " +
                    "%.1f%% prefix hits, %.1f%% misses%n", cacheSlots, 100.0 * cryptoPan.addressCacheHits() / lookups,
                    100.0 * cryptoPan.prefixCacheHits() / lookups, 100.0 * cryptoPan.cacheMisses() / lookups);
            }
        }
    }
}
