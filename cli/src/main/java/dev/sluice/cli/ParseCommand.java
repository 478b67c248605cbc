package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventParsers;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.json.TelemetryView;
import dev.sluice.policy.condition.Addresses;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code sluice parse --format F [--dbc FILE] INPUT...}: runs the gateway's own event parser
 * over each message of the inputs and prints one JSON object per message: the accepted ones
 * with every field under its policy-language name, the rejected ones with the reason and the
 * position (line and column, 1-based) where the parser found them bad. Then a summary on
 * standard error: messages, accepted, rejected by reason.
 * <p>
 * Messages are lines for the line formats (syslog, cef, leef, json, candump; a CR before the
 * LF is dropped, empty lines are skipped) and whole files for netflow (each INPUT one export
 * datagram, in the order given, so templates come before the data that needs them). INPUT
 * {@code -} reads standard input. JSON documents also show the vehicle telemetry view
 * ({@code vehicle.lat}, {@code vehicle.vin}, ...) when they carry such fields, and
 * {@code vehicle.invalid} naming the first value that failed its check. Bad input is reported, never fatal: the exit status is 0 when
 * every input was read, 1 when one could not be, 2 for a usage mistake. Main thread.
 */
final class ParseCommand
{
    private static final String FORMATS = "syslog, cef, leef, json, netflow, candump";
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    /** How much of a rejected message the output repeats, so one huge bad line cannot flood a terminal. */
    private static final int INPUT_ECHO_LIMIT = 512;

    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();
    /** JSON documents are also read as vehicle telemetry, as the gateway does: {@code vehicle.*} when present. */
    private final TelemetryView telemetry = new TelemetryView();
    private final Map<String, Long> rejectionsByReason = new TreeMap<>();
    private long messages;
    private long accepted;

    private ParseCommand(final PrintStream out)
    {
        this.out = out;
    }

