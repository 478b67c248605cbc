package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static dev.sluice.dataplane.decode.event.cef.CollectingVisitor.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeefParserTest
{
    private final LeefParser parser = new LeefParser();
    private final EventText text = new EventText(1024);

    private boolean parse(final LeefParser leef, final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final MemorySegment segment = Arena.ofAuto().allocate(bytes.length + 3L).asSlice(3);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return leef.parse(segment, 0, bytes.length);
    }

    private boolean parse(final String message)
    {
        return parse(parser, message);
    }

    private void assertRejected(final String message, final String reason, final int offset)
    {
        assertFalse(parse(message), message);
        assertEquals(reason, parser.rejectReason(), message);
        assertEquals(offset, parser.rejectOffset(), message);
        assertEquals(0, parser.attributeCount());
    }

    private String value(final String key)
    {
        return parser.attribute(key, text) ? text.toString() : null;
    }

    @Test
    void parsesLeef1WithTabs()
    {
        assertTrue(parse("LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\t" +
            "cat=anomaly\tmsg=this is a message = with equals\tusrName=joe.black\n"));
        assertNull(parser.rejectReason());
        assertEquals(1, parser.version());
        assertEquals('\t', parser.delimiterByte(0));
        assertEquals("Microsoft", parser.vendor(text).toString());
        assertEquals("MSExchange", parser.product(text).toString());
        assertEquals("4.0 SP1", parser.productVersion(text).toString());
        assertEquals("15345", parser.eventId(text).toString());
        assertEquals(6, parser.attributeCount());
        assertEquals("this is a message = with equals", value("msg"));
        assertEquals("joe.black", value("usrName"));
        assertNull(value("nothere"));
        assertEquals(4, parser.attributeAddress("dst"));
        assertEquals(0xAC327B01L, parser.address().low());

        final CollectingVisitor fields = CollectingVisitor.of(parser);
        assertEquals("1.0", fields.get("leef.version"));
        assertEquals("Microsoft", fields.get("leef.vendor"));
        assertEquals("MSExchange", fields.get("leef.product"));
        assertEquals("4.0 SP1", fields.get("leef.product_version"));
        assertEquals("15345", fields.get("leef.event_id"));
        assertEquals("\t", fields.get("leef.delimiter"));
        assertEquals(ip("192.0.2.0"), fields.get("leef.src"));
        assertEquals("5", fields.get("leef.sev"));
    }

    @Test
    void leef1WithPipesInsteadOfTabsSplitsAtPipes()
    {
        assertTrue(parse("<111>1 2019-01-18T11:07:53.520+00:00 testhost LEEF:1.0|Palo Alto Networks|PAN-OS Syslog Integration|" +
            "8.1.8|allow|cat=TRAFFIC|ReceiveTime=2020/09/03 09:54:59|src=1.1.1.1|usrName=|TunnelType=N/A"));
        assertEquals('|', parser.delimiterByte(0));
        assertEquals("TRAFFIC", value("cat"));
        assertEquals("2020/09/03 09:54:59", value("ReceiveTime"));
        assertEquals("", value("usrName"));
        assertEquals("N/A", value("TunnelType"));
        assertEquals(4, parser.attributeAddress("src"));
        // With tabs present, a pipe belongs to the value (CyberArk PTA, as Tenzir reads it).
        assertTrue(parse("LEEF:1.0|CyberArk|PTA|14.0|1|Cat=Suspected credentials theft|sev=8|src=src1\tuserName=mike"));
        assertEquals("Suspected credentials theft|sev=8|src=src1", value("Cat"));
        assertEquals("mike", value("userName"));
    }

    @Test
    void leef2Delimiters()
    {
        final String attributes = "src=192.0.2.0^dst=172.50.123.1^usrName=joe.black";
        for (final String field : new String[] {"^", "x5E", "0x5E", "X5e", "0X5E"})
        {
            assertTrue(parse("LEEF:2.0|Lancope|StealthWatch|1.0|41|" + field + "|" + attributes), field);
            assertEquals(2, parser.version());
            assertEquals(1, parser.delimiterLength());
            assertEquals('^', parser.delimiterByte(0), field);
            assertEquals(3, parser.attributeCount(), field);
            assertEquals("joe.black", value("usrName"));
            assertEquals("^", CollectingVisitor.of(parser).get("leef.delimiter"));
        }
        final String tabbed = "src=192.0.2.0\tdst=172.50.123.1\tusrName=joe.black";
        for (final String field : new String[] {"", "x09", "0x09", "\\t", "\t"})
        {
            assertTrue(parse("LEEF:2.0|V|P|1.0|41|" + field + "|" + tabbed), field);
            assertEquals('\t', parser.delimiterByte(0));
            assertEquals(3, parser.attributeCount(), field);
        }
        // Delimiter field left out (sc4s accepts this): tab.
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|" + tabbed));
        assertEquals(3, parser.attributeCount());
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|src=1.2.3.4\tmsg=a|b"));
        assertEquals("a|b", value("msg"));
        assertTrue(parse("LEEF:2.0|PAN|PAN-OS|4.0|$result|x7C|cat=$type|usrName=$admin|src=$host"));
        assertEquals("$admin", value("usrName"));
        // A character beyond ASCII, literal or as hex: its UTF-8 bytes.
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|¦|a=1¦b=2"));
        assertEquals(2, parser.delimiterLength());
        assertEquals("2", value("b"));
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|xA6|a=1¦b=2"));
        assertEquals("1", value("a"));
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|x2502|a=1│b=2"));
        assertEquals(3, parser.delimiterLength());
        assertEquals("2", value("b"));
    }

    @Test
    void attributesEscapesAndEmptyPieces()
    {
        assertTrue(parse("LEEF:2.0|V|P|1.0|41|^|a=1\\^2^^b=^c=x=y^"));
        assertEquals(3, parser.attributeCount());
        assertEquals("1^2", value("a"));
        assertEquals("", value("b"));
        assertEquals("x=y", value("c"));
        assertTrue(parse("LEEF:1.0|Tenzir|Tenzir|4.12|42|key="));
        assertEquals("", value("key"));
        assertTrue(parse("LEEF:1.0|Tenzir|Tenzir|4.12|42|key=yikes\t"));
        assertEquals("yikes", value("key"));
        assertTrue(parse("LEEF:1.0|V|P|1|42|"));
        assertEquals(0, parser.attributeCount());
        assertTrue(parse("LEEF:1.0|V|P|1|42"));
        assertEquals(0, parser.attributeCount());
        assertTrue(parse("LEEF:1|V\\|W|P|1|42|a=b"));
        assertEquals("V|W", parser.vendor(text).toString());
    }

    @Test
    void rejectsWithReasonAndOffset()
    {
        assertRejected("", LeefParser.NOT_LEEF, 0);
        assertRejected("CEF:0|V|P|1|2|N|5|a=b", LeefParser.NOT_LEEF, 0);
        assertRejected("LEEF:3.0|V|P|1|42|a=b", LeefParser.INVALID_VERSION, 5);
        assertRejected("LEEF:1.1|V|P|1|42|a=b", LeefParser.INVALID_VERSION, 5);
        assertRejected("LEEF:1.0|V|P", LeefParser.MISSING_HEADER_FIELD, 12);
        assertRejected("LEEF:1.0|Tenzir|Tenzir|4.12|42|just some random junk", LeefParser.INVALID_EXTENSION, 31);
        assertRejected("LEEF:1.0|V|P|1|42|a=b\t=c", LeefParser.INVALID_EXTENSION, 22);
        assertRejected("LEEF:2.0|V|P|1|42|ab|a=b", LeefParser.INVALID_DELIMITER, 18);
        assertRejected("LEEF:2.0|V|P|1|42|x00|a=b", LeefParser.INVALID_DELIMITER, 18);
        assertRejected("LEEF:2.0|V|P|1|42|=|a=b", LeefParser.INVALID_DELIMITER, 18);
        final LeefParser small = new LeefParser(1);
        assertTrue(parse(small, "LEEF:1.0|V|P|1|42|a=b"));
        assertFalse(parse(small, "LEEF:1.0|V|P|1|42|a=b\tc=d"));
        assertEquals(LeefParser.TOO_MANY_EXTENSIONS, small.rejectReason());
        assertEquals(22, small.rejectOffset());
    }

    @Test
    void findsTheRecordAfterASyslogHeader()
    {
        final String message = "Jun 02 16:34:55 zscaler-nss: LEEF:1.0|Zscaler|NSS-FW|5.5|Drop|usrName=GCL->SBL-1\tsrc=10.11.12.13";
        assertTrue(parse(message));
        assertEquals(message.indexOf("LEEF"), parser.syslogPrefixLength());
        assertEquals("GCL->SBL-1", value("usrName"));
        final CollectingVisitor fields = CollectingVisitor.of(parser);
        assertEquals((long)message.indexOf("LEEF"), fields.get("leef.syslog_prefix_length"));
        assertEquals(ip("10.11.12.13"), fields.get("leef.src"));
    }
}
