package dev.sluice.dataplane.decode.event.syslog;

import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SyslogParser} on hand-written messages: each grammar rule, each reject reason, the
 * lookups and the field names tools see.
 */
class SyslogParserTest
{
    private static final InstantSource JUNE_2026 = InstantSource.fixed(Instant.parse("2026-06-15T12:00:00Z"));

    private final SyslogParser parser = parser(SyslogParser.Mode.AUTO, JUNE_2026);
    private final EventText text = new EventText(1024);

    private static SyslogParser parser(final SyslogParser.Mode mode, final InstantSource clock)
    {
        return new SyslogParser(mode, clock, SyslogParser.DEFAULT_MAX_MESSAGE_LENGTH, SyslogParser.DEFAULT_MAX_SD_ELEMENTS,
            SyslogParser.DEFAULT_MAX_SD_PARAMS);
    }

    private static boolean parse(final SyslogParser parser, final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return parser.parse(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    private String value(final boolean present)
    {
        return present ? text.toString() : null;
    }

    /** Rejected by an RFC5424-mode parser, and by an AUTO one too when the message starts {@code <PRI>VERSION SP}. */
    private void assertRejected(final String message, final String reason, final int offset)
    {
        final SyslogParser strict = parser(SyslogParser.Mode.RFC5424, JUNE_2026);
        assertFalse(parse(strict, message), message);
        assertEquals(reason, strict.rejectReason(), message);
        assertEquals(offset, strict.rejectOffset(), message);
        assertNull(strict.format(), message);
        if (message.matches("(?s)<[0-9]{1,3}>[1-9][0-9]{0,2} .*"))
        {
            assertFalse(parse(parser, message), message);
            assertEquals(reason, parser.rejectReason(), message);
            assertEquals(offset, parser.rejectOffset(), message);
        }
    }

    /** Every field a tool sees, as "name=value" lines. */
    private List<String> fields()
    {
        final List<String> fields = new ArrayList<>();
        parser.visitFields(new EventFieldVisitor()
        {
            public void text(final String name, final CharSequence value)
            {
                fields.add(name + "=" + value);
            }

            public void integer(final String name, final long value)
            {
                fields.add(name + "=" + value);
            }

            public void decimal(final String name, final double value)
            {
                fields.add(name + "=" + value);
            }

            public void bool(final String name, final boolean value)
            {
                fields.add(name + "=" + value);
            }

            public void address(final String name, final int version, final long high, final long low)
            {
                fields.add(name + "=" + low);
            }
        });
        return fields;
    }

    @Test
    void rfc5424WithStructuredDataReportsEveryFieldByPolicyName()
    {
        assertTrue(parse(parser, "<165>1 2003-10-11T22:14:15.003+02:00 host.example app 42 ID7 " +
            "[origin ip=\"192.0.2.1\" ip=\"198.51.100.7\"][meta@32473 q=\"a\\\"b\\\\c\\]d\" empty=\"\"] \uFEFFhello"));
        assertEquals(List.of(
            "syslog.format=rfc5424",
            "syslog.pri=165",
            "syslog.facility=20",
            "syslog.severity=5",
            "syslog.version=1",
            "syslog.timestamp=2003-10-11T22:14:15.003+02:00",
            "syslog.timestamp_ns=" + (Instant.parse("2003-10-11T20:14:15.003Z").toEpochMilli() * 1_000_000L),
            "syslog.hostname=host.example",
            "syslog.appname=app",
            "syslog.procid=42",
            "syslog.msgid=ID7",
            "syslog.sd.origin.ip=192.0.2.1",
            "syslog.sd.origin.ip=198.51.100.7",
            "syslog.sd.meta@32473.q=a\"b\\c]d",
            "syslog.sd.meta@32473.empty=",
            "syslog.msg=hello"), fields());
        assertTrue(parser.msgHasBom());
    }

    @Test
    void structuredDataLookupFindsEachOccurrenceAndResolvesEscapes()
    {
        assertTrue(parse(parser, "<13>1 - - - - - [a x=\"1\"][origin ip=\"192.0.2.1\" other=\"o\" ip=\"198.51.100.7\"] m"));
        assertEquals(2, parser.sdElementCount());
        assertEquals(4, parser.sdParamCount());
        assertTrue(parser.structuredDataValue("origin", "ip", text));
        assertEquals("192.0.2.1", text.toString());
        final int first = parser.sdParamIndex("origin", "ip", 0);
        final int second = parser.sdParamIndex("origin", "ip", first + 1);
        assertEquals(1, first);
        assertEquals(3, second);
        assertEquals(-1, parser.sdParamIndex("origin", "ip", second + 1));
        parser.sdParamValue(second, text);
        assertEquals("198.51.100.7", text.toString());
        assertFalse(parser.structuredDataValue("origin", "x", text));
        assertFalse(parser.structuredDataValue("a", "ip", text));
        assertFalse(parser.structuredDataValue("nope", "x", text));
        assertTrue(parser.structuredDataValue("a", "x", text));
        assertEquals("1", text.toString());

        assertTrue(parse(parser, "<13>1 - - - - - [e v=\"\\\\\\]\\\"\"]"));
        assertTrue(parser.structuredDataValue("e", "v", text));
        assertEquals("\\]\"", text.toString());
    }

    @Test
    void nilValuesAreAbsentFields()
    {
        assertTrue(parse(parser, "<0>1 - - - - - -"));
        assertEquals(List.of("syslog.format=rfc5424", "syslog.pri=0", "syslog.facility=0", "syslog.severity=0",
            "syslog.version=1"), fields());
        assertEquals(-1, parser.hostnameOffset());
        assertEquals(-1, parser.msgOffset());
        assertEquals(SyslogParser.NO_TIMESTAMP_NS, parser.timestampNs());
    }

    @Test
    void offsetsPointIntoTheMessageWhereverItLies()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final byte[] bytes = "xxxx<34>1 2003-10-11T22:14:15Z mymachine su - ID47 - hi".getBytes(StandardCharsets.US_ASCII);
            final MemorySegment segment = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            assertTrue(parser.parse(segment, 4, bytes.length - 4));
            assertEquals(4, parser.messageOffset());
            assertEquals("mymachine", new String(bytes, 4 + parser.hostnameOffset(), parser.hostnameLength(),
                StandardCharsets.US_ASCII));
            assertEquals("hi", new String(bytes, 4 + parser.msgOffset(), parser.msgLength(), StandardCharsets.US_ASCII));
            assertEquals(2, parser.severity());
            assertEquals(4, parser.facility());
        }
    }

