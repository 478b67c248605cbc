package dev.sluice.dataplane.classify.detect;

import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: run a detector over a string and list its matches as {@code KIND:text}; open the
 * Hyperscan engine, skipping when it is unavailable unless {@value #REQUIRED_PROP_NAME} is true
 * ({@code ./sluice test} sets it), where it fails instead. Test thread only.
 */
final class Detection
{
    static final String REQUIRED_PROP_NAME = "sluice.hyperscan.required";

    private Detection()
    {
    }

    /** A match, its span relative to the text. */
    record Match(IdentifierKind kind, int start, int end)
    {
        String in(final byte[] text)
        {
            return kind + ":" + new String(text, start, end - start, StandardCharsets.ISO_8859_1);
        }
    }

    static List<Match> matches(final IdentifierDetector detector, final byte[] text)
    {
        final List<Match> found = new ArrayList<>();
        final int bits = detector.detect(MemorySegment.ofArray(text), 0, text.length, (kind, start, end) -> found.add(new Match(kind, start, end)));
        int union = 0;
        for (final Match match : found)
        {
            union |= match.kind().bit();
        }
        if (union != bits)
        {
            throw new AssertionError("bits " + bits + " but matches " + found);
        }
        found.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start()) :
            a.end() != b.end() ? Integer.compare(a.end(), b.end()) : a.kind().compareTo(b.kind()));
        return found.stream().distinct().toList();
    }

    static List<String> texts(final IdentifierDetector detector, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return matches(detector, bytes).stream().map(match -> match.in(bytes)).toList();
    }

    static boolean hyperscanRequired()
    {
        return Boolean.getBoolean(REQUIRED_PROP_NAME);
    }

    /**
     * For tests that check the DFA engine in any case and Hyperscan beside it where it runs.
     *
     * @return a Hyperscan detector, or null when Hyperscan is unavailable and not required (when it
     * is required, its absence fails the test).
     */
    static HyperscanIdentifierDetector hyperscanOrNull()
    {
        return HyperscanIdentifierDetector.isAvailable() || hyperscanRequired() ? hyperscan() : null;
    }

    /**
     * @return a Hyperscan detector; the test is skipped when Hyperscan is unavailable and not required.
     */
    static HyperscanIdentifierDetector hyperscan()
    {
        if (!HyperscanIdentifierDetector.isAvailable())
        {
            if (hyperscanRequired())
            {
                throw new AssertionError(REQUIRED_PROP_NAME + " is true but Hyperscan is not available: " +
                    HyperscanIdentifierDetector.unavailableReason());
            }
            Assumptions.abort("Hyperscan unavailable: " + HyperscanIdentifierDetector.unavailableReason());
        }
        return new HyperscanIdentifierDetector();
    }
}
