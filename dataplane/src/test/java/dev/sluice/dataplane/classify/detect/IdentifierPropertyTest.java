package dev.sluice.dataplane.classify.detect;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Properties over seeded random text: identifiers planted between filler words are always found,
 * with their exact spans and nothing else; filler alone yields nothing; and on random text over the
 * bytes identifiers are made of, Hyperscan finds exactly what the DFA engine finds.
 */
@Timeout(120)
class IdentifierPropertyTest
{
    private static final int ROUNDS = 3_000;
    private static final String DANGEROUS = "0123456789abcdefABCDEFXZ:.@+-() _%\n";

    private static final DfaIdentifierDetector DFA = new DfaIdentifierDetector();
    private static IdentifierDetector hyperscan;

    @BeforeAll
    static void openHyperscan()
    {
        hyperscan = Detection.hyperscanOrNull();
    }

    @AfterAll
    static void closeHyperscan()
    {
        CloseHelper.close(hyperscan);
    }

    @Test
    void plantedIdentifiersAreAlwaysFoundAndNothingElse()
    {
        final PlantedIdentifiers planted = new PlantedIdentifiers(5);
        final IdentifierKind[] kinds = IdentifierKind.values();
        for (int round = 0; round < ROUNDS; round++)
        {
            final StringBuilder text = new StringBuilder(planted.filler(1 + planted.random().nextInt(4)));
            final List<String> expected = new ArrayList<>();
            final int plants = 1 + planted.random().nextInt(4);
            for (int i = 0; i < plants; i++)
            {
                final IdentifierKind kind = kinds[planted.random().nextInt(kinds.length)];
                final String identifier = planted.of(kind);
                text.append(' ').append(identifier).append(' ').append(planted.filler(1 + planted.random().nextInt(4)));
                expected.add(kind + ":" + identifier);
            }
            final List<String> found = Detection.texts(DFA, text.toString());
            assertEquals(expected, found, text.toString());
            if (null != hyperscan)
            {
                assertEquals(expected, Detection.texts(hyperscan, text.toString()), text.toString());
            }
        }
    }

    @Test
    void fillerAloneHoldsNothing()
    {
        final PlantedIdentifiers planted = new PlantedIdentifiers(7);
        for (int round = 0; round < ROUNDS; round++)
        {
            final String text = planted.filler(1 + planted.random().nextInt(40));
            assertEquals(List.of(), Detection.texts(DFA, text), text);
        }
    }

    @Test
    void enginesAgreeOnRandomTextOfIdentifierBytes()
    {
        final IdentifierDetector other = null != hyperscan ? hyperscan : Detection.hyperscan();
        final Random random = new Random(11);
        int withMatches = 0;
        for (int round = 0; round < 20 * ROUNDS; round++)
        {
            final byte[] text = new byte[random.nextInt(120)];
            for (int i = 0; i < text.length; i++)
            {
                text[i] = (byte)DANGEROUS.charAt(random.nextInt(DANGEROUS.length()));
            }
            final List<Detection.Match> expected = Detection.matches(DFA, text);
            withMatches += expected.isEmpty() ? 0 : 1;
            assertEquals(expected, Detection.matches(other, text), new String(text, StandardCharsets.ISO_8859_1));
        }
        System.out.println("random texts with a match: " + withMatches);
    }
}
