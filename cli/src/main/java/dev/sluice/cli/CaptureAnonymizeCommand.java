package dev.sluice.cli;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.capture.CaptureAnonymizeCounters;
import dev.sluice.dataplane.anonymize.capture.CaptureAnonymizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code sluice anonymize-capture --key-file FILE [--keep-unanonymizable] INPUT OUTPUT}: rewrites
 * every IPv4 and IPv6 address of a pcap or pcapng capture with Crypto-PAn under the key, checksums
 * fixed, into OUTPUT (same format, link types and timestamps; the input is only read). Packets that
 * could not be fully anonymized are dropped, or with {@code --keep-unanonymizable} written
 * unchanged; either way they are counted by reason in the summary printed on standard output,
 * with the addresses rewritten, the seconds of the whole run (file copy and rename included) and of
 * the anonymizer's own work over the capture in memory, and its rate in packets per second (file
 * copy and JVM start-up excluded).
 * <p>
 * The key file is refused when group or others may read it; its bytes are never printed. Exit
 * status 0 when the whole capture was written, 1 when it could not be (a bad key file, an
 * unreadable or damaged capture: then what came before the damage is written and the summary says
 * where it stopped), 2 for a usage mistake. Main thread.
 */
final class CaptureAnonymizeCommand
{
    /**
     * Slots of each Crypto-PAn cache (about 22 MB in all): a capture has many flows and subnets
     * (at 65,536 slots, 24,000 busy /24s already evicted each other's last-octet trees), and this
     * tool has the memory.
     */
    static final int CACHE_SLOTS = 1 << 18;
    private static final double NANOS_PER_SECOND = 1e9;

    private CaptureAnonymizeCommand()
    {
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments =
            Arguments.parse("anonymize-capture", args, Set.of("key-file"), Set.of("keep-unanonymizable"));
        final String keyFile = arguments.option("key-file");
        if (null == keyFile)
        {
            throw new Arguments.UsageException("anonymize-capture: --key-file FILE is required (32 bytes, or 64 hex " +
                "characters, readable only by its owner: chmod 600 FILE)");
        }
        final Path input = Path.of(arguments.requiredOperand(0, "INPUT capture"));
        final Path output = Path.of(arguments.requiredOperand(1, "OUTPUT capture"));
        if (arguments.operands().size() > 2)
        {
            throw new Arguments.UsageException("anonymize-capture: one INPUT and one OUTPUT, got " + arguments.operands());
        }
        final CryptoPan cryptoPan;
        try
        {
            cryptoPan = CryptoPan.fromKeyFile(Path.of(keyFile), CACHE_SLOTS);
        }
        catch (final IOException ex)
        {
            err.println("sluice anonymize-capture: " + ex.getMessage());
            return 1;
        }
        final CaptureAnonymizer anonymizer = new CaptureAnonymizer(cryptoPan, arguments.flag("keep-unanonymizable"));
        final CaptureAnonymizeCounters counters;
        final long startNs = System.nanoTime();
        try
        {
            counters = anonymizer.anonymize(input, output);
        }
        catch (final IOException ex)
        {
            err.println("sluice anonymize-capture: " + ex.getMessage());
            return 1;
        }
        final long elapsedNs = System.nanoTime() - startNs;
        out.print(counters.summary());
        out.printf(Locale.ROOT, "seconds %.3f%n", elapsedNs / NANOS_PER_SECOND);
        out.printf(Locale.ROOT, "anonymize_seconds %.3f%n", counters.anonymizeNs() / NANOS_PER_SECOND);
        out.printf(Locale.ROOT, "packets_per_second %.0f%n",
            counters.packetsRead() * NANOS_PER_SECOND / Math.max(1, counters.anonymizeNs()));
        if (counters.unanonymizable() > 0)
        {
            out.println(arguments.flag("keep-unanonymizable") ?
                "note: " + counters.unanonymizable() + " packets were written unchanged (--keep-unanonymizable)" :
                "note: " + counters.packetsDropped() + " packets that could not be fully anonymized were left out " +
                "(--keep-unanonymizable writes them unchanged)");
        }
        if (null != counters.problem())
        {
            err.println("sluice anonymize-capture: " + output + " holds the packets before the damage: " + counters.problem());
            return 1;
        }
        return 0;
    }
}
