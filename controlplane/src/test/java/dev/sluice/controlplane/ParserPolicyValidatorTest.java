package dev.sluice.controlplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserPolicyValidatorTest
{
    private final ParserPolicyValidator validator = new ParserPolicyValidator();

    @Test
    void acceptsAValidPolicy()
    {
        final Validation validation = validator.validate("ok.yaml", """
            sluice-policy: 1
            name: ok
            match: first
            default: keep
            """);
        assertTrue(validation.isValid(), validation.message());
    }

    @Test
    void reportsEveryErrorWithItsPosition()
    {
        final Validation validation = validator.validate("bad.yaml", """
            sluice-policy: 1
            name: bad
            match: first
            default: keep
            rules:
              - name: a
                when: tcp.dstprot == 80
                then: sample 1/0
            """);
        assertFalse(validation.isValid());
        assertEquals(2, validation.errors().size(), validation.message());
        assertTrue(validation.errors().get(0).startsWith("bad.yaml:7:11: error: unknown field 'tcp.dstprot'"),
            validation.message());
        assertTrue(validation.errors().get(1).startsWith("bad.yaml:8:"), validation.message());
    }
}
