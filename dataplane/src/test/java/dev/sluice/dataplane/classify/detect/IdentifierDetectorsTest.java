package dev.sluice.dataplane.classify.detect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine choice: Hyperscan wherever it is available (and always under
 * {@code ./sluice test}, which installs it and sets {@value Detection#REQUIRED_PROP_NAME}), the DFA
 * engine otherwise; either finds the same kinds.
 */
@Timeout(60)
class IdentifierDetectorsTest
{
    @Test
    void choosesHyperscanWhereAvailable()
    {
        if (Detection.hyperscanRequired())
        {
            assertTrue(HyperscanIdentifierDetector.isAvailable(), HyperscanIdentifierDetector.unavailableReason());
        }
        final String expected = HyperscanIdentifierDetector.isAvailable() ? HyperscanIdentifierDetector.ENGINE : DfaIdentifierDetector.ENGINE;
        assertEquals(expected, IdentifierDetectors.engine());
        final byte[] text = "user bob@example.org from 203.0.113.9".getBytes(StandardCharsets.US_ASCII);
        try (IdentifierDetector detector = IdentifierDetectors.create())
        {
            assertEquals(expected, detector.engine());
            assertEquals(IdentifierKind.EMAIL.bit() | IdentifierKind.IPV4.bit(), detector.detect(MemorySegment.ofArray(text), 0, text.length));
        }
    }
}
