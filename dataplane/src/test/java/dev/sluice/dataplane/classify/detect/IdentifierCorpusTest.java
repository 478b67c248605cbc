package dev.sluice.dataplane.classify.detect;

import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engines on real text ({@code ../shared/data}: loghub syslog, go-syslog JSON lines, SC4S
 * CEF/LEEF, candump/CRTD/GVRET and NMEA logs, GPX), line by line and whole files, from heap and
 * native memory: Hyperscan finds exactly what the DFA engine finds; and the addresses found are
 * exactly those {@link TextAddressAnonymizer} rewrites (the same word rules).
 */
@Timeout(300)
class IdentifierCorpusTest
{
    private static final String[] FILES = {
        "syslog/loghub/Linux_2k.log", "syslog/loghub/OpenSSH_2k.log", "syslog/loghub/Apache_2k.log", "syslog/loghub/HDFS_2k.log",
        "syslog/go-syslog/rfc5424_cases.jsonl", "syslog/go-syslog/rfc3164_cases.jsonl",
        "syslog/rfc/rfc5424_sec6.5_examples.txt", "syslog/rfc/rfc3164_sec5.4_examples.txt",
        "cef_leef/sc4s/sc4s_cef_samples.json", "cef_leef/sc4s/sc4s_leef_samples.json", "cef_leef/sc4s/sc4s_leef_rendered.txt",
        "vehicle/savvycan/candump.log", "vehicle/savvycan/CRTD_Log.txt", "vehicle/savvycan/GVRET_Log.csv",
        "vehicle/gpsd/bu303-moving.log", "vehicle/gpsd/nmea-fuzzy-cases.log", "vehicle/gpxpy/route.gpx",
    };

    static Path sharedData()
    {
        final String sharedData = System.getProperty("sluice.shared.data");
        if (null == sharedData)
        {
            throw new IllegalStateException("system property sluice.shared.data is not set (Surefire sets it to <root>/../shared/data)");
        }
        return Path.of(sharedData);
    }

    static List<byte[]> corpusLines() throws IOException
    {
        final List<byte[]> lines = new ArrayList<>();
        for (final String file : FILES)
        {
            for (final String line : Files.readString(sharedData().resolve(file), StandardCharsets.ISO_8859_1).split("\n"))
            {
                lines.add(line.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return lines;
    }

    @Test
    void enginesAgreeOnEveryLineAndFile() throws IOException
    {
        final DfaIdentifierDetector dfa = new DfaIdentifierDetector();
        final Map<IdentifierKind, Integer> counts = new EnumMap<>(IdentifierKind.class);
        try (HyperscanIdentifierDetector hyperscan = Detection.hyperscan(); Arena arena = Arena.ofConfined())
        {
            final List<byte[]> lines = corpusLines();
            for (final byte[] line : lines)
            {
                final List<Detection.Match> expected = Detection.matches(dfa, line);
                assertEquals(expected, Detection.matches(hyperscan, line), () -> new String(line, StandardCharsets.ISO_8859_1));
                expected.forEach(match -> counts.merge(match.kind(), 1, Integer::sum));

                final MemorySegment native_ = arena.allocate(Math.max(1, line.length));
                MemorySegment.copy(line, 0, native_, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, line.length);
                assertEquals(dfa.detect(native_, 0, line.length), hyperscan.detect(native_, 0, line.length));
            }
            for (final String file : FILES)
            {
                final byte[] text = Files.readAllBytes(sharedData().resolve(file));
                assertEquals(Detection.matches(dfa, text), Detection.matches(hyperscan, text), file);
            }
            assertEquals(0, hyperscan.scanErrors());
            System.out.println(lines.size() + " lines; identifiers found: " + counts);
        }
        assertTrue(counts.getOrDefault(IdentifierKind.IPV4, 0) > 1000, "the loghub logs are full of addresses: " + counts);
    }

    @Test
    void findsTheAddressesTheAnonymizerRewrites() throws IOException
    {
        final DfaIdentifierDetector dfa = new DfaIdentifierDetector();
        final TextAddressAnonymizer anonymizer = TextAddressAnonymizer.truncating(24, 48);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[1 << 20]);
        int addresses = 0;
        for (final byte[] line : corpusLines())
        {
            final int[] found = new int[1];
            dfa.detect(MemorySegment.ofArray(line), 0, line.length, (kind, start, end) ->
                found[0] += IdentifierKind.IPV4 == kind || IdentifierKind.IPV6 == kind ? 1 : 0);
            anonymizer.rewrite(MemorySegment.ofArray(line), 0, line.length, target, 0, target.capacity());
            assertEquals(anonymizer.addressesRewritten(), found[0], () -> new String(line, StandardCharsets.ISO_8859_1));
            addresses += found[0];
        }
        assertTrue(addresses > 1000, "addresses: " + addresses);
    }
}