    @Test
    void rfc5424RejectsWithReasonAndOffset()
    {
        assertRejected("", SyslogParser.EMPTY_MESSAGE, 0);
        assertRejected("<1>1", SyslogParser.TRUNCATED, 4);
        assertRejected("<1>1 2003-10-11T22:14:15Z", SyslogParser.TRUNCATED, 25);
        assertRejected("<192>1 - - - - - -", SyslogParser.INVALID_PRI, 3);
        assertRejected("<01>1 - - - - - -", SyslogParser.INVALID_PRI, 2);
        assertRejected("<1>1 2003-13-11T22:14:15Z - - - - -", SyslogParser.INVALID_TIMESTAMP, 11);
        assertRejected("<1>1 2003-02-29T22:14:15Z - - - - -", SyslogParser.INVALID_TIMESTAMP, 14);
        assertRejected("<1>1 2003-10-11T22:14:15.1234567Z - - - - -", SyslogParser.INVALID_TIMESTAMP, 31);
        assertRejected("<1>1 2003-10-11T22:14:15 - - - - -", SyslogParser.INVALID_TIMESTAMP, 24);
        assertRejected("<1>1 2003-10-11T22:14:15+0200 - - - - -", SyslogParser.INVALID_TIMESTAMP, 27);
        assertRejected("<1>1 - h\u00e9st - - - -", SyslogParser.INVALID_HOSTNAME, 8);
        assertRejected("<1>1 - - - - " + "m".repeat(33) + " -", SyslogParser.INVALID_MSGID, 45);
        assertRejected("<1>1 - - - - - -x", SyslogParser.INVALID_STRUCTURED_DATA, 16);
        assertRejected("<1>1 - - - - - [a b=\"c\"]x", SyslogParser.INVALID_STRUCTURED_DATA, 24);
        assertRejected("<1>1 - - - - - [a b=\"c", SyslogParser.UNTERMINATED_SD_VALUE, 22);
        assertRejected("<1>1 - - - - - [a b=\"c\\", SyslogParser.UNTERMINATED_SD_VALUE, 23);
        assertRejected("<1>1 - - - - - [a b=\"\\n\"]", SyslogParser.INVALID_SD_ESCAPE, 21);
        assertRejected("<1>1 - - - - - [a b=\"]\"]", SyslogParser.INVALID_SD_VALUE, 21);
        assertRejected("<1>1 - - - - - [a b]", SyslogParser.INVALID_SD_PARAM, 19);
        assertRejected("<1>1 - - - - - [a b=c]", SyslogParser.INVALID_SD_PARAM, 20);
        assertRejected("<1>1 - - - - - [a", SyslogParser.TRUNCATED, 17);
        assertRejected("<1>1 - - - - - [a][b][a]", SyslogParser.DUPLICATE_SD_ID, 22);
    }

