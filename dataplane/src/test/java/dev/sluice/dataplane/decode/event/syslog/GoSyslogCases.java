package dev.sluice.dataplane.decode.event.syslog;

import dev.sluice.dataplane.testing.SharedData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * go-syslog's RFC 5424 conformance cases, read in place from the shared data: the inputs and
 * valid flags from {@code rfc5424_cases.jsonl}, and the fields go-syslog expects from the
 * test source itself ({@code rfc5424_machine_test.go.txt}): each {@code testCase} literal's
 * {@code (&SyslogMessage{}).SetX(...)} chain is evaluated (Go string literals, {@code BOM},
 * {@code isoLatin1String}, {@code +}). The case's input literal is evaluated too and paired
 * with the JSON line of the same bytes, so the two files are known to be read in step.
 * <p>
 * Test thread only.
 */
final class GoSyslogCases
{
    static final byte[] BOM = {(byte)0xEF, (byte)0xBB, (byte)0xBF};

    /** The fields go-syslog's {@code SyslogMessage} builder chain sets; null where not set. */
    static final class Expected
    {
        Integer priority;
        Integer version;
        String timestamp;
        String hostname;
        String appname;
        String procId;
        String msgId;
        byte[] message;
        /** Element id to its parameters (name to raw value as written in the Go literal), in order. */
        final Map<String, Map<String, byte[]>> structuredData = new LinkedHashMap<>();
    }

    /** One case: its bytes, go-syslog's verdict, what it expects, and the column of its error. */
    record Case(int index, byte[] input, boolean valid, Expected expected, int errorColumn)
    {
    }

    /** The Go test case literals that the JSON lines leave out, index -1 (filled by {@link #rfc5424()}). */
    static final List<Case> SKIPPED_LITERALS = new ArrayList<>();

    private static final Pattern B64 = Pattern.compile("\"input_b64\": \"([^\"]*)\"");
    private static final Pattern VALID = Pattern.compile("\"valid\": (true|false)");
    private static final Pattern COLUMN = Pattern.compile("(?:ColumnPositionTemplate, (\\d+)\\)|\\[col (\\d+)\\])");

    private GoSyslogCases()
    {
    }

    static Path directory()
    {
        return SharedData.root().resolve("syslog/go-syslog");
    }

