package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlReaderTest
{
    private static YamlNode read(final String text, final Diagnostics diagnostics)
    {
        return YamlReader.read(text, YamlLimits.DEFAULT, diagnostics);
    }

    private static YamlMapping readOk(final String text)
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        final YamlNode root = read(text, diagnostics);
        assertFalse(diagnostics.hasErrors(), () -> diagnostics.sorted().toString());
        return assertInstanceOf(YamlMapping.class, root);
    }

    private static Diagnostic onlyError(final String text)
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        read(text, diagnostics);
        final List<Diagnostic> all = diagnostics.sorted();
        assertEquals(1, all.size(), all::toString);
        assertTrue(all.getFirst().isError());
        return all.getFirst();
    }

    private static YamlScalar scalar(final YamlMapping mapping, final String key)
    {
        return assertInstanceOf(YamlScalar.class, mapping.get(key));
    }

    @Test
    void nodesKnowWhereTheyAre()
    {
        final YamlMapping root = readOk("a: 1\nlist:\n  - x\n  - {k: v}\nflow: [p, 'q']\n");
        assertEquals(new SourcePosition(1, 1), root.position());
        assertEquals(new SourcePosition(1, 4), scalar(root, "a").position());
        assertEquals(new SourcePosition(1, 1), root.entry("a").key().position());
        final YamlSequence list = assertInstanceOf(YamlSequence.class, root.get("list"));
        assertEquals(new SourcePosition(3, 3), list.position());
        assertEquals(new SourcePosition(3, 5), list.get(0).position());
        final YamlMapping inner = assertInstanceOf(YamlMapping.class, list.get(1));
        assertEquals(new SourcePosition(4, 5), inner.position());
        assertEquals(new SourcePosition(4, 9), inner.get("k").position());
        final YamlSequence flow = assertInstanceOf(YamlSequence.class, root.get("flow"));
        assertEquals(new SourcePosition(5, 7), flow.position());
        final YamlScalar quoted = assertInstanceOf(YamlScalar.class, flow.get(1));
        assertEquals(new SourcePosition(5, 11), quoted.position());
        assertEquals(YamlScalarStyle.SINGLE_QUOTED, quoted.style());
        assertEquals("q", quoted.value());
        assertEquals(List.of("a", "list", "flow"), List.copyOf(root.keys()));
    }

    @Test
    void crlfAndSupplementaryCharactersCountAsEditorsDo()
    {
        final YamlMapping root = readOk("a: x\r\nb: \uD83D\uDE00 y\r\nc: z\n");
        assertEquals(new SourcePosition(2, 4), scalar(root, "b").position());
        assertEquals(new SourcePosition(2, 5), scalar(root, "b").positionOf(2));
        assertEquals(new SourcePosition(2, 6), scalar(root, "b").positionOf(3));
        assertEquals(new SourcePosition(3, 4), scalar(root, "c").position());
    }

    @Test
    void positionsInsidePlainAndQuotedScalars()
    {
        final YamlMapping root = readOk(String.join("\n",
            "plain: ab cd",
            "single: 'it''s x'",
            "double: \"a\\tb\\x41 \\\"q\\\" z\"",
            "folded: one",
            "  two   three",
            "block: |",
            "  first",
            "    second",
            ""));
        final YamlScalar plain = scalar(root, "plain");
        assertEquals(new SourcePosition(1, 8), plain.positionOf(0));
        assertEquals(new SourcePosition(1, 11), plain.positionOf(3));
        assertEquals(new SourcePosition(1, 13), plain.positionOf(5));

        final YamlScalar single = scalar(root, "single");
        assertEquals("it's x", single.value());
        assertEquals(new SourcePosition(2, 10), single.positionOf(0));
        assertEquals(new SourcePosition(2, 12), single.positionOf(2));
        assertEquals(new SourcePosition(2, 14), single.positionOf(3));
        assertEquals(new SourcePosition(2, 16), single.positionOf(5));

        final YamlScalar dq = scalar(root, "double");
        assertEquals("a\tbA \"q\" z", dq.value());
        assertEquals(new SourcePosition(3, 10), dq.positionOf(0));
        assertEquals(new SourcePosition(3, 11), dq.positionOf(1));
        assertEquals(new SourcePosition(3, 13), dq.positionOf(2));
        assertEquals(new SourcePosition(3, 14), dq.positionOf(3));
        assertEquals(new SourcePosition(3, 21), dq.positionOf(6));
        assertEquals(new SourcePosition(3, 25), dq.positionOf(9));
        assertEquals(new SourcePosition(3, 26), dq.positionOf(10));

        final YamlScalar folded = scalar(root, "folded");
        assertEquals("one two   three", folded.value());
        assertEquals(new SourcePosition(5, 3), folded.positionOf(4));
        assertEquals(new SourcePosition(5, 9), folded.positionOf(10));

        final YamlScalar block = scalar(root, "block");
        assertEquals("first\n  second\n", block.value());
        assertEquals(YamlScalarStyle.LITERAL, block.style());
        assertEquals(new SourcePosition(7, 3), block.positionOf(0));
        assertEquals(new SourcePosition(8, 5), block.positionOf(8));
    }

    @Test
    void duplicateKeysAreReportedAtTheSecondAndTheFirstIsKept()
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        final YamlMapping root = assertInstanceOf(YamlMapping.class, read("a: 1\nb: 2\na: 3\n", diagnostics));
        final Diagnostic error = diagnostics.sorted().getFirst();
        assertEquals("t.yaml:3:1: error: duplicate key 'a' (first at 1:1)", error.toString().lines().findFirst().orElseThrow());
        assertEquals("1", scalar(root, "a").value());
    }

    @Test
    void syntaxErrorsHaveAPosition()
    {
        final Diagnostic error = onlyError("a: 1\nb: [1, 2\nc: 3\n");
        assertTrue(error.message().startsWith("invalid YAML"), error::toString);
        assertTrue(error.line() >= 2, error::toString);

        final Diagnostic tab = onlyError("a:\n\tb: 1\n");
        assertEquals(2, tab.line());
        assertEquals(1, tab.column());
        assertNotNull(tab.hint());

        final Diagnostic colon = onlyError("a: b: c\n");
        assertEquals(new SourcePosition(1, 5), colon.position());
    }

    @Test
    void tagsSecondDocumentsAndBadKeysAreReported()
    {
        assertTrue(onlyError("a: !!str 1\n").message().contains("tags"));
        assertEquals(new SourcePosition(2, 1), onlyError("a: 1\n---\nb: 2\n").position());
        assertTrue(onlyError("? [x]\n: 1\n").message().contains("keys must be scalars"));
        assertTrue(onlyError("a: *nothing\n").message().contains("no anchor"));
    }

    @Test
    void aliasesShareTheAnchoredNode()
    {
        final YamlMapping root = readOk("a: &x {k: v}\nb: *x\n");
        assertSame(root.get("a"), root.get("b"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void billionLaughsIsRejected()
    {
        final StringBuilder text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++)
        {
            text.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++)
            {
                text.append(j > 0 ? ", " : "").append("*a").append(i - 1);
            }
            text.append("]\n");
        }
        final Diagnostic error = onlyError(text.toString());
        assertTrue(error.message().contains("more than"), error::toString);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void deepNestingIsRejected()
    {
        final Diagnostic flow = onlyError("a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
        assertTrue(flow.message().contains("nesting"), flow::toString);

        final StringBuilder block = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            block.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        assertTrue(onlyError(block.toString()).message().contains("nesting"));
    }

    @Test
    void oversizedDocumentsAreRejected()
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        assertNull(YamlReader.read("a: " + "x".repeat(100), new YamlLimits(50, 8, 100), diagnostics));
        assertTrue(diagnostics.sorted().getFirst().message().contains("limit"));
    }

    @Test
    void emptyDocumentHasNoRoot()
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        assertNull(read("# nothing\n", diagnostics));
        assertFalse(diagnostics.hasErrors());
    }

    @Test
    void nonPrintableCharactersAreReported()
    {
        final Diagnostic error = onlyError("a: 1\nb: x\u0001y\n");
        assertEquals(new SourcePosition(2, 5), error.position());
    }

    @Test
    void snakeYamlRuntimeExceptionsBecomeDiagnostics()
    {
        // Found by PolicyParserFuzzTest: SnakeYAML throws NumberFormatException for a truncated escape.
        final Diagnostic error = onlyError("zle: \"\\x41\\u");
        assertTrue(error.message().startsWith("invalid YAML"), error::toString);
        assertEquals(1, error.line());
    }

    @Test
    void typedChecks()
    {
        final Diagnostics diagnostics = new Diagnostics("t.yaml");
        final YamlMapping root = assertInstanceOf(
            YamlMapping.class, read("n: 7\nq: '7'\nl: [a, b]\ns: x\nm: {}\ne:\n", diagnostics));
        assertEquals(7L, YamlChecks.integer(root.get("n"), "'n'", 0, 10, diagnostics));
        assertNull(YamlChecks.integer(root.get("q"), "'q'", 0, 10, diagnostics));
        assertNull(YamlChecks.integer(root.get("n"), "'n'", 0, 5, diagnostics));
        assertEquals(2, YamlChecks.scalarList(root.get("l"), "'l'", diagnostics).size());
        assertEquals(1, YamlChecks.scalarOrList(root.get("s"), "'s'", diagnostics).size());
        assertNull(YamlChecks.sequence(root.get("m"), "'m'", diagnostics));
        assertNull(YamlChecks.string(root.get("e"), "'e'", diagnostics));
        YamlChecks.checkKeys(root, "the test", List.of("n", "q", "l", "s", "m", "e"), List.of("z"), diagnostics);
        YamlChecks.checkKeys(root, "the test", List.of("nn", "q", "l", "s", "m", "e", "z"), List.of(), diagnostics);

        final List<String> messages = diagnostics.sorted().stream().map(Diagnostic::toString).toList();
        assertEquals(List.of(
            "t.yaml:1:1: error: missing required key 'z' in the test",
            "t.yaml:1:1: error: unknown key 'n' in the test\n  hint: did you mean 'nn'?",
            "t.yaml:1:4: error: 'n' must be between 0 and 5, found 7",
            "t.yaml:2:4: error: 'q' must be a whole number, found '7'",
            "t.yaml:5:4: error: 'm' must be a list, found a mapping",
            "t.yaml:6:3: error: 'e' must be a value, found an empty value"), messages);
    }
}
