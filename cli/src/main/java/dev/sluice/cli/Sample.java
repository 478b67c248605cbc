package dev.sluice.cli;

import dev.sluice.dataplane.decode.CaptureDecode;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.policy.Policy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The {@code --sample} of {@code sluice policy explain|diff}: a capture (pcap or pcapng, told by
 * its first four bytes) whose packets are explained, or a log whose lines are (one event per
 * line, in {@code --format}, or in the format its first line shows). Main thread.
 */
final class Sample
{
    /** The line formats a log sample may be in (NetFlow is binary: explain its capture instead). */
    static final Set<EventFormat> LOG_FORMATS =
        Set.of(EventFormat.SYSLOG, EventFormat.CEF, EventFormat.LEEF, EventFormat.JSON, EventFormat.CANDUMP);
    private static final int PCAP_MICROSECONDS = 0xa1b2c3d4;
    private static final int PCAP_NANOSECONDS = 0xa1b23c4d;
    private static final int PCAPNG_SECTION = 0x0a0d0d0a;

    /** Receives each item's explanations, one per policy, in sample order. */
    @FunctionalInterface
    interface ExplanationsListener
    {
        void onItem(List<Explanation> explanations);
    }

    /**
     * @param items    how many items the sample held.
     * @param complete whether all of it was read (a capture may end early, damaged).
     */
    record Summary(long items, boolean complete)
    {
    }

    private final Path file;
    /** Null for a capture. */
    private final EventFormat format;

    private Sample(final Path file, final EventFormat format)
    {
        this.file = file;
        this.format = format;
    }

    static Sample of(final Arguments arguments, final String command)
    {
        final String name = arguments.option("sample");
        if (null == name)
        {
            throw new Arguments.UsageException(command + ": missing --sample FILE (a pcap or pcapng capture, or a log)");
        }
        final Path file = Path.of(name);
        if (!Files.isRegularFile(file))
        {
            throw new Arguments.UsageException(command + ": --sample " + name +
                (Files.exists(file) ? ": not a regular file" : ": no such file"));
        }
        final String formatName = arguments.option("format");
        try
        {
            if (isCapture(file))
            {
                if (null != formatName)
                {
                    throw new Arguments.UsageException(command + ": --sample " + name +
                        " is a capture: --format is for logs, leave it out");
                }
                return new Sample(file, null);
            }
            return new Sample(file, null == formatName ? guessFormat(file) : logFormat(command, formatName));
        }
        catch (final IOException ex)
        {
            throw new Arguments.UsageException(command + ": --sample " + name + ": " + ex.getMessage());
        }
    }

    /** What the sample is, for the first line of the output. */
    String describe()
    {
        return file + (null == format ? "" : " (" + format.keyword() + " log)");
    }

    /** What its items are called in the totals. */
    String unit()
    {
        return null == format ? "packets" : "events";
    }

    /**
     * Explains every item under each policy.
     *
     * @return what was read, or null when the sample could not be read (said on {@code err}).
     */
    Summary run(final List<Policy> policies, final String origin, final PrintStream err, final ExplanationsListener listener)
    {
        try
        {
            return null == format ? runCapture(policies, origin, err, listener) : runLog(policies, origin, listener);
        }
        catch (final IOException ex)
        {
            err.println(file + ": " + ex.getMessage());
            return null;
        }
    }

    private Summary runCapture(
        final List<Policy> policies, final String origin, final PrintStream err, final ExplanationsListener listener)
        throws IOException
    {
        final List<PacketExplainer> explainers = new ArrayList<>();
        policies.forEach((policy) -> explainers.add(new PacketExplainer(policy, origin)));
        final CaptureDecode.Summary summary = CaptureDecode.run(file, (number, packet) ->
        {
            final List<Explanation> explanations = new ArrayList<>(explainers.size());
            explainers.forEach((explainer) -> explanations.add(explainer.explain(packet, number)));
            listener.onItem(explanations);
        });
        if (!summary.complete())
        {
            for (final String line : summary.describe())
            {
                err.println(file + ": " + line);
            }
        }
        return new Summary(summary.packets(), summary.complete());
    }

    private Summary runLog(final List<Policy> policies, final String origin, final ExplanationsListener listener)
        throws IOException
    {
        final List<EventExplainer> explainers = new ArrayList<>();
        policies.forEach((policy) -> explainers.add(new EventExplainer(policy, origin)));
        long events = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file)))
        {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 0;
            int b;
            do
            {
                b = in.read();
                if (b >= 0 && b != '\n')
                {
                    line.write(b);
                    continue;
                }
                number++;
                byte[] bytes = line.toByteArray();
                line.reset();
                if (bytes.length > 0 && bytes[bytes.length - 1] == '\r')
                {
                    bytes = Arrays.copyOf(bytes, bytes.length - 1);
                }
                if (bytes.length == 0)
                {
                    continue;
                }
                events++;
                final List<Explanation> explanations = new ArrayList<>(explainers.size());
                for (final EventExplainer explainer : explainers)
                {
                    explanations.add(explainer.explain(format, bytes, number));
                }
                listener.onItem(explanations);
            }
            while (b >= 0);
        }
        finally
        {
            explainers.forEach(EventExplainer::close);
        }
        return new Summary(events, true);
    }

    private static boolean isCapture(final Path file) throws IOException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final byte[] magic = in.readNBytes(4);
            if (magic.length < 4)
            {
                return false;
            }
            final int bigEndian = (magic[0] & 0xFF) << 24 | (magic[1] & 0xFF) << 16 | (magic[2] & 0xFF) << 8 | (magic[3] & 0xFF);
            final int littleEndian = Integer.reverseBytes(bigEndian);
            return bigEndian == PCAPNG_SECTION ||
                bigEndian == PCAP_MICROSECONDS || littleEndian == PCAP_MICROSECONDS ||
                bigEndian == PCAP_NANOSECONDS || littleEndian == PCAP_NANOSECONDS;
        }
    }

    private static EventFormat logFormat(final String command, final String name)
    {
        final EventFormat format = EventFormat.byKeyword(name);
        if (null == format || !LOG_FORMATS.contains(format))
        {
            throw new Arguments.UsageException(command + ": --format " + name + ": a log sample is syslog, cef, leef, json " +
                "or candump (NetFlow: give a capture of its datagrams)");
        }
        return format;
    }

    /** The format of a log from its first non-empty line: JSON, CEF, LEEF or candump by their starts, otherwise syslog. */
    private static EventFormat guessFormat(final Path file) throws IOException
    {
        try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1))
        {
            final String first = lines.map(String::strip).filter((line) -> !line.isEmpty()).findFirst().orElse("");
            if (first.startsWith("{"))
            {
                return EventFormat.JSON;
            }
            if (first.startsWith("CEF:"))
            {
                return EventFormat.CEF;
            }
            if (first.startsWith("LEEF:"))
            {
                return EventFormat.LEEF;
            }
            if (first.startsWith("("))
            {
                return EventFormat.CANDUMP;
            }
            return EventFormat.SYSLOG;
        }
    }
}