    static List<Case> rfc5424() throws IOException
    {
        final List<String> lines = Files.readAllLines(directory().resolve("rfc5424_cases.jsonl"));
        final String source = Files.readString(directory().resolve("rfc5424_machine_test.go.txt"), StandardCharsets.UTF_8);
        final List<String> blocks = new ArrayList<>();
        blocks.addAll(caseBlocks(source, "var testCases = []testCase{"));
        blocks.addAll(caseBlocks(source, "var nonCompliantMsgTestCases = []testCase{"));
        final List<Case> cases = new ArrayList<>();
        SKIPPED_LITERALS.clear();
        int block = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final Matcher b64 = B64.matcher(line);
            final Matcher valid = VALID.matcher(line);
            if (!b64.find() || !valid.find())
            {
                throw new IllegalStateException("unexpected JSON line " + (i + 1) + ": " + line);
            }
            final byte[] input = Base64.getDecoder().decode(b64.group(1));
            // The JSON lines follow the Go literals in order but leave some out: pair each line with the next literal
            // whose evaluated input is the same bytes.
            List<String> elements;
            while (true)
            {
                if (block == blocks.size())
                {
                    throw new IllegalStateException("JSON line " + (i + 1) + " matches no Go test case literal");
                }
                elements = topLevelSplit(blocks.get(block++));
                final byte[] literal = new GoExpression(stripCall(elements.get(0).trim(), "[]byte(")).bytes();
                if (java.util.Arrays.equals(literal, input))
                {
                    break;
                }
                SKIPPED_LITERALS.add(toCase(-1, literal, Boolean.parseBoolean(elements.get(1).trim()), elements));
            }
            cases.add(toCase(i, input, Boolean.parseBoolean(valid.group(1)), elements));
        }
        while (block < blocks.size())
        {
            final List<String> elements = topLevelSplit(blocks.get(block++));
            final byte[] literal = new GoExpression(stripCall(elements.get(0).trim(), "[]byte(")).bytes();
            SKIPPED_LITERALS.add(toCase(-1, literal, Boolean.parseBoolean(elements.get(1).trim()), elements));
        }
        return cases;
    }

    private static Case toCase(final int index, final byte[] input, final boolean valid, final List<String> elements)
    {
        final String value = elements.get(2).trim();
        final Expected expected = "nil".equals(value) ? null : chain(value);
        final Matcher column = COLUMN.matcher(elements.get(3));
        final int errorColumn = column.find() ? Integer.parseInt(null != column.group(1) ? column.group(1) : column.group(2)) : -1;
        return new Case(index, input, valid, expected, errorColumn);
    }

    /** RFC 3164 cases: input and the Base fields, by regular expressions over the struct literals. */
    record Rfc3164Case(byte[] input, int priority, String timestamp, String hostname, String appname, String procId,
        String message)
    {
    }

    static List<Rfc3164Case> rfc3164() throws IOException
    {
        final String source = Files.readString(directory().resolve("rfc3164_machine_test.go.txt"), StandardCharsets.UTF_8);
        final List<Rfc3164Case> cases = new ArrayList<>();
        for (final String block : caseBlocks(source, "var testCases = []testCase{"))
        {
            final List<String> elements = topLevelSplit(block);
            final String input = stripCall(elements.get(0).replaceFirst("^\\s*input:", "").trim(), "[]byte(");
            cases.add(new Rfc3164Case(new GoExpression(input).bytes(),
                Integer.parseInt(group(block, "Priority:\\s*syslogtesting.Uint8Address\\((\\d+)\\)")),
                group(block, "Timestamp:\\s*syslogtesting.TimeParse\\(time.Stamp, \"([^\"]*)\"\\)"),
                stringField(block, "Hostname"), stringField(block, "Appname"), stringField(block, "ProcID"),
                stringField(block, "Message")));
        }
        return cases;
    }

    private static String stringField(final String block, final String name)
    {
        final Matcher matcher = Pattern.compile(name + ":\\s*syslogtesting.StringAddress\\(((?:`[^`]*`)|(?:\"(?:[^\"\\\\]|\\\\.)*\"))\\)")
            .matcher(block);
        return matcher.find() ? new String(new GoExpression(matcher.group(1)).bytes(), StandardCharsets.UTF_8) : null;
    }

    private static String group(final String text, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        if (!matcher.find())
        {
            throw new IllegalStateException("no " + regex + " in " + text);
        }
        return matcher.group(1);
    }

    private static String stripCall(final String text, final String prefix)
    {
        if (!text.startsWith(prefix) || !text.endsWith(")"))
        {
            throw new IllegalStateException("expected " + prefix + "...): " + text);
        }
        return text.substring(prefix.length(), text.length() - 1);
    }

    /** The top-level {@code {...}} blocks of the slice literal that starts with {@code header}. */
    static List<String> caseBlocks(final String source, final String header)
    {
        final int start = source.indexOf(header);
        if (start < 0)
        {
            throw new IllegalStateException("no '" + header + "' in the Go test source");
        }
        final List<String> blocks = new ArrayList<>();
        int depth = 0;
        int blockStart = -1;
        int i = start + header.length();
        while (i < source.length())
        {
            final char c = source.charAt(i);
            if (c == '"' || c == '`')
            {
                i = skipString(source, i);
                continue;
            }
            if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/')
            {
                i = source.indexOf('\n', i);
                continue;
            }
            if (c == '{')
            {
                if (depth == 0)
                {
                    blockStart = i + 1;
                }
                depth++;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return blocks;
                }
                depth--;
                if (depth == 0)
                {
                    blocks.add(source.substring(blockStart, i));
                }
            }
            i++;
        }
        throw new IllegalStateException("unterminated slice literal " + header);
    }

    private static int skipString(final String source, final int start)
    {
        final char quote = source.charAt(start);
        int i = start + 1;
        while (source.charAt(i) != quote)
        {
            if (quote == '"' && source.charAt(i) == '\\')
            {
                i++;
            }
            i++;
        }
        return i + 1;
    }

    /** Splits at commas outside strings, parentheses and braces; drops comments. */
    static List<String> topLevelSplit(final String text)
    {
        final List<String> parts = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        int depth = 0;
        int i = 0;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '`')
            {
                final int end = skipString(text, i);
                current.append(text, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')
            {
                final int newline = text.indexOf('\n', i);
                i = newline < 0 ? text.length() : newline;
                continue;
            }
            if (c == '(' || c == '{' || c == '[')
            {
                depth++;
            }
            else if (c == ')' || c == '}' || c == ']')
            {
                depth--;
            }
            if (c == ',' && depth == 0)
            {
                parts.add(current.toString());
                current.setLength(0);
            }
            else
            {
                current.append(c);
            }
            i++;
        }
        if (!current.toString().isBlank())
        {
            parts.add(current.toString());
        }
        return parts;
    }

    /** Evaluates {@code (&SyslogMessage{}).SetA(...).SetB(...)...}. */
    private static Expected chain(final String text)
    {
        final String prefix = "(&SyslogMessage{})";
        if (!text.startsWith(prefix))
        {
            throw new IllegalStateException("unexpected value expression: " + text);
        }
        final Expected expected = new Expected();
        int i = prefix.length();
        while (i < text.length())
        {
            while (i < text.length() && Character.isWhitespace(text.charAt(i)))
            {
                i++;
            }
            if (i >= text.length())
            {
                break;
            }
            if (text.charAt(i) != '.')
            {
                throw new IllegalStateException("unexpected '" + text.charAt(i) + "' in " + text);
            }
            final int open = text.indexOf('(', i);
            final String method = text.substring(i + 1, open).trim();
            int depth = 0;
            int close = open;
            while (true)
            {
                final char c = text.charAt(close);
                if (c == '"' || c == '`')
                {
                    close = skipString(text, close);
                    continue;
                }
                if (c == '(')
                {
                    depth++;
                }
                else if (c == ')' && --depth == 0)
                {
                    break;
                }
                close++;
            }
            final List<String> args = topLevelSplit(text.substring(open + 1, close));
            apply(expected, method, args);
            i = close + 1;
        }
        return expected;
    }

    private static void apply(final Expected expected, final String method, final List<String> args)
    {
        switch (method)
        {
            case "SetPriority" -> expected.priority = Integer.parseInt(args.get(0).trim());
            case "SetVersion" -> expected.version = Integer.parseInt(args.get(0).trim());
            case "SetTimestamp" -> expected.timestamp = text(args.get(0));
            case "SetHostname" -> expected.hostname = text(args.get(0));
            case "SetAppname" -> expected.appname = text(args.get(0));
            case "SetProcID" -> expected.procId = text(args.get(0));
            case "SetMsgID" -> expected.msgId = text(args.get(0));
            case "SetMessage" -> expected.message = new GoExpression(args.get(0)).bytes();
            case "SetElementID" -> expected.structuredData.computeIfAbsent(text(args.get(0)), k -> new LinkedHashMap<>());
            case "SetParameter" -> expected.structuredData.computeIfAbsent(text(args.get(0)), k -> new LinkedHashMap<>())
                .put(text(args.get(1)), new GoExpression(args.get(2)).bytes());
            default -> throw new IllegalStateException("unknown builder method " + method);
        }
    }

    private static String text(final String expression)
    {
        return new String(new GoExpression(expression).bytes(), StandardCharsets.UTF_8);
    }

    /** A Go string expression: literals ("..." and raw), {@code BOM}, {@code isoLatin1String(...)}, joined by {@code +}. */
    static final class GoExpression
    {
        private final String text;
        private int position;

        GoExpression(final String text)
        {
            this.text = text.trim();
        }

        byte[] bytes()
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            expression(out);
            skipSpaces();
            if (position != text.length())
            {
                throw new IllegalStateException("trailing text in Go expression: " + text.substring(position));
            }
            return out.toByteArray();
        }

        private void skipSpaces()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position)))
            {
                position++;
            }
        }

        private void expression(final ByteArrayOutputStream out)
        {
            term(out);
            skipSpaces();
            while (position < text.length() && text.charAt(position) == '+')
            {
                position++;
                term(out);
                skipSpaces();
            }
        }

        private void term(final ByteArrayOutputStream out)
        {
            skipSpaces();
            final char c = text.charAt(position);
            if (c == '`')
            {
                final int end = text.indexOf('`', position + 1);
                out.writeBytes(text.substring(position + 1, end).getBytes(StandardCharsets.UTF_8));
                position = end + 1;
            }
            else if (c == '"')
            {
                interpreted(out);
            }
            else if (text.startsWith("BOM", position))
            {
                out.writeBytes(BOM);
                position += 3;
            }
            else if (text.startsWith("isoLatin1String(", position))
            {
                position += "isoLatin1String(".length();
                final ByteArrayOutputStream inner = new ByteArrayOutputStream();
                expression(inner);
                skipSpaces();
                if (text.charAt(position) != ')')
                {
                    throw new IllegalStateException("expected ) in " + text);
                }
                position++;
                out.writeBytes(new String(inner.toByteArray(), StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1));
            }
            else
            {
                throw new IllegalStateException("unsupported Go expression at " + text.substring(position));
            }
        }

        private void interpreted(final ByteArrayOutputStream out)
        {
            position++;
            while (true)
            {
                final char c = text.charAt(position);
                if (c == '"')
                {
                    position++;
                    return;
                }
                if (c != '\\')
                {
                    final int codePoint = text.codePointAt(position);
                    out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                    position += Character.charCount(codePoint);
                    continue;
                }
                final char escape = text.charAt(position + 1);
                position += 2;
                switch (escape)
                {
                    case 'x' ->
                    {
                        out.write(Integer.parseInt(text.substring(position, position + 2), 16));
                        position += 2;
                    }
                    case 'u' ->
                    {
                        final int codePoint = Integer.parseInt(text.substring(position, position + 4), 16);
                        out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                        position += 4;
                    }
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'r' -> out.write('\r');
                    case '"' -> out.write('"');
                    case '\\' -> out.write('\\');
                    default -> throw new IllegalStateException("unsupported escape \\" + escape + " in " + text);
                }
            }
        }
    }
}
