package dev.sluice.dataplane.decode.event.syslog;

import dev.sluice.dataplane.testing.SharedData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed inputs of {@link SyslogParserFuzzTest}: the messages written here into the
 * committed seed directories under {@code src/test/resources}, and, for local fuzzing runs
 * only, go-syslog's cases, the RFC examples and the first lines of each loghub file into
 * Jazzer's generated corpus ({@code .cifuzz-corpus}, not committed).
 * <pre>
 *   mvn -q -o -pl dataplane -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   cd dataplane &amp;&amp; java -Dsluice.shared.data=../../shared/data -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *       dev.sluice.dataplane.decode.event.syslog.SyslogFuzzSeeds src/test/resources .cifuzz-corpus
 * </pre>
 * Run by hand; single-threaded.
 */
public final class SyslogFuzzSeeds
{
    private static final String CLASS = SyslogParserFuzzTest.class.getName();
    private static final String INPUTS = CLASS.replace('.', '/') + "Inputs";
    private static final int LOGHUB_LINES_PER_FILE = 50;

    /** Whole messages: both grammars, every header field, SD with escapes, BOM, the RFC 3164 timestamp forms. */
    static final Map<String, String> ANY_BYTES = Map.ofEntries(
        Map.entry("rfc5424-minimal", "<0>1 - - - - - -"),
        Map.entry("rfc5424-full", "<165>1 2003-10-11T22:14:15.003Z host.example evntslog 42 ID47 " +
            "[exampleSDID@32473 iut=\"3\" eventSource=\"App\"][examplePriority@32473 class=\"high\"] \uFEFFAn event"),
        Map.entry("rfc5424-offset", "<13>999 2018-12-31T23:59:59.999999-23:59 h a p m - msg"),
        Map.entry("rfc5424-escapes", "<29>2 2016-01-15T01:00:43Z h a p - [meta escape=\"\\]\\\"\\\\\"] x"),
        Map.entry("rfc5424-truncated-sd", "<1>1 - - - - - [id k=\"v"),
        Map.entry("rfc3164-classic", "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
        Map.entry("rfc3164-pid", "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time"),
        Map.entry("rfc3164-no-pri", "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown"),
        Map.entry("rfc3164-year-first", "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org sched[0]: x"),
        Map.entry("rfc3164-iso", "<13>2025-10-11T22:14:15.5+02:00 host app[7]: x"),
        Map.entry("rfc3164-cisco", "<189>Oct 11 2025 22:14:15.123: host app: x\r\n"),
        Map.entry("bare", "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating"));

    /** What follows a valid RFC 5424 header in {@code parsesAnyStructuredData}. */
    static final Map<String, String> STRUCTURED_DATA = Map.ofEntries(
        Map.entry("nil-and-msg", "- hello"),
        Map.entry("two-elements", "[a x=\"1\" y=\"2\"][b@1 z=\"\"] m"),
        Map.entry("escapes", "[e v=\"\\\\\\]\\\"\"]"),
        Map.entry("bom", "- \uFEFF\u00e9\u20ac\uD83D\uDE00"),
        Map.entry("duplicate", "[a][a]"));

    private SyslogFuzzSeeds()
    {
    }

    /**
     * @param args the test resources directory; optionally Jazzer's generated corpus directory (then the
     *             {@code sluice.shared.data} property must name the shared data).
     */
    public static void main(final String[] args) throws IOException
    {
        final Path resources = Path.of(args[0]);
        write(Files.createDirectories(resources.resolve(INPUTS).resolve("parsesAnyBytes")), ANY_BYTES);
        write(Files.createDirectories(resources.resolve(INPUTS).resolve("parsesAnyStructuredData")), STRUCTURED_DATA);
        if (args.length > 1)
        {
            final Path corpus = Files.createDirectories(Path.of(args[1]).resolve(CLASS).resolve("parsesAnyBytes"));
            int written = 0;
            for (final GoSyslogCases.Case c : GoSyslogCases.rfc5424())
            {
                Files.write(corpus.resolve("go-syslog-" + c.index()), c.input());
                written++;
            }
            final Path root = SharedData.root().resolve("syslog");
            for (final String file : List.of("rfc/rfc5424_sec6.5_examples_realBOM.txt", "rfc/rfc3164_sec5.4_examples.txt",
                "loghub/Linux_2k.log", "loghub/OpenSSH_2k.log", "loghub/Apache_2k.log", "loghub/HDFS_2k.log"))
            {
                final List<String> lines = Files.readAllLines(root.resolve(file), StandardCharsets.ISO_8859_1);
                for (int i = 0; i < Math.min(LOGHUB_LINES_PER_FILE, lines.size()); i++)
                {
                    Files.write(corpus.resolve(Path.of(file).getFileName() + "-" + i),
                        lines.get(i).getBytes(StandardCharsets.ISO_8859_1));
                    written++;
                }
            }
            System.out.println("shared-data seeds in " + corpus + ": " + written);
        }
    }

    private static void write(final Path directory, final Map<String, String> seeds) throws IOException
    {
        for (final Map.Entry<String, String> seed : seeds.entrySet())
        {
            Files.write(directory.resolve(seed.getKey()), seed.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }
}
