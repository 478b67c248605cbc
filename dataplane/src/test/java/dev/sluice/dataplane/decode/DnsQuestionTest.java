package dev.sluice.dataplane.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static dev.sluice.dataplane.testing.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first-question reader on messages the golden packets do not cover: compression pointers and their limits. */
class DnsQuestionTest
{
    private static final String HEADER = "1234 0100 0001 0000 0000 0000";

    private final DnsQuestion question = new DnsQuestion();
    private final byte[] sink = new byte[DnsQuestion.MAX_NAME_CHARS];

    @Test
    void followsACompressionPointerAndReadsTheTypeAfterThePointer()
    {
        // "www" then a pointer to offset 22, where "example.com" sits after QTYPE/QCLASS (a name anywhere in the message).
        final byte[] message = bytes(HEADER, "03 777777 c0 16", "0005 0001", "07 6578616d706c65 03 636f6d 00");
        assertEquals(DnsQuestion.VALID, read(message, message.length));
        assertEquals("www.example.com", new String(sink, 0, question.nameLength(), StandardCharsets.US_ASCII));
        assertEquals(12 + 6, question.typeOffset());
    }

    @Test
    void aLoopOfPointersIsMalformedNotEndless()
    {
        final byte[] message = bytes(HEADER, "c0 0c", "0001 0001");
        assertEquals(DnsQuestion.MALFORMED, read(message, message.length));
    }

    @Test
    void aNameLongerThan255BytesIsMalformed()
    {
        final String label = "3f" + "61".repeat(63);
        final byte[] message = bytes(HEADER, label, label, label, label, "00", "0001 0001");
        assertEquals(DnsQuestion.MALFORMED, read(message, message.length));
        final byte[] longest = bytes(HEADER, label, label, label, "3d" + "61".repeat(61), "00", "0001 0001");
        assertEquals(DnsQuestion.VALID, read(longest, longest.length));
        assertEquals(DnsQuestion.MAX_NAME_CHARS, question.nameLength());
    }

    @Test
    void boundsAndCapture()
    {
        final byte[] message = bytes(HEADER, "03 777777 00", "0001 0001");
        assertEquals(DnsQuestion.PAST_END, read(message, message.length - 1));
        assertEquals(DnsQuestion.NOT_CAPTURED, question.read(MemorySegment.ofArray(message), 0, 0, message.length,
            message.length - 1, null, 0));
        assertEquals(DnsQuestion.PAST_END, read(bytes("1234 0100 0001"), 6));
        assertEquals(DnsQuestion.NO_QUESTION, read(bytes("1234 8180 0000 0000 0000 0000"), 12));
        assertEquals(DnsQuestion.PAST_END, read(bytes(HEADER, "c0 ff", "0001 0001"), 18), "pointer past the message");
        assertEquals(DnsQuestion.SINK_TOO_SMALL,
            question.read(MemorySegment.ofArray(message), 0, 0, message.length, message.length, new byte[2], 0));
    }

    private int read(final byte[] message, final int end)
    {
        return question.read(MemorySegment.ofArray(message), 0, 0, end, message.length, sink, 0);
    }
}