    @Test
    void bomMessagesMustBeUtf8()
    {
        final byte[] bad = {'<', '1', '>', '1', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ',
            (byte)0xEF, (byte)0xBB, (byte)0xBF, 'o', 'k', (byte)0xC3};
        assertFalse(parser.parse(MemorySegment.ofArray(bad), 0, bad.length));
        assertEquals(SyslogParser.INVALID_UTF8, parser.rejectReason());
        assertEquals(22, parser.rejectOffset());
        // Without a BOM the message is octets: accepted as it is.
        final byte[] latin1 = {'<', '1', '>', '1', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ', '-', ' ',
            'o', 'k', (byte)0xE9};
        assertTrue(parser.parse(MemorySegment.ofArray(latin1), 0, latin1.length));
        assertEquals(3, parser.msgLength());
        assertFalse(parser.msgHasBom());
    }

    @Test
    void limitsAreReasonsNotExceptions()
    {
        final SyslogParser small = new SyslogParser(SyslogParser.Mode.AUTO, JUNE_2026, 64, 2, 3);
        assertFalse(parse(small, "<1>1 - - - - - - " + "x".repeat(50)));
        assertEquals(SyslogParser.MESSAGE_TOO_LONG, small.rejectReason());
        assertEquals(64, small.rejectOffset());
        assertFalse(parse(small, "<1>1 - - - - - [a][b][c]"));
        assertEquals(SyslogParser.TOO_MANY_SD_ELEMENTS, small.rejectReason());
        assertFalse(parse(small, "<1>1 - - - - - [a p=\"1\" p=\"2\" p=\"3\" p=\"4\"]"));
        assertEquals(SyslogParser.TOO_MANY_SD_PARAMS, small.rejectReason());
        assertTrue(parse(small, "<1>1 - - - - - [a p=\"1\" p=\"2\"][b p=\"3\"]"));

        final byte[] bytes = "<1>1 - - - - - -".getBytes(StandardCharsets.US_ASCII);
        assertFalse(parser.parse(MemorySegment.ofArray(bytes), 4, bytes.length));
        assertEquals(SyslogParser.OUT_OF_BOUNDS, parser.rejectReason());
        assertThrows(IllegalArgumentException.class, () -> new SyslogParser(SyslogParser.Mode.AUTO, JUNE_2026, 0, 1, 1));
    }

