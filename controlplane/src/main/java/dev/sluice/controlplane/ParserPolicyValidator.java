package dev.sluice.controlplane;

import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.diagnostic.Diagnostic;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates with the policy module's parser, so the control plane accepts exactly what
 * gateways parse. Stateless; called on the control plane's agent thread.
 */
public final class ParserPolicyValidator implements PolicyValidator
{
    @Override
    public Validation validate(final String sourceName, final String text)
    {
        final PolicyParseResult result = PolicyParser.parse(sourceName, text);
        if (!result.hasErrors())
        {
            return Validation.ok();
        }
        final List<String> errors = new ArrayList<>();
        for (final Diagnostic diagnostic : result.diagnostics())
        {
            if (diagnostic.isError())
            {
                errors.add(diagnostic.toString());
            }
        }
        return Validation.invalid(errors);
    }
}
