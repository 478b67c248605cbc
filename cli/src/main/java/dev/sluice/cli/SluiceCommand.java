package dev.sluice.cli;

import dev.sluice.cli.demo.DemoCommand;
import dev.sluice.cli.demo.DemoResult;
import dev.sluice.cli.reconcile.ReconcileCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;

/**
 * The {@code sluice} command: dispatches a verb to the code that runs it. Exit status 0 on
 * success, 1 when the work failed (a policy is invalid, the demo or the counters did not
 * reconcile), 2 for a usage mistake. Main thread.
 */
public final class SluiceCommand
{
    private static final String USAGE = """
        Usage: sluice VERB [OPTIONS]

          demo [--packets N] [--output DIR]
                run a control plane, two regional cores and a gateway on one machine and
                reconcile every packet (default: 200,000 packets, output in ./demo-output)
          test  run the whole test suite (the launcher script handles this verb)

          gateway --config FILE
                run a gateway as its configuration file says (see config/gateway.yaml; events
                only: config/gateway-events.yaml)
          regional --region NAME [--channel URI] [--stream ID] [--output DIR] [--aeron-dir DIR]
                   [--kafka HOST:PORT[,...]] [--kafka-topic-prefix PREFIX]
                run a regional core that writes newline-delimited JSON to DIR/NAME.ndjson, and
                with --kafka the same lines to Kafka, a topic per kind (PREFIX.packets,
                PREFIX.events.syslog...; PREFIX defaults to sluice.NAME)
          controlplane --store DIR [--policy FILE] [--aeron-dir DIR]
                run a control plane; FILE is validated, versioned and pushed, and again when it changes

          reconcile --gateway PATH [--gateway PATH...] --core PATH [--core PATH...]
                read the counters files the gateways (STATE-DIR/counters.json) and the regional
                cores (OUTPUT-DIR/REGION.counters.json) keep, and say whether they balance: each
                gateway's received = forwarded + aggregated + filtered + sampled out + dropped
                + in flight, each destination's decisions, and each stream's last sequence at the
                gateway against the last one durable at its core; if not, where the difference
                is. PATH is a file or a directory holding them. Exit 0 balanced, 1 not, 2 for an
                unreadable or malformed file

          decode CAPTURE [--fields f1,f2,...]
                decode a pcap or pcapng capture as a gateway does: one line per packet with the
                fields (policy field names), tab-separated like tshark -T fields, then a summary;
                an unknown field name lists the known ones

          parse --format syslog|cef|leef|json|netflow|candump [--dbc FILE] INPUT...
                parse events as a gateway does and print each as one JSON object with the policy
                language's field names, or with the reason and line:column it was rejected at;
                lines are messages (netflow: each INPUT is one export datagram); INPUT - is stdin

          anonymize --method cryptopan|hmac|siphash|user|email|mac|imsi|imei|vin|phone
                    [--keep-domain] [--reverse] --key-file FILE [VALUE... | -]
                print the pseudonym of each value, one per line, as the gateways compute it with
                the region's site key FILE (32 raw bytes or 64 hex characters, mode 600); no
                VALUE or - reads standard input's lines; --keep-domain keeps e-mail domains;
                --reverse undoes cryptopan, mac, imsi, imei, vin and phone; a value that cannot
                be transformed is reported on stderr with its position (an empty output line
                keeps the alignment) and the exit status is 1

          anonymize-capture --key-file FILE [--keep-unanonymizable] INPUT OUTPUT
                rewrite every IPv4/IPv6 address of a pcap or pcapng capture with Crypto-PAn,
                checksums fixed; packets that cannot be fully anonymized are dropped (or kept
                unchanged) and counted by reason

          policy check FILE...
                validate policies; every error with file:line:column
          policy push FILE [--channel URI] [--timeout-ms N] [--aeron-dir DIR]
                submit a policy to a running control plane and print the result
          policy explain FILE --sample CAPTURE_OR_LOG [--format F] [--origin REGION] [--limit N]
                per packet of a capture (pcap, pcapng) or event of a log (one per line;
                F = syslog, cef, leef, json or candump, else told by the first line): the
                rule that matches, its action, the data classes found, what each region
                receives (raw, transformed, blocked) and why, an event's transformed form;
                totals per rule and per region
          policy diff OLD NEW --sample CAPTURE_OR_LOG [--format F] [--origin REGION] [--limit N]
                the items whose rule or any region's outcome changes, and totals per change

          help  this text

        Without --aeron-dir, each process starts an embedded Aeron media driver of its own.
        """;

    private SluiceCommand()
    {
    }

    public static void main(final String[] args)
    {
        ConsoleLogging.install(Level.INFO);
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        final String verb = args.isEmpty() ? "help" : args.get(0);
        final List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        try
        {
            return switch (verb)
            {
                case "help", "--help", "-h" ->
                {
                    out.print(USAGE);
                    yield 0;
                }
                case "demo" -> demo(rest, out);
                case "gateway" -> TierCommands.gateway(Arguments.parse(verb, rest, Set.of("config"), Set.of()));
                case "regional" -> TierCommands.regional(Arguments.parse(
                    verb, rest, Set.of("region", "channel", "stream", "output", "aeron-dir", "kafka", "kafka-topic-prefix"),
                    Set.of()));
                case "controlplane" -> TierCommands.controlPlane(Arguments.parse(
                    verb, rest, Set.of("store", "policy", "aeron-dir"), Set.of()));
                case "policy" -> PolicyCommands.run(rest, out, err);
                case "reconcile" -> reconcile(rest, out, err);
                case "decode" -> DecodeCommand.run(rest, out, err);
                case "parse" -> ParseCommand.run(rest, out, err);
                case "anonymize" -> AnonymizeCommand.run(rest, System.in, out, err);
                case "anonymize-capture" -> CaptureAnonymizeCommand.run(rest, out, err);
                default ->
                {
                    err.println("sluice: unknown verb '" + verb + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        }
        catch (final Arguments.UsageException ex)
        {
            err.println("sluice " + ex.getMessage());
            return 2;
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            err.println("sluice " + verb + ": " + ex.getMessage());
            return 1;
        }
        catch (final Exception ex)
        {
            err.println("sluice " + verb + ": " + ex);
            ex.printStackTrace(err);
            return 1;
        }
    }

    private static int reconcile(final List<String> rest, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments = Arguments.parse("reconcile", rest, Set.of("gateway", "core"), Set.of());
        if (!arguments.operands().isEmpty())
        {
            throw new Arguments.UsageException("reconcile: unexpected operand '" + arguments.operands().getFirst() +
                "'; name files with --gateway PATH and --core PATH");
        }
        return ReconcileCommand.run(
            arguments.options("gateway").stream().map(Path::of).toList(),
            arguments.options("core").stream().map(Path::of).toList(),
            out,
            err);
    }

    private static int demo(final List<String> rest, final PrintStream out) throws Exception
    {
        final Arguments arguments = Arguments.parse("demo", rest, Set.of("packets", "output"), Set.of());
        final int packets = arguments.intOption("packets", DemoCommand.PACKETS_DEFAULT);
        if (packets < 1)
        {
            throw new Arguments.UsageException("demo: --packets must be at least 1");
        }
        // The demo narrates what happens; the tiers' own log lines would say it twice.
        ConsoleLogging.install(Level.WARNING);
        final DemoResult result = new DemoCommand(Path.of(arguments.option("output", "demo-output")), packets, out).run();
        return result.reconciles() ? 0 : 1;
    }
}
