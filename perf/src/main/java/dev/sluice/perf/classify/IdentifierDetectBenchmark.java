package dev.sluice.perf.classify;

import dev.sluice.dataplane.classify.detect.DfaIdentifierDetector;
import dev.sluice.dataplane.classify.detect.HyperscanIdentifierDetector;
import dev.sluice.dataplane.classify.detect.IdentifierDetector;
import dev.sluice.perf.event.SyslogParseBenchmark;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cost per text of finding identifiers (IPv4/IPv6, e-mail, MAC, IMSI/IMEI, VIN, phone, card) in a
 * batch of {@value #BATCH} texts lying one after another off-heap:
 * <ul>
 *   <li>{@code workload=log200}: loghub's Linux, OpenSSH, Apache and HDFS lines joined and cut into
 *       200-byte lines (most carry an IPv4 address, a few anything else);</li>
 *   <li>{@code workload=json1k}: 1 KiB JSON events, each with a loghub message and fields holding
 *       an address, an e-mail, an IMSI, a VIN, a phone and a MAC (every rule fires).</li>
 * </ul>
 * {@code engine=dfa} and {@code engine=hyperscan} are the two {@link IdentifierDetector}s;
 * {@code engine=regex} is the baseline: one {@code java.util.regex} pattern, the alternation of
 * regular expressions for the same kinds (boundaries as look-arounds, no Luhn or check-digit
 * validation, so it does less), its matcher reused over a {@link CharSequence} view of the bytes.
 * Run: {@code perf/run-jmh.sh IdentifierDetectBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class IdentifierDetectBenchmark
{
    static final int BATCH = 256;
    static final int LOG_LINE_BYTES = 200;
    static final int JSON_EVENT_BYTES = 1024;

    /** The baseline's expressions, one per kind, the way they are usually written. */
    static final String REGEX =
        "(?<![0-9A-Za-z.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![0-9A-Za-z])" +
        "|(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])" +
        "|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}" +
        "|(?<![0-9A-Za-z:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\\1[0-9A-Fa-f]{2}){4}(?![0-9A-Za-z:-])" +
        "|(?<![0-9A-Za-z.])[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}(?![0-9A-Za-z.])" +
        "|(?<![0-9A-Za-z])\\d{13,19}(?![0-9A-Za-z])" +
        "|(?<![0-9A-Za-z])\\d{4}(?:[ -]\\d{4}){2}[ -]\\d{1,4}(?![0-9A-Za-z])" +
        "|(?<![0-9A-Za-z])[A-HJ-NPR-Z0-9]{17}(?![0-9A-Za-z])" +
        "|(?<![0-9A-Za-z+])\\+[1-9](?:[ ().-]{0,2}\\d){7,14}(?![0-9A-Za-z])";

    private static final String[] JSON_FIELDS = {
        "\"src\":\"203.0.113.%d\",\"user\":\"user%d@example.org\",\"imsi\":\"31015012345%04d\"",
        "\"dst\":\"2001:db8::%x\",\"vin\":\"1M8GDM9AXKP042788\",\"phone\":\"+49 151 1234 %04d\"",
        "\"mac\":\"00:1a:2b:3c:4d:%02x\",\"card\":\"4111 1111 1111 1111\",\"n\":%d",
    };

    @Param({"log200", "json1k"})
    public String workload;

    @Param({"dfa", "hyperscan", "regex"})
    public String engine;

    private Arena arena;
    private MemorySegment segment;
    private long[] offsets;
    private int[] lengths;
    private IdentifierDetector detector;
    private Matcher matcher;
    private ByteChars chars;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final Path loghub = SyslogParseBenchmark.sharedData().resolve("syslog/loghub");
        final StringBuilder all = new StringBuilder();
        for (final String system : List.of("Linux", "OpenSSH", "Apache", "HDFS"))
        {
            for (final String line : SyslogParseBenchmark.lines(loghub.resolve(system + "_2k.log")))
            {
                all.append(line).append(' ');
            }
        }
        final List<String> texts = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < 4 * BATCH; i++)
        {
            if ("log200".equals(workload))
            {
                texts.add(all.substring(at, at + LOG_LINE_BYTES));
                at += LOG_LINE_BYTES;
            }
            else
            {
                final StringBuilder json = new StringBuilder("{\"ts\":\"2026-11-27T13:54:12Z\",\"host\":\"gw-").append(i).append("\",");
                json.append(String.format(JSON_FIELDS[i % 3], i % 250, i, i)).append(',');
                json.append(String.format(JSON_FIELDS[(i + 1) % 3], i % 250, i, i)).append(",\"msg\":\"");
                final int room = JSON_EVENT_BYTES - json.length() - 2;
                json.append(all, at, at + room).append("\"}");
                at += room;
                texts.add(json.toString().replace('\\', '/'));
            }
        }
        long total = 0;
        for (final String text : texts)
        {
            total += text.length();
        }
        arena = Arena.ofConfined();
        segment = arena.allocate(total);
        offsets = new long[texts.size()];
        lengths = new int[texts.size()];
        long offset = 0;
        int longest = 0;
        for (int i = 0; i < texts.size(); i++)
        {
            final byte[] bytes = texts.get(i).getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
            offsets[i] = offset;
            lengths[i] = bytes.length;
            offset += bytes.length;
            longest = Math.max(longest, bytes.length);
        }
        switch (engine)
        {
            case "dfa" -> detector = new DfaIdentifierDetector();
            case "hyperscan" -> detector = new HyperscanIdentifierDetector();
            default ->
            {
                chars = new ByteChars(longest);
                matcher = Pattern.compile(REGEX).matcher("");
            }
        }
        final DfaIdentifierDetector dfa = new DfaIdentifierDetector();
        int found = 0;
        for (int i = 0; i < texts.size(); i++)
        {
            found += Integer.bitCount(dfa.detect(segment, offsets[i], lengths[i]));
        }
        System.out.printf("%n%s: %d texts, %.1f bytes each, %.2f kinds found per text%n",
            workload, texts.size(), (double)total / texts.size(), (double)found / texts.size());
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != detector)
        {
            detector.close();
        }
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int detect()
    {
        int kinds = 0;
        final int count = offsets.length;
        final int first = (int)(System.nanoTime() & (count / BATCH - 1)) * BATCH;
        for (int i = first; i < first + BATCH; i++)
        {
            if (null != detector)
            {
                kinds |= detector.detect(segment, offsets[i], lengths[i]);
            }
            else
            {
                chars.wrap(segment, offsets[i], lengths[i]);
                matcher.reset(chars);
                while (matcher.find())
                {
                    kinds += matcher.end();
                }
            }
        }
        return kinds;
    }

    /** A reusable {@link CharSequence} over Latin-1 bytes, so the baseline allocates no strings. */
    static final class ByteChars implements CharSequence
    {
        private final byte[] bytes;
        private int length;

        ByteChars(final int capacity)
        {
            bytes = new byte[capacity];
        }

        void wrap(final MemorySegment segment, final long offset, final int length)
        {
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
            this.length = length;
        }

        @Override
        public int length()
        {
            return length;
        }

        @Override
        public char charAt(final int index)
        {
            return (char)(bytes[index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(final int start, final int end)
        {
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString()
        {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
