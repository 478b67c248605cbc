package dev.sluice.cli;

import dev.sluice.cli.Explanation.Delivery;
import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.diagnostic.Diagnostic;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sluice policy explain FILE --sample SAMPLE} and {@code sluice policy diff OLD NEW --sample
 * SAMPLE}: what a policy does with each item of a sample and why, or what changes between two
 * policies on the same sample, with totals per rule and per destination. A sample is a capture
 * (pcap or pcapng, told by its first bytes: each packet explained by {@link PacketExplainer}) or a
 * log (one event per line: syslog, CEF, LEEF, JSON or candump, from {@code --format} or told by its
 * first line; each event explained by {@link EventExplainer}). At most {@code --limit} items
 * (default 20) are shown; the totals cover the whole sample. {@code --origin REGION} is the region
 * the sample was taken in (default: the policy's first). Main thread.
 */
final class PolicyExplainCommands
{
    private static final int LIMIT_DEFAULT = 20;

    private PolicyExplainCommands()
    {
    }

    static int explain(final Arguments arguments, final PrintStream out, final PrintStream err)
    {
        final Path file = Path.of(arguments.requiredOperand(0, "FILE"));
        final Sample sample = Sample.of(arguments, "policy explain");
        final Policy policy = parse(file, err);
        if (null == policy)
        {
            return 1;
        }
        final String origin = origin(arguments, policy);
        final int limit = arguments.intOption("limit", LIMIT_DEFAULT);
        out.printf("policy '%s' (%s) on %s, origin %s%n", policy.name(), file, sample.describe(), origin);

        final Map<String, Long> byRule = new TreeMap<>();
        final Map<String, Map<String, Long>> byDestination = new LinkedHashMap<>();
        final long[] shown = {0};
        final Sample.Summary summary = sample.run(List.of(policy), origin, err, (explanations) ->
        {
            final Explanation explanation = explanations.getFirst();
            byRule.merge(explanation.ruleName(), 1L, Long::sum);
            explanation.destinations().forEach((region, delivery) -> byDestination
                .computeIfAbsent(region, (ignore) -> new TreeMap<>()).merge(delivery.outcome(), 1L, Long::sum));
            if (shown[0]++ < limit)
            {
                print(out, explanation);
            }
        });
        if (null == summary)
        {
            return 1;
        }
        out.printf("# %,d %s%s%n", summary.items(), sample.unit(),
            shown[0] > limit ? " (the first " + limit + " shown; --limit N)" : "");
        byRule.forEach((rule, count) -> out.printf("# %s: %,d%n", rule, count));
        byDestination.forEach((region, outcomes) -> out.printf("# %s: %s%n", region, outcomes));
        return summary.complete() ? 0 : 1;
    }

    static int diff(final Arguments arguments, final PrintStream out, final PrintStream err)
    {
        final Path oldFile = Path.of(arguments.requiredOperand(0, "OLD"));
        final Path newFile = Path.of(arguments.requiredOperand(1, "NEW"));
        final Sample sample = Sample.of(arguments, "policy diff");
        final Policy oldPolicy = parse(oldFile, err);
        final Policy newPolicy = parse(newFile, err);
        if (null == oldPolicy || null == newPolicy)
        {
            return 1;
        }
        final String origin = origin(arguments, newPolicy);
        final int limit = arguments.intOption("limit", LIMIT_DEFAULT);
        out.printf("policy '%s' (%s) -> '%s' (%s) on %s, origin %s%n",
            oldPolicy.name(), oldFile, newPolicy.name(), newFile, sample.describe(), origin);

        final Map<String, Long> changes = new TreeMap<>();
        final long[] changed = {0};
        final Sample.Summary summary = sample.run(List.of(oldPolicy, newPolicy), origin, err, (explanations) ->
        {
            final Explanation old = explanations.get(0);
            final Explanation explanation = explanations.get(1);
            if (!old.decision().equals(explanation.decision()))
            {
                for (final Map.Entry<String, Delivery> entry : explanation.destinations().entrySet())
                {
                    final Delivery was = old.destinations().get(entry.getKey());
                    final String wasOutcome = null == was ? "not a region" : was.outcome();
                    if (!wasOutcome.equals(entry.getValue().outcome()))
                    {
                        changes.merge(entry.getKey() + ": " + wasOutcome + " -> " + entry.getValue().outcome(), 1L, Long::sum);
                    }
                }
                if (!old.ruleName().equals(explanation.ruleName()))
                {
                    changes.merge("rule: " + old.ruleName() + " -> " + explanation.ruleName(), 1L, Long::sum);
                }
                if (changed[0]++ < limit)
                {
                    out.printf("#%d %s%n    old: %s%n    new: %s%n", explanation.number(), explanation.item(), old.decision(),
                        explanation.decision());
                }
            }
        });
        if (null == summary)
        {
            return 1;
        }
        out.printf("# %,d of %,d %s change%s%n", changed[0], summary.items(), sample.unit(),
            changed[0] > limit ? " (the first " + limit + " shown; --limit N)" : "");
        changes.forEach((change, count) -> out.printf("# %s: %,d%n", change, count));
        return summary.complete() ? 0 : 1;
    }

    private static void print(final PrintStream out, final Explanation explanation)
    {
        out.printf("#%d %s%n    %s: %s%n", explanation.number(), explanation.item(), explanation.rule(), explanation.action());
        if (!explanation.classes().isEmpty())
        {
            out.printf("    classes: %s%n", String.join(", ", explanation.classes()));
        }
        explanation.destinations().forEach((region, delivery) ->
            out.printf("    %s: %s%s%n", region, delivery.outcome(), delivery.why().isEmpty() ? "" : " - " + delivery.why()));
        if (null != explanation.transformed())
        {
            out.printf("    transformed form (under a key made for this run): %s%n", explanation.transformed());
        }
    }

    private static String origin(final Arguments arguments, final Policy policy)
    {
        final String origin = arguments.option("origin");
        if (null != origin)
        {
            if (!policy.regions().contains(origin))
            {
                throw new Arguments.UsageException("--origin " + origin + " is not a region of policy '" + policy.name() +
                    "' (" + String.join(", ", policy.regions()) + ")");
            }
            return origin;
        }
        if (policy.regions().isEmpty())
        {
            throw new Arguments.UsageException("policy '" + policy.name() + "' declares no regions: give --origin REGION");
        }
        return policy.regions().getFirst();
    }

    private static Policy parse(final Path file, final PrintStream err)
    {
        final String text = PolicyCommands.read(file, err);
        if (null == text)
        {
            return null;
        }
        final PolicyParseResult result = PolicyParser.parse(file.toString(), text);
        if (result.hasErrors())
        {
            for (final Diagnostic diagnostic : result.diagnostics())
            {
                err.println(diagnostic);
            }
            err.printf("%s: invalid, nothing explained%n", file);
            return null;
        }
        return result.policy().orElseThrow();
    }
}