    @Test
    void modesChooseTheGrammar()
    {
        final SyslogParser rfc5424 = parser(SyslogParser.Mode.RFC5424, JUNE_2026);
        assertFalse(parse(rfc5424, "Oct 11 22:14:15 host su: x"));
        assertEquals(SyslogParser.MISSING_PRI, rfc5424.rejectReason());
        assertFalse(parse(rfc5424, "<34>Oct 11 22:14:15 host su: x"));
        assertEquals(SyslogParser.INVALID_VERSION, rfc5424.rejectReason());

        final SyslogParser rfc3164 = parser(SyslogParser.Mode.RFC3164, JUNE_2026);
        assertTrue(parse(rfc3164, "<34>1 2003-10-11T22:14:15Z host su - - - x"));
        assertEquals(SyslogFormat.RFC3164, rfc3164.format());
        assertEquals(34, rfc3164.pri());
        assertEquals(0, rfc3164.version());

        // AUTO: a broken RFC 5424 header is rejected, not reread as RFC 3164.
        assertFalse(parse(parser, "<34>1 2003-10-11T22:14:15Z host su - - x"));
        assertEquals(SyslogParser.INVALID_STRUCTURED_DATA, parser.rejectReason());
    }

    private void assert3164(final String message, final String timestamp, final String hostname, final String appname,
        final String procid, final String msg)
    {
        assertTrue(parse(parser, message), message);
        assertEquals(SyslogFormat.RFC3164, parser.format(), message);
        assertEquals(timestamp, value(parser.timestamp(text)), message);
        assertEquals(hostname, value(parser.hostname(text)), message);
        assertEquals(appname, value(parser.appname(text)), message);
        assertEquals(procid, value(parser.procid(text)), message);
        assertEquals(msg, value(parser.msg(text)), message);
    }

    @Test
    void rfc3164AsTheWorldWritesIt()
    {
        assert3164("<34>Oct 11 22:14:15 mymachine su: 'su root' failed", "Oct 11 22:14:15", "mymachine", "su", null,
            "'su root' failed");
        // Missing hostname: the word after the timestamp is the tag.
        assert3164("<34>Oct 11 22:14:15 su: x", "Oct 11 22:14:15", null, "su", null, "x");
        assert3164("<34>Oct 11 22:14:15 sshd[42]: x", "Oct 11 22:14:15", null, "sshd", "42", "x");
        // Tag with pid but no colon.
        assert3164("<34>Oct 11 22:14:15 host sshd[42] x", "Oct 11 22:14:15", "host", "sshd", "42", "x");
        // Missing PRI, year after the time, trailing newline.
        assert3164("Oct 11 22:14:15 2025 host app: x\r\n", "Oct 11 22:14:15 2025", "host", "app", null, "x");
        // Year before the time, fraction, Cisco's colon after the timestamp.
        assert3164("<189>Oct 11 2025 22:14:15.123: host app: x", "Oct 11 2025 22:14:15.123", "host", "app", null, "x");
        // ISO timestamps with offsets, a space instead of T.
        assert3164("<13>2025-10-11T22:14:15.5+02:00 host app[7]: x", "2025-10-11T22:14:15.5+02:00", "host", "app", "7", "x");
        assertEquals(Instant.parse("2025-10-11T20:14:15.5Z").toEpochMilli() * 1_000_000L, parser.timestampNs());
        assert3164("<13>2025-10-11 22:14:15+0130 host x", "2025-10-11 22:14:15+0130", "host", null, null, "x");
        assertEquals(Instant.parse("2025-10-11T20:44:15Z").toEpochMilli() * 1_000_000L, parser.timestampNs());
        // PRI then a space; a malformed PRI is part of the message.
        assert3164("<13> Oct  1 01:02:03 h a: m", "Oct  1 01:02:03", "h", "a", null, "m");
        assert3164("<999>Oct  1 01:02:03 h a: m", null, null, null, null, "<999>Oct  1 01:02:03 h a: m");
        assertEquals(SyslogParser.ABSENT, parser.pri());
        assertEquals(SyslogParser.ABSENT, parser.severity());
        // Bare messages, and a tag at the start of one.
        assert3164("just words", null, null, null, null, "just words");
        assert3164("kernel: oops", null, null, "kernel", null, "oops");
        assert3164("10:52:01 is not a tag", null, null, null, null, "10:52:01 is not a tag");
        assert3164("<13>", null, null, null, null, null);
        assertEquals(13, parser.pri());
        assert3164("<13>x", null, null, null, null, "x");
        assert3164("\n", null, null, null, null, null);
        // Not a timestamp: month name but no time.
        assert3164("<13>Oct 11 host app: x", null, null, null, null, "Oct 11 host app: x");
        assertEquals(List.of("syslog.format=rfc3164", "syslog.pri=13", "syslog.facility=1", "syslog.severity=5",
            "syslog.msg=Oct 11 host app: x"), fields());
    }

