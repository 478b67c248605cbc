package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventParser;
import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sluice.dataplane.decode.event.cef.CollectingVisitor.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CEF and LEEF samples in {@code ../shared/data/cef_leef} (see its SOURCES.md): Splunk Connect for
 * Syslog's vendor messages (CEF and LEEF 1.0/2.0 behind RFC 3164/5424 headers) and Tenzir's LEEF
 * inputs. Every sample is parsed; where the data's owners wrote down what they expect (Tenzir's
 * reference outputs; sc4s's delimiter rules in leef.md) the fields must match, and every sc4s CEF
 * message is compared field by field with a deliberately naive reference reading of the same text
 * (split the header at unescaped pipes, find keys with a regular expression). A summary per file is printed.
 */
class CefLeefConformanceTest
{
    private static final Pattern SOURCE_FILE = Pattern.compile("\"source_file\": \"([^\"]+)\"");
    /** A key starts after a space (or the extension's start) and ends at an unescaped '='. */
    private static final Pattern REFERENCE_KEY = Pattern.compile("(?:^| )([A-Za-z0-9_.\\[\\]-]+)=");

    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();
    private final EventText text = new EventText(8192);
    private final Map<String, int[]> summary = new TreeMap<>();

    @Test
    void sc4sCefSamples() throws IOException
    {
        final Path directory = SharedData.root().resolve("cef_leef/sc4s");
        final List<String> lines = lines(directory.resolve("sc4s_cef_rendered.txt"));
        final List<String> sources = sourceFiles(directory.resolve("sc4s_cef_samples.json"));
        assertEquals(56, lines.size());
        assertEquals(lines.size(), sources.size());
        int withPrefix = 0;
        for (int n = 0; n < lines.size(); n++)
        {
            final String line = lines.get(n);
            final String where = sources.get(n) + " (line " + (n + 1) + " of sc4s_cef_rendered.txt): " + line;
            assertTrue(parse(cef, line), () -> where + " rejected: " + cef.rejectReason() + " at " + cef.rejectOffset());
            final int marker = referenceMarker(line, "CEF:");
            assertEquals(marker, cef.syslogPrefixLength(), where);
            withPrefix += marker > 0 ? 1 : 0;
            final CollectingVisitor fields = CollectingVisitor.of(cef);
            compareWithReference(line.substring(marker), fields, where);
            count("sc4s/sc4s_cef_rendered.txt <- " + sources.get(n), true, fields.names.size());
        }
        System.out.println("sc4s CEF: " + lines.size() + " messages, " + withPrefix + " behind a syslog header");

        // sc4s routes CEF by device_vendor + device_product; spot checks of what its tests route on.
        assertTrue(parse(cef, lines.get(0)));
        assertEquals("A10", cef.deviceVendor(text).toString());
        assertEquals("vThunder", cef.deviceProduct(text).toString());
        assertTrue(cef.extension("msg", text));
        assertEquals("New session created: Id=1", text.toString());
        printSummary();
    }

