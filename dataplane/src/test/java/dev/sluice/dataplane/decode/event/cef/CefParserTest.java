package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static dev.sluice.dataplane.decode.event.cef.CollectingVisitor.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CefParserTest
{
    private final CefParser parser = new CefParser();
    private final EventText text = new EventText(1024);

    private boolean parse(final CefParser cef, final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        // Off-heap and at the very end of its memory, as a ring record is: a read past the message would throw.
        final MemorySegment segment = Arena.ofAuto().allocate(bytes.length + 7L).asSlice(7);
        MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        return cef.parse(segment, 0, bytes.length);
    }

    private boolean parse(final String message)
    {
        return parse(parser, message);
    }

    private void assertRejected(final CefParser cef, final String message, final String reason, final int offset)
    {
        assertFalse(parse(cef, message), message);
        assertEquals(reason, cef.rejectReason(), message);
        assertEquals(offset, cef.rejectOffset(), message);
        assertEquals(0, cef.extensionCount());
    }

    @Test
    void parsesTheSpecificationExample()
    {
        assertTrue(parse("CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232"));
        assertNull(parser.rejectReason());
        assertEquals(-1, parser.rejectOffset());
        assertEquals(0, parser.syslogPrefixLength());
        assertEquals(0, parser.version());
        assertEquals(10, parser.severity());
        assertEquals(CefParser.LEVEL_VERY_HIGH, parser.severityLevel());
        assertEquals("Security", parser.deviceVendor(text).toString());
        assertEquals("threatmanager", parser.deviceProduct(text).toString());
        assertEquals("1.0", parser.deviceVersion(text).toString());
        assertEquals("100", parser.signatureId(text).toString());
        assertEquals("worm successfully stopped", parser.name(text).toString());
        assertEquals(3, parser.extensionCount());
        assertTrue(parser.extension("spt", text));
        assertTrue(text.contentEquals("1232"));
        assertFalse(parser.extension("dpt", text));
        assertEquals(0, text.length());
        assertEquals(4, parser.extensionAddress("dst"));
        assertEquals(0x02010202L, parser.address().low());
        assertEquals(0, parser.extensionAddress("spt"));

        final CollectingVisitor fields = CollectingVisitor.of(parser);
        assertEquals(0L, fields.get("cef.version"));
        assertEquals("Security", fields.get("cef.device_vendor"));
        assertEquals("threatmanager", fields.get("cef.device_product"));
        assertEquals("1.0", fields.get("cef.device_version"));
        assertEquals("100", fields.get("cef.signature_id"));
        assertEquals("worm successfully stopped", fields.get("cef.name"));
        assertEquals(10L, fields.get("cef.severity"));
        assertEquals("Very-High", fields.get("cef.severity_level"));
        assertEquals(ip("10.0.0.1"), fields.get("cef.src"));
        assertEquals(ip("2.1.2.2"), fields.get("cef.dst"));
        assertEquals("1232", fields.get("cef.spt"));
        assertFalse(fields.fields.containsKey("cef.syslog_prefix_length"));
    }

    @Test
    void resolvesHeaderEscapes()
    {
        assertTrue(parse("CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1"));
        assertEquals("detected a | in message", parser.name(text).toString());
        assertTrue(parse("CEF:0|security|threatmanager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1"));
        assertEquals("detected a \\ in packet", parser.name(text).toString());
        assertTrue(parser.extension("act", text) || true);
    }

    @Test
    void valuesRunUntilTheNextKeyAndResolveEscapes()
    {
        assertTrue(parse("CEF:0|security|threatmanager|1.0|100|detected|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1 " +
            "msg=Detected a threat.\\n No action needed. fileHash=a\\=b c\\\\d cs1Label=Policy Name cs1=Default Policy"));
        assertTrue(parser.extension("act", text));
        assertEquals("blocked a |", text.toString());
        assertTrue(parser.extension("msg", text));
        assertEquals("Detected a threat.\n No action needed.", text.toString());
        assertTrue(parser.extension("fileHash", text));
        assertEquals("a=b c\\d", text.toString());
        assertTrue(parser.extension("cs1Label", text));
        assertEquals("Policy Name", text.toString());
        assertTrue(parser.extension("cs1", text));
        assertEquals("Default Policy", text.toString());
        assertEquals(7, parser.extensionCount());
    }

    @Test
    void emptyAndSpacedValues()
    {
        assertTrue(parse("CEF:0|V|P|1|7|Logon|5|act=\"Logon\" fname= dvc= shost=10.0.0.10 cn2=  msg=\r\n"));
        assertTrue(parser.extension("fname", text));
        assertEquals("", text.toString());
        assertTrue(parser.extension("cn2", text));
        assertEquals("", text.toString());
        assertTrue(parser.extension("msg", text));
        assertEquals("", text.toString());
        assertTrue(parser.extension("act", text));
        assertEquals("\"Logon\"", text.toString());
        assertTrue(parse("CEF:0|V|P|1|7|N|5|dst=0.0.0.0  dpt=3500"));
        assertEquals(4, parser.extensionAddress("dst"));
        assertTrue(parse("CEF:0|V|P|1|7|N|5| cs6Label=x cs6=Weak"));
        assertEquals(2, parser.extensionCount());
        assertTrue(parse("CEF:0|V|P|1|7|N|5|"));
        assertEquals(0, parser.extensionCount());
        assertTrue(parse("CEF:0|V|P|1|7|N|5"));
        assertEquals(0, parser.extensionCount());
        assertEquals(5, parser.severity());
    }

    @Test
    void lenientModeKeepsWhatProducersSend()
    {
        assertTrue(parse("CEF:0|Trend Micro|Deep Security Agent|x|4000000|Eicar|6|filePath=C:\\Users\\trend\\eicar.exe act=Delete"));
        assertTrue(parser.extension("filePath", text));
        assertEquals("C:\\Users\\trend\\eicar.exe", text.toString());
        assertTrue(parse("CEF:0|V|P|1|1|N|5|externalId=$account_idcat=$category dvc=x"));
        assertTrue(parser.extension("externalId", text));
        assertEquals("$account_idcat=$category", text.toString());
        assertTrue(parse("CEF: 0|Trend Micro|DSA|1|2|N|None|a=b"));
        assertEquals(-1, parser.severity());
        assertEquals(CefParser.LEVEL_UNRECOGNIZED, parser.severityLevel());
        assertEquals("None", CollectingVisitor.of(parser).get("cef.severity"));
        assertTrue(parse("CEF:0|V|P|1|2|N|Very-High|a=b"));
        assertEquals(CefParser.LEVEL_VERY_HIGH, parser.severityLevel());
        assertTrue(parse("CEF:0|V|P|1|2|N|unknown|a=b"));
        assertEquals(CefParser.LEVEL_UNKNOWN, parser.severityLevel());
        assertTrue(parse("CEF:0|V|P|1|2|N|25|a=b"));
        assertEquals(-1, parser.severity());
        assertTrue(parse("CEF:0|V|P|1|2|N|7|a=b\\"));
        assertTrue(parser.extension("a", text));
        assertEquals("b\\", text.toString());
    }

    @Test
    void strictModeRejectsWhatTheSpecificationForbids()
    {
        final CefParser strict = new CefParser(CefParser.DEFAULT_MAX_EXTENSIONS, true);
        assertTrue(parse(strict, "CEF:0|V|P|1|2|N|High|a=b\\=c\\\\d\\n"));
        assertEquals(CefParser.LEVEL_HIGH, strict.severityLevel());
        assertRejected(strict, "CEF:0|V|P|1|2|N|25|a=b", CefParser.INVALID_SEVERITY, 16);
        assertRejected(strict, "CEF:0|V|P|1|2|N|None|a=b", CefParser.INVALID_SEVERITY, 16);
        assertRejected(strict, "CEF:0|V|P|1|2|N|5|a=C:\\Users", CefParser.BAD_ESCAPE, 22);
        assertRejected(strict, "CEF:0|V|P|1|2|N|5|a=b\\", CefParser.BAD_ESCAPE, 21);
        assertRejected(strict, "CEF:0|V\\x|P|1|2|N|5|a=b", CefParser.BAD_ESCAPE, 7);
        assertRejected(strict, "CEF:0|V|P|1|2|N|5|a=b=c", CefParser.INVALID_EXTENSION, 21);
    }

    @Test
    void rejectsWithReasonAndOffset()
    {
        assertRejected(parser, "", CefParser.NOT_CEF, 0);
        assertRejected(parser, "hello world", CefParser.NOT_CEF, 0);
        assertRejected(parser, "<13>Jan 18 11:07:53 host LEEF:1.0|a|b|c|d|", CefParser.NOT_CEF, 0);
        assertRejected(parser, "CEF:", CefParser.NOT_CEF, 0);
        assertRejected(parser, "CEF:0", CefParser.MISSING_HEADER_FIELD, 5);
        assertRejected(parser, "CEF:0x|V|P|1|2|N|5|", CefParser.INVALID_VERSION, 5);
        assertRejected(parser, "CEF:1000|V|P|1|2|N|5|", CefParser.INVALID_VERSION, 7);
        assertRejected(parser, "CEF:0|V|P|1|2", CefParser.MISSING_HEADER_FIELD, 13);
        assertRejected(parser, "CEF:0|V|P|1|2|N", CefParser.MISSING_HEADER_FIELD, 15);
        assertRejected(parser, "CEF:0|V|P|1|2|N|5|just text", CefParser.INVALID_EXTENSION, 22);
        assertRejected(parser, "CEF:0|V|P|1|2|N|5|=x", CefParser.INVALID_EXTENSION, 18);
        assertRejected(parser, "CEF:0|V|P|1|2|N|5|key", CefParser.INVALID_EXTENSION, 18);
        final CefParser small = new CefParser(2, false);
        assertTrue(parse(small, "CEF:0|V|P|1|2|N|5|a=1 b=2"));
        assertRejected(small, "CEF:0|V|P|1|2|N|5|a=1 b=2 c=3", CefParser.TOO_MANY_EXTENSIONS, 26);
        // A rejection leaves nothing to visit.
        final CollectingVisitor none = CollectingVisitor.of(small);
        assertTrue(none.names.isEmpty());
    }

    @Test
    void findsTheRecordAfterASyslogHeader()
    {
        final String[] prefixes = {
            "<111> ", "<111>", "Jan 18 11:07:53 testhost-abcde: ", "<111>1 2019-01-18T11:07:53.520+00:00Z testhost-abcde ",
            "<111>fenotify-1590500.warning: ", "<111> Jan 18 11:07:53 SOMEHOST Arbor-Enterprise-Manager 86680 AEM ",
            "<111>cef[24366]: "};
        for (final String prefix : prefixes)
        {
            assertTrue(parse(prefix + "CEF:0|V|P|1|2|N|5|src=2001:db8::5 suser=admin"), prefix);
            assertEquals(prefix.length(), parser.syslogPrefixLength(), prefix);
            assertEquals(6, parser.extensionAddress("src"));
            assertEquals(0x20010db800000000L, parser.address().high());
            assertEquals(5L, parser.address().low());
            final CollectingVisitor fields = CollectingVisitor.of(parser);
            assertEquals((long)prefix.length(), fields.get("cef.syslog_prefix_length"));
            assertEquals(ip("2001:db8::5"), fields.get("cef.src"));
            assertEquals("admin", fields.get("cef.suser"));
        }
        // The marker must start a word and be followed by a version.
        assertRejected(parser, "<13>xCEF:0|V|P|1|2|N|5|", CefParser.NOT_CEF, 0);
        assertTrue(parse("<13>host CEF:x CEF:0|V|P|1|2|N|5|"));
        assertEquals(15, parser.syslogPrefixLength());
        assertRejected(parser, " ".repeat(CefParser.MAX_SYSLOG_PREFIX_BYTES + 1) + "CEF:0|V|P|1|2|N|5|", CefParser.NOT_CEF, 0);
    }

    @Test
    void exposesRawRangesAndEveryPair()
    {
        final String message = "<1>CEF:0|V|P|1|2|N|5|cs1=a cs1Label=Label One cs1=again";
        assertTrue(parse(message));
        assertEquals(7, parser.headerOffset(CefParser.VERSION));
        assertEquals(1, parser.headerLength(CefParser.VERSION));
        assertEquals(message.indexOf('N'), parser.headerOffset(CefParser.NAME));
        assertEquals(message.indexOf("cs1"), parser.extensionOffset());
        assertEquals(3, parser.extensionCount());
        assertEquals(message.indexOf("Label One"), parser.extensionValueOffset(1));
        assertEquals(9, parser.extensionValueLength(1));
        assertEquals("cs1Label", parser.extensionKey(1, text).toString());
        assertEquals(0, parser.findExtension("cs1"));
        assertTrue(parser.extension("cs1", text));
        assertEquals("a", text.toString());
        final CollectingVisitor fields = CollectingVisitor.of(parser);
        assertEquals("a", fields.get("cef.cs1"));
        assertEquals("Label One", fields.get("cef.cs1Label"));
        assertEquals(2, fields.names.stream().filter("cef.cs1"::equals).count());
    }
}
