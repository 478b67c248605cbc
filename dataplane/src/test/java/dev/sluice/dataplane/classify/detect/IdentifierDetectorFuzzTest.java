package dev.sluice.dataplane.classify.detect;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the detectors with arbitrary bytes: nothing throws; every match lies inside the text, its
 * kind is in the returned set and the set is exactly the matches' kinds; a match's bytes alone,
 * between spaces, are found again as that kind; and, where Hyperscan is available, it finds exactly
 * what the DFA engine finds. Seeds: {@code IdentifierDetectorFuzzTestInputs/<method>}.
 * Fuzz locally: {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=IdentifierDetectorFuzzTest}.
 */
class IdentifierDetectorFuzzTest
{
    private static final DfaIdentifierDetector DFA = new DfaIdentifierDetector();
    private static IdentifierDetector hyperscan;

    @AfterAll
    static void closeHyperscan()
    {
        if (null != hyperscan)
        {
            hyperscan.close();
            hyperscan = null;
        }
    }

    @FuzzTest(maxDuration = "2m")
    void detectsInAnyBytes(final byte[] text)
    {
        final List<Detection.Match> matches = Detection.matches(DFA, text);
        for (final Detection.Match match : matches)
        {
            assertTrue(match.start() >= 0 && match.start() < match.end() && match.end() <= text.length, match.toString());
            final byte[] alone = (" " + new String(text, match.start(), match.end() - match.start(), StandardCharsets.ISO_8859_1) + " ")
                .getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(match.kind().isIn(DFA.detect(MemorySegment.ofArray(alone), 0, alone.length)),
                () -> match.in(text) + " not found alone");
        }
        if (HyperscanIdentifierDetector.isAvailable())
        {
            if (null == hyperscan)
            {
                hyperscan = new HyperscanIdentifierDetector();
            }
            assertEquals(matches, Detection.matches(hyperscan, text), () -> new String(text, StandardCharsets.ISO_8859_1));
        }
    }
}
