package dev.sluice.dataplane.anonymize.pseudonym;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes given to any identifier pseudonym give a pseudonym or a reason, never an exception;
 * a pseudonym of a reversible method reverses to a value whose pseudonym it is again (up to
 * the case of letters, which a side without letters cannot carry), and the input is never
 * modified. The first byte picks the method, the rest is the value.
 */
class IdentifierPseudonymFuzzTest
{
    private static final PseudonymMethod[] METHODS = PseudonymMethod.values();
    private static final IdentifierPseudonym[] PSEUDONYMS = new IdentifierPseudonym[METHODS.length + 1];

    static
    {
        final KeyDerivation keys = IdentifierPseudonymTest.keys(5);
        for (int i = 0; i < METHODS.length; i++)
        {
            PSEUDONYMS[i] = METHODS[i].create(keys, false);
        }
        PSEUDONYMS[METHODS.length] = PseudonymMethod.EMAIL.create(keys, true);
    }

    @FuzzTest(maxDuration = "30s")
    void pseudonymizesAnyBytes(final byte[] data)
    {
        if (0 == data.length)
        {
            return;
        }
        final IdentifierPseudonym pseudonym = PSEUDONYMS[(data[0] & 0xFF) % PSEUDONYMS.length];
        final byte[] original = data.clone();
        final byte[] out = new byte[400];
        final int length = pseudonym.pseudonymize(data, 1, data.length - 1, out, 0, out.length);
        assertArrayEquals(original, data, "the input is not modified");
        if (length < 0)
        {
            assertTrue(length >= PseudonymReason.OUTPUT_TOO_SMALL, "a known reason: " + length);
            assertTrue(!pseudonym.describe(length).startsWith("unknown"));
            return;
        }
        assertTrue(length <= out.length);
        if (pseudonym instanceof ReversiblePseudonym reversible)
        {
            assertEquals(data.length - 1, length, "format-preserving");
            final byte[] back = new byte[400];
            final int backLength = reversible.reverse(out, 0, length, back, 0, back.length);
            assertEquals(length, backLength);
            final byte[] again = new byte[400];
            assertEquals(length, reversible.pseudonymize(back, 0, backLength, again, 0, again.length));
            // Case is carried only when a side has letters (an all-digit VIN or MAC says nothing of it).
            assertEquals(new String(out, 0, length, StandardCharsets.ISO_8859_1).toLowerCase(),
                new String(again, 0, length, StandardCharsets.ISO_8859_1).toLowerCase());
        }
    }
}
