package dev.sluice.cli;

import dev.sluice.controlplane.PolicySubmitClient;
import dev.sluice.controlplane.PolicySubmitResponse;
import dev.sluice.controlplane.SubmitOutcome;
import dev.sluice.policy.PolicyParseResult;
import dev.sluice.policy.PolicyParser;
import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.protocol.Channels;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code sluice policy check|push|explain|diff}: validate policy files as the control plane and
 * gateways will, submit one to a running control plane, or show what one does (or what changes
 * between two) on a sample capture or log ({@link PolicyExplainCommands}). Main thread.
 */
final class PolicyCommands
{
    private static final long PUSH_TIMEOUT_MS_DEFAULT = 10_000;

    private PolicyCommands()
    {
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err) throws Exception
    {
        final String action = args.isEmpty() ? "" : args.get(0);
        final List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        return switch (action)
        {
            case "check" -> check(Arguments.parse("policy check", rest, Set.of(), Set.of()), out, err);
            case "push" -> push(Arguments.parse(
                "policy push", rest, Set.of("channel", "timeout-ms", "aeron-dir"), Set.of()), out, err);
            case "explain" -> PolicyExplainCommands.explain(Arguments.parse(
                "policy explain", rest, Set.of("sample", "format", "origin", "limit"), Set.of()), out, err);
            case "diff" -> PolicyExplainCommands.diff(Arguments.parse(
                "policy diff", rest, Set.of("sample", "format", "origin", "limit"), Set.of()), out, err);
            default -> throw new Arguments.UsageException(
                "policy: expected 'check FILE...', 'push FILE', 'explain FILE --sample CAPTURE_OR_LOG' or " +
                "'diff OLD NEW --sample CAPTURE_OR_LOG', got '" + action + "'");
        };
    }

    private static int check(final Arguments arguments, final PrintStream out, final PrintStream err)
    {
        if (arguments.operands().isEmpty())
        {
            throw new Arguments.UsageException("policy check: missing FILE");
        }
        int invalid = 0;
        for (final String file : arguments.operands())
        {
            final String text = read(Path.of(file), err);
            if (text == null)
            {
                invalid++;
                continue;
            }
            final PolicyParseResult result = PolicyParser.parse(file, text);
            for (final Diagnostic diagnostic : result.diagnostics())
            {
                (diagnostic.isError() ? err : out).println(diagnostic);
            }
            if (result.hasErrors())
            {
                invalid++;
                err.printf("%s: invalid (%d errors)%n", file,
                    result.diagnostics().stream().filter(Diagnostic::isError).count());
            }
            else
            {
                out.printf("%s: valid, policy '%s' with %d rules%n",
                    file, result.policy().orElseThrow().name(), result.policy().orElseThrow().ruleCount());
            }
        }
        return invalid == 0 ? 0 : 1;
    }

    private static int push(final Arguments arguments, final PrintStream out, final PrintStream err) throws IOException
    {
        final Path file = Path.of(arguments.requiredOperand(0, "FILE"));
        final String text = read(file, err);
        if (text == null)
        {
            return 1;
        }
        final String inbound = arguments.option("channel", Channels.CONTROL_INBOUND_CHANNEL_DEFAULT);
        final long timeoutMs = arguments.intOption("timeout-ms", (int)PUSH_TIMEOUT_MS_DEFAULT);
        try (EmbeddedDriver driver = EmbeddedDriver.connect(arguments.option("aeron-dir"));
            PolicySubmitClient client = new PolicySubmitClient(
                driver.aeron(),
                inbound,
                Channels.CONTROL_INBOUND_STREAM_ID_DEFAULT,
                Channels.POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT,
                Channels.POLICY_SUBMIT_REPLY_STREAM_ID_DEFAULT))
        {
            final PolicySubmitResponse response = client.submit(file.toString(), text, timeoutMs);
            final PrintStream stream = response.outcome() == SubmitOutcome.ACCEPTED ||
                response.outcome() == SubmitOutcome.UNCHANGED ? out : err;
            stream.printf("%s: %s, version %d%n", file, response.outcome(), response.policyVersion());
            if (!response.message().isEmpty())
            {
                stream.println(response.message());
            }
            return stream == out ? 0 : 1;
        }
    }

    static String read(final Path file, final PrintStream err)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            err.println(file + ": no such file");
        }
        catch (final MalformedInputException ex)
        {
            err.println(file + ": not UTF-8 text");
        }
        catch (final IOException ex)
        {
            err.println(file + ": cannot read: " + ex.getMessage());
        }
        return null;
    }
}
