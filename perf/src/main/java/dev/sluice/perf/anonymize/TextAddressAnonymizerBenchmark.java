package dev.sluice.perf.anonymize;

import dev.sluice.perf.event.SyslogParseBenchmark;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cost per line of rewriting every address in an event's text to its Crypto-PAn image, on a batch
 * of {@value #BATCH} lines lying one after another off-heap, written into one off-heap
 * {@link UnsafeBuffer}:
 * <ul>
 *   <li>{@code workload=rfc5424}: loghub's 2,000 OpenSSH lines as RFC 5424 (timestamp, host,
 *       app, pid, msgid, an {@code [origin ip="..."]} element when the text names a client), so
 *       most lines carry the client address twice (SD and MSG);</li>
 *   <li>{@code workload=loghub}: loghub's 8,000 raw Linux, OpenSSH, Apache and HDFS lines as
 *       they are (many with none, HDFS lines with two {@code /a.b.c.d:port}).</li>
 * </ul>
 * {@code rewrite} is the anonymizer with a warm Crypto-PAn cache (the workloads repeat hosts, as
 * real logs do); {@code copyOnly} copies the same bytes with no scanning, the floor any rewriter
 * pays. Bytes and addresses per line are printed at setup, to turn ns/line into MB/s. Reads the
 * shared data from {@code -Dsluice.shared.data} (default {@code ../shared/data} from the project root).
 * Run: {@code perf/run-jmh.sh TextAddressAnonymizerBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TextAddressAnonymizerBenchmark
{
    static final int BATCH = 256;

    @Param({"rfc5424", "loghub"})
    public String workload;

    private Arena arena;
    private MemorySegment segment;
    private long[] offsets;
    private int[] lengths;
    private int next;
    private UnsafeBuffer target;
    private TextAddressAnonymizer anonymizer;
    private double bytesPerLine;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final Path loghub = SyslogParseBenchmark.sharedData().resolve("syslog/loghub");
        final List<String> messages = new ArrayList<>();
        if ("rfc5424".equals(workload))
        {
            messages.addAll(rfc5424FromOpenSsh(loghub));
        }
        else
        {
            for (final String system : List.of("Linux", "OpenSSH", "Apache", "HDFS"))
            {
                messages.addAll(SyslogParseBenchmark.lines(loghub.resolve(system + "_2k.log")));
            }
        }
        final int count = (messages.size() + BATCH - 1) / BATCH * BATCH;
        long total = 0;
        int longest = 0;
        for (int i = 0; i < count; i++)
        {
            final int length = messages.get(i % messages.size()).length();
            total += length;
            longest = Math.max(longest, length);
        }
        arena = Arena.ofConfined();
        segment = arena.allocate(total);
        offsets = new long[count];
        lengths = new int[count];
        long offset = 0;
        for (int i = 0; i < count; i++)
        {
            final byte[] b = messages.get(i % messages.size()).getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment.copy(b, 0, segment, ValueLayout.JAVA_BYTE, offset, b.length);
            offsets[i] = offset;
            lengths[i] = b.length;
            offset += b.length;
        }
        final int capacity = TextAddressAnonymizer.maxOutputLength(longest);
        target = new UnsafeBuffer(arena.allocate(capacity, 64).address(), capacity);
        bytesPerLine = (double)total / count;
        final CryptoPan cryptoPan = new CryptoPan(CryptoPan.generateKey(new SecureRandom()));
        anonymizer = new TextAddressAnonymizer(cryptoPan);

        long addresses = 0;
        int withAddress = 0;
        for (int i = 0; i < count; i++)
        {
            anonymizer.rewrite(segment, offsets[i], lengths[i], target, 0, capacity);
            addresses += anonymizer.addressesRewritten();
            withAddress += anonymizer.addressesRewritten() > 0 ? 1 : 0;
        }
        for (int i = 0; i < count; i++)
        {
            anonymizer.rewrite(segment, offsets[i], lengths[i], target, 0, capacity);
        }
        final double lookups = cryptoPan.addressCacheHits() + cryptoPan.prefixCacheHits() + cryptoPan.cacheMisses();
        System.out.printf("%n%s: %d lines (%d distinct), %.1f bytes per line, %.2f addresses per line, %d lines with one;" +
            " Crypto-PAn over two passes: %.1f%% address hits, %.1f%% prefix hits, %.1f%% misses%n",
            workload, count, messages.size(), (double)total / count, (double)addresses / count, withAddress,
            100 * cryptoPan.addressCacheHits() / lookups, 100 * cryptoPan.prefixCacheHits() / lookups, 100 * cryptoPan.cacheMisses() / lookups);
        final int length = anonymizer.rewrite(segment, offsets[0], lengths[0], target, 0, capacity);
        System.out.println("first: " + messages.get(0));
        System.out.println("   to: " + target.getStringWithoutLengthAscii(0, length));
    }

    /**
     * The workloads timed in thread CPU time instead of wall time, so a shared, overloaded machine
     * still gives a per-core figure (a cross-check, not a replacement for JMH: no fork, no blackhole).
     * Run: {@code PERF_MAIN=dev.sluice.perf.anonymize.TextAddressAnonymizerBenchmark perf/run-jmh.sh [seconds]}.
     *
     * @param args optional seconds of CPU time per measurement (default 3).
     * @throws IOException if the shared data cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (final String workload : new String[]{"rfc5424", "loghub"})
        {
            final TextAddressAnonymizerBenchmark benchmark = new TextAddressAnonymizerBenchmark();
            benchmark.workload = workload;
            benchmark.setUp();
            for (int round = 0; round < 2; round++)
            {
                for (int method = 0; method < 2; method++)
                {
                    final long budgetNs = (long)((0 == round ? 0.5 : 1.0) * seconds * 1e9);
                    final long start = threads.getCurrentThreadCpuTime();
                    long batches = 0;
                    while (threads.getCurrentThreadCpuTime() - start < budgetNs)
                    {
                        for (int k = 0; k < 64; k++)
                        {
                            sink += 0 == method ? benchmark.rewrite() : benchmark.copyOnly();
                        }
                        batches += 64;
                    }
                    final double cpuSeconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
                    final double lines = batches * BATCH;
                    if (1 == round)
                    {
                        System.out.printf("%-8s %-9s %,12.0f lines per CPU-second %8.1f MB per CPU-second (%.0f ns per line)%n",
                            workload, 0 == method ? "rewrite" : "copyOnly", lines / cpuSeconds,
                            lines * benchmark.bytesPerLine / cpuSeconds / 1e6, cpuSeconds * 1e9 / lines);
                    }
                }
            }
            benchmark.tearDown();
        }
        System.out.println("(checksum " + sink + ")");
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rewrite()
    {
        final int from = next;
        final UnsafeBuffer target = this.target;
        final int capacity = target.capacity();
        long sum = 0;
        for (int i = from; i < from + BATCH; i++)
        {
            sum += anonymizer.rewrite(segment, offsets[i], lengths[i], target, 0, capacity);
        }
        next = from + BATCH == offsets.length ? 0 : from + BATCH;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long copyOnly()
    {
        final int from = next;
        final UnsafeBuffer target = this.target;
        final MemorySegment segment = this.segment;
        long sum = 0;
        for (int i = from; i < from + BATCH; i++)
        {
            final long offset = offsets[i];
            final int length = lengths[i];
            int k = 0;
            for (; k <= length - Long.BYTES; k += Long.BYTES)
            {
                target.putLong(k, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + k));
            }
            for (; k < length; k++)
            {
                target.putByte(k, segment.get(ValueLayout.JAVA_BYTE, offset + k));
            }
            sum += length;
        }
        next = from + BATCH == offsets.length ? 0 : from + BATCH;
        return sum + target.getByte(0);
    }

    /** OpenSSH's lines ({@code Dec 10 06:55:46 LabSZ sshd[24200]: text}) as RFC 5424 with the client in structured data. */
    static List<String> rfc5424FromOpenSsh(final Path loghub) throws IOException
    {
        final Pattern address = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)");
        final List<String> messages = new ArrayList<>();
        int sequence = 0;
        for (final String line : SyslogParseBenchmark.lines(loghub.resolve("OpenSSH_2k.log")))
        {
            final String[] words = line.split(" +", 6);
            final String pid = words[4].substring(words[4].indexOf('[') + 1, words[4].indexOf(']'));
            final String text = words[5];
            final Matcher matcher = address.matcher(text);
            final String origin = matcher.find() ? "[origin ip=\"" + matcher.group(1) + "\"]" : "-";
            final int month = "JanFebMarAprMayJunJulAugSepOctNovDec".indexOf(words[0]) / 3 + 1;
            messages.add(String.format("<38>1 2026-%02d-%02dT%s.%03dZ %s sshd %s auth %s %s",
                month, Integer.parseInt(words[1]), words[2], sequence++ % 1000, words[3], pid, origin, text));
        }
        return messages;
    }
}
