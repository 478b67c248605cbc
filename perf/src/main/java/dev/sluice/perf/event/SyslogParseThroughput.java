package dev.sluice.perf.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SyslogParseBenchmark}'s workloads per CPU-second of the parsing thread rather than
 * per wall-clock second, so a figure taken on a shared, overloaded machine still says what one
 * core does (the peers are compared in events per CPU-second too). Parses every
 * message of each workload over and over, then reads what {@code parseAndRead} reads; prints
 * events and MB per CPU-second and ns per event for each of several rounds after a warm-up.
 * <pre>
 *   PERF_MAIN=dev.sluice.perf.event.SyslogParseThroughput perf/run-jmh.sh [seconds per round] [rounds]
 * </pre>
 * Single-threaded.
 */
public final class SyslogParseThroughput
{
    private SyslogParseThroughput()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final double secondsPerRound = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final Path loghub = SyslogParseBenchmark.sharedData().resolve("syslog/loghub");
        final List<String> rfc5424 = SyslogParseBenchmark.rfc5424FromOpenSsh(loghub);
        final List<String> raw = new ArrayList<>();
        for (final String system : List.of("Linux", "OpenSSH", "Apache", "HDFS"))
        {
            raw.addAll(SyslogParseBenchmark.lines(loghub.resolve(system + "_2k.log")));
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined())
        {
            for (final String name : List.of("rfc5424", "loghub"))
            {
                final List<String> messages = "rfc5424".equals(name) ? rfc5424 : raw;
                final long[] offsets = new long[messages.size()];
                final int[] lengths = new int[messages.size()];
                long total = 0;
                for (final String message : messages)
                {
                    total += message.length();
                }
                final MemorySegment segment = arena.allocate(total);
                long offset = 0;
                for (int i = 0; i < messages.size(); i++)
                {
                    final byte[] bytes = messages.get(i).getBytes(StandardCharsets.ISO_8859_1);
                    MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
                    offsets[i] = offset;
                    lengths[i] = bytes.length;
                    offset += bytes.length;
                }
                final SyslogParser parser = new SyslogParser();
                final EventText text = new EventText(256);
                for (final boolean read : new boolean[] {false, true})
                {
                    long checksum = 0;
                    final long warmUpEnd = System.nanoTime() + 3_000_000_000L;
                    while (System.nanoTime() < warmUpEnd)
                    {
                        checksum += pass(parser, segment, offsets, lengths, text, read);
                    }
                    for (int round = 0; round < rounds; round++)
                    {
                        final long cpuStart = threads.getCurrentThreadCpuTime();
                        final long wallStart = System.nanoTime();
                        final long cpuBudget = (long)(secondsPerRound * 1e9);
                        long events = 0;
                        while (threads.getCurrentThreadCpuTime() - cpuStart < cpuBudget)
                        {
                            checksum += pass(parser, segment, offsets, lengths, text, read);
                            events += offsets.length;
                        }
                        final double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
                        final double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
                        final double bytesPerEvent = (double)total / offsets.length;
                        System.out.printf("%s %s round %d: %,.0f events/CPU-s, %.1f MB/CPU-s, %.1f ns/event (CPU); " +
                            "%,.0f events/wall-s (CPU share %.0f%%)%n", name, read ? "parseAndRead" : "parse", round,
                            events / cpuSeconds, events * bytesPerEvent / cpuSeconds / 1e6, cpuSeconds * 1e9 / events,
                            events / wallSeconds, 100 * cpuSeconds / wallSeconds);
                    }
                    if (checksum == 42)
                    {
                        System.out.println();
                    }
                }
            }
        }
    }

    private static long pass(
        final SyslogParser parser,
        final MemorySegment segment,
        final long[] offsets,
        final int[] lengths,
        final EventText text,
        final boolean read)
    {
        long sum = 0;
        for (int i = 0; i < offsets.length; i++)
        {
            if (parser.parse(segment, offsets[i], lengths[i]))
            {
                sum += parser.severity();
                if (read)
                {
                    sum += parser.hostname(text) ? text.length() : 0;
                    sum += parser.appname(text) ? text.length() : 0;
                    sum += parser.structuredDataValue("origin", "ip", text) ? text.length() : 0;
                }
            }
        }
        return sum;
    }
}
