package dev.sluice.dataplane.decode.event.can;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.policy.diagnostic.Diagnostic;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the DBC reader: any text is a DBC file or a {@link DbcFormatException} whose every
 * problem has a position inside the text; nothing else escapes. A file that loads also compiles,
 * finds each of its signals by name, and decodes frames of every message (all-ones payloads
 * of the message's length, classic or CAN FD) without throwing. Seeds in
 * {@code DbcFileFuzzTestInputs/anyTextIsADbcOrPositionedErrors}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest='DbcFileFuzzTest' -Djazzer.instrument='dev.sluice.**'}.
 */
class DbcFileFuzzTest
{
    @FuzzTest(maxDuration = "2m")
    void anyTextIsADbcOrPositionedErrors(final String text)
    {
        if (null == text)
        {
            return;
        }
        final DbcFile dbc;
        try
        {
            dbc = DbcFile.parse("fuzz.dbc", text);
        }
        catch (final DbcFormatException ex)
        {
            assertFalse(ex.diagnostics().isEmpty());
            final long lines = text.chars().filter(c -> '\n' == c).count() + 1;
            for (final Diagnostic diagnostic : ex.diagnostics())
            {
                assertEquals("fuzz.dbc", diagnostic.sourceName());
                assertTrue(diagnostic.line() >= 1 && diagnostic.line() <= lines, diagnostic.toString());
                assertTrue(diagnostic.column() >= 1, diagnostic.toString());
            }
            return;
        }
        final CanDatabase database = CanDatabase.compile(dbc);
        final CandumpParser parser = new CandumpParser(database);
        try (Arena arena = Arena.ofConfined())
        {
            for (final DbcMessage message : dbc.messages())
            {
                for (final DbcSignal signal : message.signals())
                {
                    assertTrue(database.signalId(message.name() + "." + signal.name()) >= 0);
                }
                final int length = CanFrameParser.fdDlc(message.dlc()) >= 0 ? message.dlc() : 64;
                final boolean fd = length > CanFrameParser.MAX_CLASSIC_PAYLOAD_BYTES;
                final String line = "(1.0) can0 " + (message.extended()
                    ? String.format("%08X", message.id()) : String.format("%03X", message.id())) +
                    (fd ? "##0" : "#") + "FF".repeat(length);
                final byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
                final MemorySegment segment = arena.allocate(bytes.length);
                MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
                assertTrue(parser.parse(segment, 0, bytes.length), line + " " + parser.rejectReason());
                assertEquals(message.name(), parser.messageName());
                parser.visitFields(new CanTestData.FieldMap());
            }
        }
    }
}
