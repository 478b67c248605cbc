package dev.sluice.perf.classify;

import dev.sluice.perf.event.SyslogParseBenchmark;
import dev.sluice.policy.regex.CaseMode;
import dev.sluice.policy.regex.Regex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cost of one {@code field matches "..."} test (does the text contain a match?) on real syslog
 * lines: loghub's OpenSSH and Linux logs, 4,000 lines of 60-200 characters, taken in turn.
 * {@code engine=sluice} is {@link Regex} (the policy's engine: a DFA built at parse time, one
 * table read per character); {@code engine=jdk} is the baseline, {@code java.util.regex} with
 * its matcher reused ({@code reset(text).find()}, which allocates nothing either). Patterns:
 * <ul>
 *   <li>{@code failed}: a failed log-in with its source address (a few lines in ten match);</li>
 *   <li>{@code ipv4}: any dotted quad (about half match);</li>
 *   <li>{@code anchored}: an sshd line of a given kind, anchored at the start;</li>
 *   <li>{@code keywords}: an alternation of words, as a "noisy message" rule would have;</li>
 *   <li>{@code user}: {@code user=} then a user name.</li>
 * </ul>
 * Run: {@code perf/run-jmh.sh RegexMatchBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RegexMatchBenchmark
{
    static final int BATCH = 256;

    static final Map<String, String> PATTERNS = Map.of(
        "failed", "Failed password for (invalid user )?\\w+ from \\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
        "ipv4", "(\\d{1,3}\\.){3}\\d{1,3}",
        "anchored", "^\\w{3} +\\d+ [0-9:]+ \\S+ sshd\\[\\d+\\]: (Invalid user|Failed password|Accepted)",
        "keywords", "error|fail(ed|ure)|denied|refused|invalid|timed? ?out",
        "user", "user=[a-z_][a-z0-9_-]*");

    @Param({"failed", "ipv4", "anchored", "keywords", "user"})
    public String pattern;

    @Param({"sluice", "jdk"})
    public String engine;

    private String[] texts;
    private int next;
    private Regex regex;
    private Matcher matcher;

    @Setup
    public void setUp() throws IOException
    {
        final Path loghub = SyslogParseBenchmark.sharedData().resolve("syslog/loghub");
        final List<String> lines = new ArrayList<>();
        lines.addAll(SyslogParseBenchmark.lines(loghub.resolve("OpenSSH_2k.log")));
        lines.addAll(SyslogParseBenchmark.lines(loghub.resolve("Linux_2k.log")));
        // Interleave the two logs, so that a batch holds both kinds of line.
        texts = new String[lines.size()];
        final int half = lines.size() / 2;
        for (int i = 0; i < lines.size(); i++)
        {
            texts[i] = lines.get(0 == (i & 1) ? i / 2 : half + i / 2);
        }
        final String source = PATTERNS.get(pattern);
        regex = Regex.compile(source, CaseMode.EXACT);
        matcher = Pattern.compile(source).matcher("");
        int matches = 0;
        for (final String text : texts)
        {
            final boolean ours = regex.find(text);
            if (ours != matcher.reset(text).find())
            {
                throw new IllegalStateException("engines disagree on " + text);
            }
            matches += ours ? 1 : 0;
        }
        System.out.printf("%n%s: %d of %d lines match, DFA states %d%n", pattern, matches, texts.length, regex.dfaStateCount());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int test()
    {
        final String[] texts = this.texts;
        int from = next;
        if (from + BATCH > texts.length)
        {
            from = 0;
        }
        next = from + BATCH;
        int matches = 0;
        if ("sluice".equals(engine))
        {
            final Regex regex = this.regex;
            for (int i = from; i < from + BATCH; i++)
            {
                matches += regex.find(texts[i]) ? 1 : 0;
            }
        }
        else
        {
            final Matcher matcher = this.matcher;
            for (int i = from; i < from + BATCH; i++)
            {
                matches += matcher.reset(texts[i]).find() ? 1 : 0;
            }
        }
        return matches;
    }
}
