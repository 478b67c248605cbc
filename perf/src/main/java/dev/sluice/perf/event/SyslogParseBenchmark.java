package dev.sluice.perf.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Syslog parse cost per event, on a batch of {@value #BATCH} messages lying one after
 * another off-heap, as a worker finds them in its ingest ring:
 * <ul>
 *   <li>{@code workload=rfc5424}: loghub's 2,000 real OpenSSH lines, rewritten as RFC 5424
 *       with their own host, program, pid and text, an RFC 3339 timestamp with milliseconds,
 *       a msgid and two structured-data elements (the client address when the line has one,
 *       and a sequence id): about 200 bytes each, what a collector forwarding sshd logs sends;</li>
 *   <li>{@code workload=loghub}: loghub's 8,000 raw lines as they are (Linux and OpenSSH
 *       BSD-syslog lines without PRI, Apache and HDFS lines that are bare messages), parsed as
 *       RFC 3164.</li>
 * </ul>
 * Benchmarks: {@code parse} (index the message, then read the severity, as a filter on
 * severity does) and {@code parseAndRead} (then also the hostname and app name into an
 * {@link EventText} and a structured-data lookup by id and name, what a filter plus an
 * anonymizer of {@code syslog.sd.origin.ip} read). Bytes per message are printed at setup,
 * to turn events/s into MB/s. Reads the shared data from {@code -Dsluice.shared.data} (default
 * {@code ../shared/data} from the project root).
 * Run: {@code perf/run-jmh.sh SyslogParseBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class SyslogParseBenchmark
{
    static final int BATCH = 256;

    @Param({"rfc5424", "loghub"})
    public String workload;

    private Arena arena;
    private MemorySegment segment;
    private long[] offsets;
    private int[] lengths;
    private int next;
    private final SyslogParser parser = new SyslogParser();
    private final EventText text = new EventText(256);

    /** The shared test data directory ({@code -Dsluice.shared.data}, else ../shared/data from the project root). */
    public static Path sharedData()
    {
        final String property = System.getProperty("sluice.shared.data");
        final List<Path> candidates = null != property ? List.of(Path.of(property)) :
            List.of(Path.of("../shared/data"), Path.of("../../shared/data"));
        for (final Path candidate : candidates)
        {
            if (Files.isDirectory(candidate.resolve("syslog/loghub")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("shared test data not found at " + candidates +
            ": run from the project root or pass -Dsluice.shared.data=<dir>");
    }

    /** The non-empty lines of a log file, trailing blanks removed. */
    public static List<String> lines(final Path file) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1))
        {
            if (!line.isEmpty())
            {
                lines.add(line.stripTrailing());
            }
        }
        return lines;
    }

    /** OpenSSH's lines ({@code Dec 10 06:55:46 LabSZ sshd[24200]: text}) as RFC 5424 with structured data. */
    static List<String> rfc5424FromOpenSsh(final Path loghub) throws IOException
    {
        final List<String> messages = new ArrayList<>();
        int sequence = 0;
        for (final String line : lines(loghub.resolve("OpenSSH_2k.log")))
        {
            final String[] words = line.split(" +", 6);
            final int pidStart = words[4].indexOf('[');
            final String pid = words[4].substring(pidStart + 1, words[4].indexOf(']'));
            final String text = words[5];
            final java.util.regex.Matcher address = java.util.regex.Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)").matcher(text);
            final String origin = address.find() ? "[origin ip=\"" + address.group(1) + "\"]" : "[origin software=\"sshd\"]";
            final int month = "JanFebMarAprMayJunJulAugSepOctNovDec".indexOf(words[0]) / 3 + 1;
            messages.add(String.format("<38>1 2026-%02d-%02dT%s.%03dZ %s sshd %s auth %s[meta sequenceId=\"%d\"] %s",
                month, Integer.parseInt(words[1]), words[2], sequence % 1000, words[3], pid, origin, ++sequence, text));
        }
        return messages;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final Path loghub = sharedData().resolve("syslog/loghub");
        final List<String> messages = new ArrayList<>();
        if ("rfc5424".equals(workload))
        {
            messages.addAll(rfc5424FromOpenSsh(loghub));
        }
        else
        {
            for (final String system : List.of("Linux", "OpenSSH", "Apache", "HDFS"))
            {
                messages.addAll(lines(loghub.resolve(system + "_2k.log")));
            }
        }
        final List<byte[]> bytes = new ArrayList<>();
        long total = 0;
        for (final String message : messages)
        {
            final byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
            bytes.add(b);
            total += b.length;
        }
        // A whole number of batches, repeating from the start.
        final int count = (bytes.size() + BATCH - 1) / BATCH * BATCH;
        arena = Arena.ofConfined();
        segment = arena.allocate(total * 2);
        offsets = new long[count];
        lengths = new int[count];
        long offset = 0;
        long used = 0;
        for (int i = 0; i < count; i++)
        {
            final byte[] b = bytes.get(i % bytes.size());
            MemorySegment.copy(b, 0, segment, ValueLayout.JAVA_BYTE, offset, b.length);
            offsets[i] = offset;
            lengths[i] = b.length;
            offset += b.length;
            used += b.length;
        }
        int accepted = 0;
        int withSd = 0;
        for (int i = 0; i < count; i++)
        {
            if (parser.parse(segment, offsets[i], lengths[i]))
            {
                accepted++;
                withSd += parser.sdParamCount() > 0 ? 1 : 0;
            }
        }
        System.out.printf("%n%s: %d messages (%d distinct), %.1f bytes per message, %d accepted, %d with structured data%n",
            workload, count, bytes.size(), (double)used / count, accepted, withSd);
        System.out.println("first: " + messages.get(0));
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long parse()
    {
        final int from = next;
        long sum = 0;
        for (int i = from; i < from + BATCH; i++)
        {
            if (parser.parse(segment, offsets[i], lengths[i]))
            {
                sum += parser.severity();
            }
        }
        next = from + BATCH == offsets.length ? 0 : from + BATCH;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long parseAndRead()
    {
        final int from = next;
        long sum = 0;
        for (int i = from; i < from + BATCH; i++)
        {
            if (parser.parse(segment, offsets[i], lengths[i]))
            {
                sum += parser.severity();
                sum += parser.hostname(text) ? text.length() : 0;
                sum += parser.appname(text) ? text.length() : 0;
                sum += parser.structuredDataValue("origin", "ip", text) ? text.length() : 0;
            }
        }
        next = from + BATCH == offsets.length ? 0 : from + BATCH;
        return sum;
    }
}