    static int run(final List<String> args, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments = Arguments.parse("parse", args, Set.of("format", "dbc"), Set.of());
        final String formatName = arguments.option("format");
        if (null == formatName)
        {
            throw new Arguments.UsageException("parse: --format is required: one of " + FORMATS);
        }
        final EventFormat format = EventFormat.byKeyword(formatName);
        if (null == format)
        {
            throw new Arguments.UsageException("parse: unknown --format '" + formatName + "': one of " + FORMATS);
        }
        arguments.requiredOperand(0, "INPUT");
        final String dbc = arguments.option("dbc");
        if (null != dbc && EventFormat.CANDUMP != format)
        {
            throw new Arguments.UsageException("parse: --dbc applies to --format candump only");
        }

        final EventParser parser;
        try
        {
            parser = EventParsers.create(format, null == dbc ? null : Path.of(dbc));
        }
        catch (final IOException ex)
        {
            err.println("sluice parse: " + dbc + ": " + ex.getMessage());
            return 1;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("sluice parse: " + ex.getMessage());
            return 1;
        }

        final ParseCommand command = new ParseCommand(out);
        int status = 0;
        for (final String input : arguments.operands())
        {
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment bytes = read(input, arena);
                if (EventFormat.NETFLOW == format)
                {
                    command.parse(parser, input, 0, bytes, 0, (int)bytes.byteSize());
                }
                else
                {
                    command.parseLines(parser, input, bytes);
                }
            }
            catch (final IOException ex)
            {
                err.println("sluice parse: " + input + ": " + ex.getMessage());
                status = 1;
            }
        }
        out.flush();
        err.println(command.summary());
        return status;
    }

    private static MemorySegment read(final String input, final Arena arena) throws IOException
    {
        if ("-".equals(input))
        {
            final InputStream in = System.in;
            return MemorySegment.ofArray(in.readAllBytes());
        }
        final Path path = Path.of(input);
        if (!Files.isRegularFile(path))
        {
            throw new IOException(Files.exists(path) ? "not a regular file" : "no such file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            return channel.size() == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        }
    }

    private void parseLines(final EventParser parser, final String input, final MemorySegment bytes)
    {
        final long size = bytes.byteSize();
        long start = 0;
        long line = 1;
        while (start < size)
        {
            long end = start;
            while (end < size && bytes.get(ValueLayout.JAVA_BYTE, end) != LF)
            {
                end++;
            }
            long contentEnd = end;
            if (contentEnd > start && bytes.get(ValueLayout.JAVA_BYTE, contentEnd - 1) == CR)
            {
                contentEnd--;
            }
            final long length = contentEnd - start;
            if (length > Integer.MAX_VALUE)
            {
                reject(input, line, bytes, start, Integer.MAX_VALUE, "message_too_long", 0);
            }
            else if (length > 0)
            {
                parse(parser, input, line, bytes, start, (int)length);
            }
            start = end + 1;
            line++;
        }
    }

    private void parse(
        final EventParser parser,
        final String input,
        final long line,
        final MemorySegment bytes,
        final long offset,
        final int length)
    {
        messages++;
        if (parser.parse(bytes, offset, length))
        {
            accepted++;
            final FieldCollector fields = new FieldCollector();
            parser.visitFields(fields);
            if (parser instanceof JsonParser document)
            {
                if (!telemetry.wrap(document))
                {
                    fields.text("vehicle.invalid", telemetry.firstInvalidReason());
                }
                telemetry.visitFields(fields);
            }
            final LinkedHashMap<String, Object> record = new LinkedHashMap<>();
            record.put("input", input);
            if (line > 0)
            {
                record.put("line", line);
            }
            record.putAll(fields.fields);
            print(record);
        }
        else
        {
            reject(input, line, bytes, offset, length, parser.rejectReason(), parser.rejectOffset());
        }
    }

    private void reject(
        final String input,
        final long line,
        final MemorySegment bytes,
        final long offset,
        final int length,
        final String reason,
        final int rejectOffset)
    {
        rejectionsByReason.merge(null == reason ? "unknown" : reason, 1L, Long::sum);
        final LinkedHashMap<String, Object> record = new LinkedHashMap<>();
        record.put("input", input);
        if (line > 0)
        {
            record.put("line", line);
        }
        record.put("rejected", reason);
        if (line > 0)
        {
            record.put("column", Math.max(0, rejectOffset) + 1);
        }
        else
        {
            record.put("offset", Math.max(0, rejectOffset));
        }
        final int echoed = Math.min(length, INPUT_ECHO_LIMIT);
        final byte[] echo = new byte[echoed];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, offset, echo, 0, echoed);
        record.put("message", new String(echo, StandardCharsets.UTF_8) + (echoed < length ? "..." : ""));
        print(record);
    }

    private void print(final Map<String, Object> record)
    {
        try
        {
            out.println(json.writeValueAsString(record));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot render a parsed event as JSON", ex);
        }
    }

    private String summary()
    {
        final StringBuilder text = new StringBuilder()
            .append("# messages=").append(messages)
            .append(" accepted=").append(accepted)
            .append(" rejected=").append(messages - accepted);
        rejectionsByReason.forEach((reason, count) -> text.append(" rejected{").append(reason).append("}=").append(count));
        return text.toString();
    }

    /** Gathers fields in order; a name that repeats (a repeated SD parameter) becomes a list of its values. */
    private static final class FieldCollector implements EventFieldVisitor
    {
        private final LinkedHashMap<String, Object> fields = new LinkedHashMap<>();

        @Override
        public void text(final String name, final CharSequence value)
        {
            put(name, value.toString());
        }

        @Override
        public void integer(final String name, final long value)
        {
            put(name, value);
        }

        @Override
        public void decimal(final String name, final double value)
        {
            put(name, Double.isFinite(value) ? value : Double.toString(value));
        }

        @Override
        public void bool(final String name, final boolean value)
        {
            put(name, value);
        }

        @Override
        public void address(final String name, final int version, final long high, final long low)
        {
            put(name, Addresses.format(version, high, low));
        }

        @SuppressWarnings("unchecked")
        private void put(final String name, final Object value)
        {
            final Object previous = fields.get(name);
            if (null == previous)
            {
                fields.put(name, value);
            }
            else if (previous instanceof List<?> list)
            {
                ((List<Object>)list).add(value);
            }
            else
            {
                final List<Object> values = new ArrayList<>();
                values.add(previous);
                values.add(value);
                fields.put(name, values);
            }
        }
    }
}