    @Test
    void sc4sLeefSamples() throws IOException
    {
        final Path directory = SharedData.root().resolve("cef_leef/sc4s");
        final List<String> lines = lines(directory.resolve("sc4s_leef_rendered.txt"));
        final List<String> sources = sourceFiles(directory.resolve("sc4s_leef_samples.json"));
        assertEquals(19, lines.size());
        for (int n = 0; n < lines.size(); n++)
        {
            final String line = lines.get(n);
            final String where = sources.get(n) + " (line " + (n + 1) + "): " + line;
            assertTrue(parse(leef, line), () -> where + " rejected: " + leef.rejectReason() + " at " + leef.rejectOffset());
            assertEquals(referenceMarker(line, "LEEF:"), leef.syslogPrefixLength(), where);
            assertEquals("Vendor".equals(header(LeefParser.VENDOR)) ? "Product" : "PAN-OS Syslog Integration",
                header(LeefParser.PRODUCT), where);
            // leef.md: ^, 0x5E and x5E name the same separator; an empty or missing field means tab.
            final int headerEnd = line.indexOf("|EventID|") + "|EventID|".length();
            final char expectedDelimiter;
            if (line.contains("LEEF:1.0"))
            {
                expectedDelimiter = line.contains("Palo Alto") ? '|' : '\t';
            }
            else
            {
                expectedDelimiter = line.startsWith("^|", headerEnd) || line.startsWith("0x5E|", headerEnd) ||
                    line.startsWith("x5E|", headerEnd) ? '^' : '\t';
            }
            assertEquals(expectedDelimiter, (char)leef.delimiterByte(0), where);
            final CollectingVisitor fields = CollectingVisitor.of(leef);
            if (line.contains("Palo Alto"))
            {
                assertEquals(58, leef.attributeCount(), where);
                assertEquals("Sep 03 2020 14:54:59 GMT", fields.get("leef.devTime"));
                assertEquals(ip("1.1.1.1"), fields.get("leef.src"));
                // The sc4s template string ends in a stray quote, rendered as part of the message.
                assertEquals("N/A'", fields.get("leef.TunnelType"));
            }
            else
            {
                assertTrue(leef.attributeCount() >= 7 && leef.attributeCount() <= 9, where);
                assertEquals(ip("172.50.123.1"), fields.get("leef.dst"), where);
                assertEquals("joe.black", fields.get("leef.usrName"), where);
                assertEquals("81", fields.get("leef.srcPort"), where);
                assertEquals("anomaly", fields.get("leef.cat"), where);
            }
            count("sc4s/sc4s_leef_rendered.txt <- " + sources.get(n), true, fields.names.size());
        }
        assertTrue(parse(leef, lines.get(lines.size() - 1)));
        assertTrue(leef.attribute("devTimeFormat", text));
        assertEquals("MMM dd yyyy HH:mm:ss.SSS z", text.toString());
        printSummary();
    }

