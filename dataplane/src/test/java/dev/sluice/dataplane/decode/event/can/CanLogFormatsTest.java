package dev.sluice.dataplane.decode.event.can;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CRTD and GVRET CSV readers on their own syntax. */
class CanLogFormatsTest
{
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    private boolean parse(final CanFrameParser parser, final String line)
    {
        final MemorySegment segment = CanTestData.segment(line, arena);
        return parser.parse(segment, 0, line.length());
    }

    private void assertRejected(final CanFrameParser parser, final String line, final String reason, final int offset)
    {
        assertFalse(parse(parser, line), line);
        assertEquals(reason, parser.rejectReason(), line);
        assertEquals(offset, parser.rejectOffset(), line);
    }

    @Test
    void readsCrtdRecords()
    {
        final CrtdParser parser = new CrtdParser(null);
        assertTrue(parse(parser, "166.064000 R11 0000021A FE 36 12 FE 69 05 07 AD \r\n"));
        assertEquals(166_064_000_000L, parser.timestampNs());
        assertEquals(0x21A, parser.canId());
        assertEquals("FE3612FE690507AD", parser.data().toString());
        assertEquals("", parser.interfaceName().toString());
        assertTrue(parse(parser, "1.5 2T29 1ABCDEF0 01"));
        assertTrue(parser.extended());
        assertEquals(0x1ABC_DEF0, parser.canId());
        assertEquals("2", parser.interfaceName().toString());
        assertTrue(parse(parser, "7 R11 7FF"));
        assertEquals(0, parser.dataLength());

        assertRejected(parser, "166.064000 CXX GVRET-PC Reverse Engineering Tool Output V138", CrtdParser.NOT_A_FRAME, 11);
        assertRejected(parser, "166.064000 CEV bus off", CrtdParser.NOT_A_FRAME, 11);
        assertRejected(parser, "", CandumpParser.EMPTY, 0);
        assertRejected(parser, "x R11 123", CandumpParser.BAD_TIMESTAMP, 0);
        assertRejected(parser, "1.0 R11 800", CandumpParser.BAD_ID, 8);
        assertRejected(parser, "1.0 R11", CandumpParser.BAD_ID, 7);
        assertRejected(parser, "1.0 R11 123 0", CandumpParser.BAD_DATA, 12);
        assertRejected(parser, "1.0 R11 123 012", CandumpParser.BAD_DATA, 12);
        assertRejected(parser, "1.0 R11 123 00 11 22 33 44 55 66 77 88", CandumpParser.BAD_DATA, 36);
    }

    @Test
    void readsGvretCsvRecords()
    {
        final GvretCsvParser parser = new GvretCsvParser(null);
        assertTrue(parse(parser, "166064000,0000021A,false,0,8,FE,36,12,FE,69,05,07,AD,"));
        assertEquals(166_064_000_000L, parser.timestampNs());
        assertEquals(0x21A, parser.canId());
        assertEquals("0", parser.interfaceName().toString());
        assertEquals("FE3612FE690507AD", parser.data().toString());
        assertTrue(parse(parser, "5,1ABCDEF0,true,Rx,1,2,A,0B"));
        assertTrue(parser.extended());
        assertEquals("0A0B", parser.data().toString());
        assertEquals("1", parser.interfaceName().toString());
        assertTrue(parse(parser, "166064000,0000027A,false,0,7,30,30,0D,8C,09,15,00,00,"));
        assertEquals(7, parser.dataLength());

        assertRejected(parser, "Time Stamp,ID,Extended,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8", CrtdParser.NOT_A_FRAME, 0);
        assertRejected(parser, "1,800,false,0,0,", CandumpParser.BAD_ID, 2);
        assertRejected(parser, "1,123,maybe,0,0,", CandumpParser.BAD_ID, 6);
        assertRejected(parser, "1,123,false,0,9,", CandumpParser.BAD_DATA, 14);
        assertRejected(parser, "1,123,false,0,2,01", CandumpParser.BAD_DATA, 18);
        assertRejected(parser, "1,123,false,0,1,XY", CandumpParser.BAD_DATA, 16);
        assertRejected(parser, "1,123,false,0,1,01,ZZ", CandumpParser.BAD_DATA, 19);
    }
}
