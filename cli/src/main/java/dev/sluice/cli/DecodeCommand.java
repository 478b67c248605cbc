package dev.sluice.cli;

import dev.sluice.dataplane.decode.CaptureDecode;
import dev.sluice.dataplane.decode.FieldText;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code sluice decode CAPTURE [--fields f1,f2,...]}: decodes a pcap or pcapng capture as a
 * gateway's decoder does and prints one line per packet with the requested fields, by the
 * policy language's names, tab-separated in the style of {@code tshark -T fields} (repeated
 * values joined by commas, nothing for an absent field), after a header line of the field
 * names; then a summary, each line starting with {@code #}: packets, decoded, drops by reason,
 * tunnels seen, and how far the file was read. A capture that is damaged or cut short is
 * printed up to the damage and exits with status 1. Main thread.
 */
final class DecodeCommand
{
    private DecodeCommand()
    {
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments = Arguments.parse("decode", args, Set.of("fields"), Set.of());
        final String capture = arguments.requiredOperand(0, "CAPTURE");
        if (arguments.operands().size() > 1)
        {
            throw new Arguments.UsageException("decode: one CAPTURE at a time, got " + arguments.operands());
        }
        final FieldText text = fields(arguments.option("fields"));
        final Path file = Path.of(capture);
        if (!Files.isRegularFile(file))
        {
            err.println(capture + (Files.exists(file) ? ": not a regular file" : ": no such file"));
            return 1;
        }

        out.println(text.header());
        final CaptureDecode.Summary summary;
        try
        {
            summary = CaptureDecode.run(file, (number, packet) -> out.println(text.line(packet, number)));
        }
        catch (final IOException ex)
        {
            err.println(capture + ": " + ex.getMessage());
            return 1;
        }
        for (final String line : summary.describe())
        {
            out.println("# " + line);
        }
        out.flush();
        return summary.complete() ? 0 : 1;
    }

    private static FieldText fields(final String option)
    {
        if (null == option)
        {
            return FieldText.of(FieldText.DEFAULT_FIELDS);
        }
        final List<String> names = new ArrayList<>();
        for (final String name : option.split(",", -1))
        {
            names.add(name.trim());
        }
        try
        {
            return FieldText.of(names);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Arguments.UsageException("decode: " + ex.getMessage());
        }
    }
}