    /**
     * Tenzir's expectations: tenzir/tenzir, tenzir/integration/data/reference/leef/test_parse_leef/step_00.ref
     * and step_01.ref, test_parse_leef_over_syslog/step_02.ref (commits in ../shared/data/cef_leef/SOURCES.md).
     */
    @Test
    void tenzirLeefSamples() throws IOException
    {
        final Path directory = SharedData.root().resolve("cef_leef/tenzir");
        final List<String> leef1 = lines(directory.resolve("leef1.log"));
        assertEquals(5, leef1.size());

        assertTrue(parse(leef, leef1.get(0)));
        CollectingVisitor fields = CollectingVisitor.of(leef);
        assertEquals("1.0", fields.get("leef.version"));
        assertEquals("CyberArk", fields.get("leef.vendor"));
        assertEquals("PTA", fields.get("leef.product"));
        assertEquals("14.0", fields.get("leef.product_version"));
        assertEquals("1", fields.get("leef.event_id"));
        assertEquals(14, leef.attributeCount());
        assertEquals("Suspected credentials theft|sev=8|src=src1", fields.get("leef.Cat"));
        assertEquals("mike", fields.get("leef.userName"));
        assertEquals(ip("192.168.0.1"), fields.get("leef.dst"));
        assertEquals("1388577600000", fields.get("leef.devTime"));
        assertEquals("https://1.1.1.1/incidents/52b06812ec3500ed864c461e", fields.get("leef.PTALink"));
        assertEquals("mike2", fields.get("leef.suser"));
        assertEquals("None", fields.get("leef.ExternalLink"));
        count("tenzir/leef1.log", true, fields.names.size());

        // Tenzir: "failed to parse LEEF attributes" for the junk line.
        assertFalse(parse(leef, leef1.get(1)));
        assertEquals(LeefParser.INVALID_EXTENSION, leef.rejectReason());
        assertEquals(leef1.get(1).indexOf("just"), leef.rejectOffset());
        count("tenzir/leef1.log", false, 0);

        assertTrue(parse(leef, leef1.get(2)));
        assertEquals("", CollectingVisitor.of(leef).get("leef.key"));
        count("tenzir/leef1.log", true, 1);
        assertTrue(parse(leef, leef1.get(3)));
        assertEquals("trailing tab next", CollectingVisitor.of(leef).get("leef.key"));
        count("tenzir/leef1.log", true, 1);
        // Tenzir rejects "key=yikes<TAB>"; a trailing delimiter is an empty attribute to us, skipped as
        // QRadar-bound senders commonly end with one.
        assertTrue(parse(leef, leef1.get(4)));
        assertEquals("yikes", CollectingVisitor.of(leef).get("leef.key"));
        assertEquals(1, leef.attributeCount());
        count("tenzir/leef1.log", true, 1);

        final List<String> leef2 = lines(directory.resolve("leef2.log"));
        assertEquals(3, leef2.size());
        final int[] attributeCounts = {8, 21, 21};
        final String[] productVersions = {"4.0", "$sender_sw_version", "$sender_sw_version"};
        for (int n = 0; n < leef2.size(); n++)
        {
            assertTrue(parse(leef, leef2.get(n)), leef2.get(n));
            fields = CollectingVisitor.of(leef);
            assertEquals("2.0", fields.get("leef.version"));
            assertEquals("Palo Alto Networks", fields.get("leef.vendor"));
            assertEquals("PAN-OS Syslog Integration", fields.get("leef.product"));
            assertEquals(productVersions[n], fields.get("leef.product_version"));
            assertEquals("|", fields.get("leef.delimiter"));
            assertEquals(attributeCounts[n], leef.attributeCount());
            assertEquals("$type", fields.get("leef.cat"));
            assertEquals("$admin", fields.get("leef.usrName"));
            assertEquals("$cef-formatted-receive_time", fields.get("leef.devTime"));
            assertEquals("$cmd", fields.get("leef.msg"));
            count("tenzir/leef2.log", true, fields.names.size());
        }
        assertTrue(parse(leef, leef2.get(2)));
        assertTrue(leef.attribute("DeviceSN", text));
        assertEquals("$serial", text.toString());
        assertTrue(leef.attribute("DeviceName", text));
        assertEquals("$device_name", text.toString());

        final List<String> zscaler = lines(directory.resolve("zscaler-nss.log"));
        assertEquals(1, zscaler.size());
        assertTrue(parse(leef, zscaler.get(0)));
        assertEquals("Jun 02 16:34:55 zscaler-nss: ".length(), leef.syslogPrefixLength());
        fields = CollectingVisitor.of(leef);
        assertEquals("Zscaler", fields.get("leef.vendor"));
        assertEquals("NSS-FW", fields.get("leef.product"));
        assertEquals("5.5", fields.get("leef.product_version"));
        assertEquals("Drop", fields.get("leef.event_id"));
        assertEquals(34, leef.attributeCount());
        final Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("leef.usrName", "GCL->SBL-1");
        expected.put("leef.role", "Default Department");
        expected.put("leef.src", ip("10.11.12.13"));
        expected.put("leef.dst", ip("10.66.69.21"));
        expected.put("leef.srcPort", "30513");
        expected.put("leef.dstPostNAT", ip("10.17.15.14"));
        expected.put("leef.tsip", ip("10.66.54.105"));
        expected.put("leef.ttype", "GRE");
        expected.put("leef.ipcat", "Miscellaneous or Unknown");
        expected.put("leef.destcountry", "United States");
        expected.put("leef.rulelabel", "Firewall_Adult");
        expected.put("leef.numsessions", "1");
        expected.forEach((name, value) -> assertEquals(value, CollectingVisitor.of(leef).get(name), name));
        count("tenzir/zscaler-nss.log", true, fields.names.size());
        printSummary();
    }

