package dev.sluice.dataplane.decode.event.can;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the CAN log parsers (candump, CRTD, GVRET) with a DBC that has multiplexing, an
 * extended id, an IEEE float, CAN FD and 64-bit signals: any bytes are a frame or a rejection
 * with a known reason and an offset inside the line; nothing is thrown, nothing is read outside
 * the line (it lies in a segment of exactly its length), and an accepted frame's accessors agree.
 * Seeds in {@code CandumpParserFuzzTestInputs/anyLine}; normal test runs replay them. Fuzz with
 * {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest='CandumpParserFuzzTest#anyLine' -Djazzer.instrument='dev.sluice.**'}.
 */
class CandumpParserFuzzTest
{
    private static final CanDatabase DATABASE = CanDatabase.compile(
        DbcFile.parse("synthetic.dbc", CandumpParserTest.SYNTHETIC_DBC + """
            BO_ 291 Classic: 8 ECU
             SG_ Low : 0|12@1- (0.5,-3) [0|0] "" Vector__XXX
             SG_ High : 47|20@0+ (1,0) [0|0] "" Vector__XXX
            """));
    private static final Set<String> REASONS = Set.of(CandumpParser.EMPTY, CandumpParser.BAD_TIMESTAMP,
        CandumpParser.BAD_INTERFACE, CandumpParser.BAD_ID, CandumpParser.BAD_DATA, CrtdParser.NOT_A_FRAME);

    private static final CanFrameParser[] PARSERS = {
        new CandumpParser(DATABASE), new CandumpParser(), new CrtdParser(DATABASE), new GvretCsvParser(DATABASE)};

    @FuzzTest(maxDuration = "2m")
    void anyLine(final byte[] line)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(Math.max(1, line.length));
            MemorySegment.copy(line, 0, segment, ValueLayout.JAVA_BYTE, 0, line.length);
            for (final CanFrameParser parser : PARSERS)
            {
                check(parser, segment.asSlice(0, line.length), line.length);
            }
        }
    }

    private static void check(final CanFrameParser parser, final MemorySegment segment, final int length)
    {
        final boolean accepted = parser.parse(segment, 0, length);
        final CanTestData.FieldMap fields = new CanTestData.FieldMap();
        parser.visitFields(fields);
        if (!accepted)
        {
            assertTrue(REASONS.contains(parser.rejectReason()), parser.rejectReason());
            assertTrue(parser.rejectOffset() >= 0 && parser.rejectOffset() <= length, "offset " + parser.rejectOffset());
            assertEquals(0, parser.signalCount());
            assertTrue(fields.fields.isEmpty());
            return;
        }
        assertNull(parser.rejectReason());
        assertEquals(-1, parser.rejectOffset());
        assertTrue(parser.dataLength() >= 0 && parser.dataLength() <= CanFrameParser.MAX_PAYLOAD_BYTES);
        assertEquals(2 * parser.dataLength(), parser.data().length());
        assertTrue(parser.dlc() >= 0 && parser.dlc() <= 15, "dlc " + parser.dlc());
        assertTrue(parser.timestampNs() >= 0);
        assertTrue(parser.extended() ? parser.canId() <= 0x1FFF_FFFF : parser.canId() <= 0x7FF || parser.errorFrame());
        for (int i = 0; i < parser.signalCount(); i++)
        {
            final int id = parser.signalId(i);
            assertEquals(i, parser.signalIndex(id));
            assertEquals(i, parser.signalIndex(DATABASE.fieldName(id)));
            assertEquals(parser.messageIndex(), DATABASE.signalMessage(id));
            assertTrue(fields.fields.containsKey(DATABASE.fieldName(id)));
        }
        assertEquals(parser.canId(), ((Long)fields.fields.get(CanFrameParser.FIELD_ID)).intValue());
    }
}
