package dev.sluice.cli;

import dev.sluice.cli.PacketExplainer.Delivery;
import dev.sluice.cli.PacketExplainer.Explanation;
import dev.sluice.dataplane.decode.CaptureDecode;
import dev.sluice.policy.Policy;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.diagnostic.Diagnostic;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sluice policy explain FILE --sample CAPTURE} and {@code sluice policy diff OLD NEW --sample
 * CAPTURE}: what a policy does with each packet of a capture and why ({@link PacketExplainer}), or
 * what changes between two policies on the same capture, with totals per rule and per destination.
 * At most {@code --limit} packets (default 20) are shown; the totals cover the whole capture.
 * {@code --origin REGION} is the region the capture was taken in (default: the policy's first).
 * Main thread.
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
        final Path capture = sample(arguments, "policy explain");
        final Policy policy = parse(file, err);
        if (null == policy)
        {
            return 1;
        }
        final PacketExplainer explainer = new PacketExplainer(policy, origin(arguments, policy));
        final int limit = arguments.intOption("limit", LIMIT_DEFAULT);
        out.printf("policy '%s' (%s) on %s, origin %s%n", policy.name(), file, capture, origin(arguments, policy));

        final Map<String, Long> byRule = new TreeMap<>();
        final Map<String, Map<String, Long>> byDestination = new LinkedHashMap<>();
        final long[] shown = {0};
        final CaptureDecode.Summary summary = decode(capture, err, (number, explanation) ->
        {
            byRule.merge(explanation.ruleName(), 1L, Long::sum);
            explanation.destinations().forEach((region, delivery) -> byDestination
                .computeIfAbsent(region, (ignore) -> new TreeMap<>()).merge(delivery.outcome(), 1L, Long::sum));
            if (shown[0]++ < limit)
            {
                print(out, explanation);
            }
        }, explainer);
        if (null == summary)
        {
            return 1;
        }
        out.printf("# %,d packets%s%n", summary.packets(), shown[0] > limit ? " (the first " + limit + " shown; --limit N)" : "");
        byRule.forEach((rule, count) -> out.printf("# %s: %,d%n", rule, count));
        byDestination.forEach((region, outcomes) -> out.printf("# %s: %s%n", region, outcomes));
        return summary.complete() ? 0 : 1;
    }

    static int diff(final Arguments arguments, final PrintStream out, final PrintStream err)
    {
        final Path oldFile = Path.of(arguments.requiredOperand(0, "OLD"));
        final Path newFile = Path.of(arguments.requiredOperand(1, "NEW"));
        final Path capture = sample(arguments, "policy diff");
        final Policy oldPolicy = parse(oldFile, err);
        final Policy newPolicy = parse(newFile, err);
        if (null == oldPolicy || null == newPolicy)
        {
            return 1;
        }
        final String origin = origin(arguments, newPolicy);
        final PacketExplainer before = new PacketExplainer(oldPolicy, origin);
        final PacketExplainer after = new PacketExplainer(newPolicy, origin);
        final int limit = arguments.intOption("limit", LIMIT_DEFAULT);
        out.printf("policy '%s' (%s) -> '%s' (%s) on %s, origin %s%n",
            oldPolicy.name(), oldFile, newPolicy.name(), newFile, capture, origin);

        final Map<String, Long> changes = new TreeMap<>();
        final long[] changed = {0};
        final List<Explanation> pending = new ArrayList<>(1);
        final CaptureDecode.Summary summary = decode(capture, err, (number, explanation) ->
        {
            final Explanation old = pending.removeFirst();
            if (!old.decision().equals(explanation.decision()))
            {
                for (final Map.Entry<String, Delivery> entry : explanation.destinations().entrySet())
                {
                    final String was = old.destinations().get(entry.getKey()).outcome();
                    if (!was.equals(entry.getValue().outcome()))
                    {
                        changes.merge(entry.getKey() + ": " + was + " -> " + entry.getValue().outcome(), 1L, Long::sum);
                    }
                }
                if (!old.ruleName().equals(explanation.ruleName()))
                {
                    changes.merge("rule: " + old.ruleName() + " -> " + explanation.ruleName(), 1L, Long::sum);
                }
                if (changed[0]++ < limit)
                {
                    out.printf("#%d %s%n    old: %s%n    new: %s%n", number, explanation.packet(), old.decision(),
                        explanation.decision());
                }
            }
        }, before, after, pending);
        if (null == summary)
        {
            return 1;
        }
        out.printf("# %,d of %,d packets change%s%n", changed[0], summary.packets(),
            changed[0] > limit ? " (the first " + limit + " shown; --limit N)" : "");
        changes.forEach((change, count) -> out.printf("# %s: %,d%n", change, count));
        return summary.complete() ? 0 : 1;
    }

    /** Receives each packet's explanation, in capture order. */
    @FunctionalInterface
    private interface ExplanationListener
    {
        void onExplanation(long number, Explanation explanation);
    }

    private static CaptureDecode.Summary decode(
        final Path capture, final PrintStream err, final ExplanationListener listener, final PacketExplainer explainer)
    {
        return decode(capture, err, (number, packet) -> listener.onExplanation(number, explainer.explain(packet, number)));
    }

    /** Two explainers over one decode: the first's explanation is queued for the listener of the second's. */
    private static CaptureDecode.Summary decode(
        final Path capture,
        final PrintStream err,
        final ExplanationListener listener,
        final PacketExplainer first,
        final PacketExplainer second,
        final List<Explanation> firstExplanations)
    {
        return decode(capture, err, (number, packet) ->
        {
            firstExplanations.add(first.explain(packet, number));
            listener.onExplanation(number, second.explain(packet, number));
        });
    }

    private static CaptureDecode.Summary decode(
        final Path capture, final PrintStream err, final CaptureDecode.PacketListener listener)
    {
        try
        {
            final CaptureDecode.Summary summary = CaptureDecode.run(capture, listener);
            if (!summary.complete())
            {
                for (final String line : summary.describe())
                {
                    err.println(capture + ": " + line);
                }
            }
            return summary;
        }
        catch (final IOException ex)
        {
            err.println(capture + ": " + ex.getMessage());
            return null;
        }
    }

    private static void print(final PrintStream out, final Explanation explanation)
    {
        out.printf("#%d %s%n    %s: %s%n", explanation.number(), explanation.packet(), explanation.rule(), explanation.action());
        if (!explanation.classes().isEmpty())
        {
            out.printf("    classes: %s%n", String.join(", ", explanation.classes()));
        }
        explanation.destinations().forEach((region, delivery) ->
            out.printf("    %s: %s%s%n", region, delivery.outcome(), delivery.why().isEmpty() ? "" : " - " + delivery.why()));
    }

    private static Path sample(final Arguments arguments, final String command)
    {
        final String sample = arguments.option("sample");
        if (null == sample)
        {
            throw new Arguments.UsageException(command + ": missing --sample CAPTURE (a pcap or pcapng file)");
        }
        final Path capture = Path.of(sample);
        if (!Files.isRegularFile(capture))
        {
            throw new Arguments.UsageException(command + ": --sample " + sample +
                (Files.exists(capture) ? ": not a regular file" : ": no such file"));
        }
        return capture;
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