    /**
     * The naive reading: header = the first seven pipe-separated fields; keys = words followed by '='
     * after a space; a value = the text up to the next key, trailing spaces dropped, escapes resolved.
     */
    private static void compareWithReference(final String record, final CollectingVisitor fields, final String where)
    {
        final List<String> header = new ArrayList<>();
        int start = "CEF:".length();
        int i = start;
        while (header.size() < 7 && i <= record.length())
        {
            if (i == record.length() || (record.charAt(i) == '|' && record.charAt(i - 1) != '\\'))
            {
                header.add(record.substring(start, i).replace("\\|", "|").replace("\\\\", "\\"));
                start = i + 1;
            }
            i++;
        }
        assertEquals(7, header.size(), where);
        assertEquals(Long.parseLong(header.get(0).trim()), fields.get("cef.version"), where);
        assertEquals(header.get(1), fields.get("cef.device_vendor"), where);
        assertEquals(header.get(2), fields.get("cef.device_product"), where);
        assertEquals(header.get(3), fields.get("cef.device_version"), where);
        assertEquals(header.get(4), fields.get("cef.signature_id"), where);
        assertEquals(header.get(5), fields.get("cef.name"), where);
        final Object severity = fields.get("cef.severity");
        assertEquals(header.get(6), severity instanceof Long ? severity.toString() : severity, where);

        final String extension = start < record.length() ? record.substring(start).stripLeading() : "";
        final List<String> keys = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        final Matcher matcher = REFERENCE_KEY.matcher(extension);
        int valueStart = -1;
        while (matcher.find())
        {
            if (valueStart >= 0 && matcher.start() < valueStart)
            {
                continue;
            }
            if (valueStart >= 0)
            {
                values.add(referenceValue(extension.substring(valueStart, matcher.start())));
            }
            keys.add(matcher.group(1));
            valueStart = matcher.end();
        }
        if (valueStart >= 0)
        {
            values.add(referenceValue(extension.substring(valueStart)));
        }
        final List<String> visitedKeys = new ArrayList<>();
        for (final String name : fields.names)
        {
            if (!name.startsWith("cef.") || name.equals("cef.syslog_prefix_length") || name.equals("cef.severity_level"))
            {
                continue;
            }
            visitedKeys.add(name.substring(4));
        }
        visitedKeys.subList(0, 7).clear();
        assertEquals(keys, visitedKeys, where);
        for (int k = 0; k < keys.size(); k++)
        {
            final Object value = fields.get("cef." + keys.get(k));
            if (keys.indexOf(keys.get(k)) != k)
            {
                continue;
            }
            final String expected = values.get(k);
            if (value instanceof java.net.InetAddress address)
            {
                assertEquals(ip(expected), address, where + " " + keys.get(k));
            }
            else
            {
                assertEquals(expected, value, where + " " + keys.get(k));
            }
        }
    }

    private static String referenceValue(final String raw)
    {
        final String trimmed = raw.stripTrailing();
        final StringBuilder value = new StringBuilder();
        for (int i = 0; i < trimmed.length(); i++)
        {
            final char c = trimmed.charAt(i);
            if (c == '\\' && i + 1 < trimmed.length() && "\\=|nr".indexOf(trimmed.charAt(i + 1)) >= 0)
            {
                final char next = trimmed.charAt(++i);
                value.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            }
            else
            {
                value.append(c);
            }
        }
        return value.toString();
    }

    private static int referenceMarker(final String line, final String marker)
    {
        final int at = line.indexOf(marker);
        return at >= 0 ? at : line.indexOf(marker.substring(0, marker.length() - 1) + ": ");
    }

    private String header(final int field)
    {
        return leef.header(field, text).toString();
    }

    private static boolean parse(final EventParser parser, final String line)
    {
        final byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        final MemorySegment segment = Arena.ofAuto().allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        final boolean accepted = parser.parse(segment, 0, bytes.length);
        if (accepted)
        {
            assertNull(parser.rejectReason());
        }
        return accepted;
    }

    private static List<String> lines(final Path file) throws IOException
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    private static List<String> sourceFiles(final Path json) throws IOException
    {
        final List<String> sources = new ArrayList<>();
        final Matcher matcher = SOURCE_FILE.matcher(Files.readString(json));
        while (matcher.find())
        {
            sources.add(matcher.group(1));
        }
        return sources;
    }

    private void count(final String file, final boolean accepted, final int fieldCount)
    {
        final int[] counts = summary.computeIfAbsent(file, k -> new int[3]);
        counts[accepted ? 0 : 1]++;
        counts[2] += fieldCount;
    }

    private void printSummary()
    {
        summary.forEach((file, counts) -> System.out.printf("conformance %-60s parsed %3d rejected %d fields %4d%n",
            file, counts[0], counts[1], counts[2]));
    }
}
