package dev.sluice.perf.event;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link CefParseBenchmark}'s workloads timed in thread CPU time rather than wall time, so that a
 * shared, overloaded machine still gives a per-core figure: events and MB per CPU-second for each
 * benchmark method, after a warm-up. Not a replacement for JMH (no forks, no blackhole), a cross-check.
 * Run: {@code PERF_MAIN=dev.sluice.perf.event.CefParseCpuTime perf/run-jmh.sh [seconds]}.
 */
public final class CefParseCpuTime
{
    private CefParseCpuTime()
    {
    }

    public static void main(final String[] args)
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        final CefParseBenchmark benchmark = new CefParseBenchmark();
        benchmark.setUp();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final String[] names = {"cefParse", "cefParseAndRead", "leefParse", "leefParseAndRead"};
        long sink = 0;
        for (int round = 0; round < 2; round++)
        {
            for (int m = 0; m < names.length; m++)
            {
                final long budgetNs = (long)((0 == round ? 0.5 : 1.0) * seconds * 1e9);
                final long start = threads.getCurrentThreadCpuTime();
                long batches = 0;
                while (threads.getCurrentThreadCpuTime() - start < budgetNs)
                {
                    for (int k = 0; k < 64; k++)
                    {
                        sink += switch (m)
                        {
                            case 0 -> benchmark.cefParse();
                            case 1 -> benchmark.cefParseAndRead();
                            case 2 -> benchmark.leefParse();
                            default -> benchmark.leefParseAndRead();
                        };
                    }
                    batches += 64;
                }
                final double cpuSeconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
                final double events = batches * CefParseBenchmark.BATCH;
                final double bytesPerEvent = m < 2 ? benchmark.cefBytesPerEvent() : benchmark.leefBytesPerEvent();
                if (1 == round)
                {
                    System.out.printf("%-18s %,12.0f events per CPU-second %8.1f MB per CPU-second (%.0f ns per event)%n",
                        names[m], events / cpuSeconds, events * bytesPerEvent / cpuSeconds / 1e6, cpuSeconds * 1e9 / events);
                }
            }
        }
        benchmark.tearDown();
        System.out.println("(checksum " + sink + ")");
    }
}