    @Test
    void rfc3164YearComesFromTheClockAcrossNewYear()
    {
        final SyslogParser january = parser(SyslogParser.Mode.AUTO, InstantSource.fixed(Instant.parse("2027-01-01T00:00:05Z")));
        assertTrue(parse(january, "Dec 31 23:59:58 h a: m"));
        assertEquals(Instant.parse("2026-12-31T23:59:58Z").toEpochMilli() * 1_000_000L, january.timestampNs());
        assertTrue(parse(january, "Jan  1 00:00:01 h a: m"));
        assertEquals(Instant.parse("2027-01-01T00:00:01Z").toEpochMilli() * 1_000_000L, january.timestampNs());

        final SyslogParser december = parser(SyslogParser.Mode.AUTO, InstantSource.fixed(Instant.parse("2026-12-31T23:59:59Z")));
        assertTrue(parse(december, "Jan  1 00:00:01 h a: m"));
        assertEquals(Instant.parse("2027-01-01T00:00:01Z").toEpochMilli() * 1_000_000L, december.timestampNs());

        // Feb 29 in a year that has none: the text is kept, no instant.
        assertTrue(parse(parser, "Feb 29 12:00:00 h a: m"));
        assertEquals("Feb 29 12:00:00", value(parser.timestamp(text)));
        assertEquals(SyslogParser.NO_TIMESTAMP_NS, parser.timestampNs());
    }

    @Test
    void timestampsOutsideTheRangeOfEpochNanosKeepTheirText()
    {
        assertTrue(parse(parser, "<1>1 0001-01-01T00:00:00Z - - - - -"));
        assertEquals("0001-01-01T00:00:00Z", value(parser.timestamp(text)));
        assertEquals(SyslogParser.NO_TIMESTAMP_NS, parser.timestampNs());
        assertTrue(parse(parser, "<1>1 2000-02-29T23:59:59.999999-23:59 - - - - -"));
        assertEquals(Instant.parse("2000-03-01T23:58:59.999999Z").getEpochSecond() * 1_000_000_000L + 999_999_000L,
            parser.timestampNs());
    }

    @Test
    void headersLongerThanTheCopiedWindowParseTheSame()
    {
        final String value = "v".repeat(MessageBytes.WINDOW_BYTES + 100);
        assertTrue(parse(parser, "<13>1 - - - - - [a k=\"" + value + "\"][b k=\"\\]\"] tail"));
        assertTrue(parser.structuredDataValue("a", "k", new EventText(4096)));
        assertTrue(parser.structuredDataValue("b", "k", text));
        assertEquals("]", text.toString());
        assertEquals("tail", value(parser.msg(text)));
        assertFalse(parse(parser, "<13>1 - - - - - [a k=\"" + value + "]\"]"));
        assertEquals(SyslogParser.INVALID_SD_VALUE, parser.rejectReason());
        assertEquals(22 + value.length(), parser.rejectOffset());
    }

    @Test
    void visitsNothingAfterARejection()
    {
        assertFalse(parse(parser, "<1>1 -"));
        assertEquals(List.of(), fields());
    }
}
