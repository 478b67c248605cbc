package dev.sluice.dataplane.decode.event.can;

import dev.sluice.policy.diagnostic.Diagnostic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbcFileTest
{
    private static final String HEADER = """
        VERSION "1.0"


        NS_ :
        \tNS_DESC_
        \tCM_
        \tBA_DEF_
        \tSIG_VALTYPE_

        BS_:

        BU_: ECU BMS Gateway
        """;

    @Test
    void readsTheSharedDbcFilesCompletely() throws IOException
    {
        for (final String name : List.of("ThinkCity.dbc", "LeafPowertrainBus.dbc", "bms.dbc"))
        {
            final List<String> lines = Files.readAllLines(CanTestData.file(name));
            final long messageLines = lines.stream().filter(l -> l.startsWith("BO_ ")).count();
            final long signalLines = lines.stream().filter(l -> l.stripLeading().startsWith("SG_ ")).count();
            final DbcFile dbc = DbcFile.load(CanTestData.file(name));
            assertEquals(messageLines, dbc.messages().size(), name);
            assertEquals(signalLines, dbc.messages().stream().mapToInt(m -> m.signals().size()).sum(), name);
            final CanDatabase database = CanDatabase.compile(dbc);
            assertEquals(signalLines, database.signalCount(), name);
            System.out.println(name + ": " + dbc.messages().size() + " messages, " + signalLines + " signals, nodes " +
                dbc.nodes());
        }

        final DbcFile thinkCity = DbcFile.load(CanTestData.file("ThinkCity.dbc"));
        final DbcMessage torque = thinkCity.message(514, false);
        assertEquals("PCU_Torque", torque.name());
        assertEquals(8, torque.dlc());
        assertEquals("PCU", torque.transmitter());
        final DbcSignal speed = torque.signal("MotorSpeed");
        assertEquals(55, speed.startBit());
        assertEquals(16, speed.length());
        assertFalse(speed.littleEndian());
        assertTrue(speed.signed());
        assertEquals("rpm", speed.unit());
        assertEquals(-32768.0, speed.minimum());
        assertEquals(List.of("ESP"), speed.receivers());
        assertEquals("Active", torque.signal("BrakeLightSwitch").valueNames().get(1L));

        final DbcSignal packAmps = DbcFile.load(CanTestData.file("bms.dbc")).message("BMS_STATUS").signal("PACKAMPS");
        assertTrue(packAmps.littleEndian());
        assertTrue(packAmps.signed());
        assertEquals(0.01, packAmps.factor());
        assertEquals("A", packAmps.unit());
    }

    @Test
    void readsMultiplexingExtendedIdsValueTablesAndFloats()
    {
        final DbcFile dbc = DbcFile.parse("mux.dbc", HEADER + """

            BO_ 2364540158 EngineData: 8 ECU
             SG_ Selector M : 0|8@1+ (1,0) [0|255] "" Gateway
             SG_ Speed m1 : 8|16@1+ (0.125,0) [0|8031.875] "rpm" Gateway,BMS
             SG_ Temp m2 : 15|8@0- (1,-40) [-40|215] "degC" Gateway
             SG_ Ratio : 32|32@1- (1,0) [0|0] "" Gateway

            BO_ 100 Other: 4 BMS

            BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX
             SG_ Orphan : 0|8@1+ (1,0) [0|0] "" Vector__XXX

            CM_ "A comment; with a semicolon
            over two lines";
            CM_ SG_ 2364540158 Speed "Engine \\"speed\\"";
            BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
            BA_ "GenMsgCycleTime" BO_ 100 10;
            FOO_NEW_SECTION_ whatever 1 2 3
              continues here
            VAL_ 2364540158 Selector 1 "speed page" 2 "temperature page" ;
            VAL_ SomeEnvVar 0 "off" ;
            SIG_VALTYPE_ 2364540158 Ratio : 1;
            """);
        assertEquals("1.0", dbc.version());
        assertEquals(List.of("ECU", "BMS", "Gateway"), dbc.nodes());
        assertEquals(2, dbc.messages().size(), "the independent-signals placeholder is left out");
        final DbcMessage engine = dbc.messages().getFirst();
        assertEquals(0x0CF004FE, engine.id());
        assertTrue(engine.extended());
        assertTrue(engine.signal("Selector").multiplexer());
        assertEquals(1, engine.signal("Speed").multiplexValue());
        assertEquals(2, engine.signal("Temp").multiplexValue());
        assertEquals(-1, engine.signal("Ratio").multiplexValue());
        assertEquals(List.of("Gateway", "BMS"), engine.signal("Speed").receivers());
        assertEquals("temperature page", engine.signal("Selector").valueNames().get(2L));
        assertEquals(DbcSignal.ValueType.FLOAT32, engine.signal("Ratio").valueType());
        assertNull(dbc.message(0x0CF004FE, false));
        assertNotNull(dbc.message(0x0CF004FE, true));
        assertEquals(0, dbc.message("Other").signals().size());
    }

    @Test
    void reportsEveryProblemWithItsPositionAndAHint()
    {
        final DbcFormatException error = assertThrows(DbcFormatException.class, () -> DbcFile.parse("bad.dbc", """
            BO_ 3000 TooBig: 8 ECU
             SG_ A : 0|8@1+ (1,0) [0|0] "" ECU
            BO_ 200 Fine: 8 ECU
             SG_ Order : 0|8@2+ (1,0) [0|0] "" ECU
             SG_ Wide : 0|65@1+ (1,0) [0|0] "" ECU
             SG_ Past : 60|8@1+ (1,0) [0|0] "" ECU
             SG_ Moto : 507|16@0+ (1,0) [0|0] "" ECU
             SG_ Dup : 0|8@1+ (1,0) [0|0] "" ECU
             SG_ Dup : 8|8@1+ (1,0) [0|0] "" ECU
             SG_ Scale : 8|8@1+ (x,0) [0|0] "" ECU
             SG_ Muxed m3 : 16|8@1+ (1,0) [0|0] "" ECU
            BO_ 200 Again: 8 ECU
            VAL_ 999 Nothing 1 "x" ;
            hello world
            CM_ "never closed;
            """));
        final List<Diagnostic> diagnostics = error.diagnostics();
        for (final Diagnostic diagnostic : diagnostics)
        {
            System.out.println(diagnostic);
        }
        assertDiagnostic(diagnostics, 1, 5, "message id 3000 does not fit 11 bits", "bit 31 set: 2147486648");
        assertDiagnostic(diagnostics, 2, 2, "SG_ outside a message", "right after its message's BO_");
        assertDiagnostic(diagnostics, 4, 18, "expected the byte order 1 (Intel, little-endian) or 0", "@1+");
        assertDiagnostic(diagnostics, 5, 15, "Wide is 65 bits long", "split");
        assertDiagnostic(diagnostics, 6, 13, "Past reaches byte 8 but message Fine is 8 bytes long", "least significant");
        assertDiagnostic(diagnostics, 7, 13, "Moto does not fit a 64-byte payload", "most significant bit");
        assertDiagnostic(diagnostics, 9, 6, "signal Dup is already defined in message Fine on line 8", "unique");
        assertDiagnostic(diagnostics, 10, 22, "expected the factor (a number), found 'x'", "1E-05");
        assertDiagnostic(diagnostics, 11, 1, "Muxed of message Fine is multiplexed (m3) but the message has no multiplexer", "'M'");
        assertDiagnostic(diagnostics, 12, 5, "message id 200 is already defined by Fine on line 3", "one BO_");
        assertDiagnostic(diagnostics, 13, 6, "VAL_ names message id 999, which no BO_ defines", "decimal id");
        assertDiagnostic(diagnostics, 14, 1, "unknown statement 'hello'", "'SG_'");
        assertDiagnostic(diagnostics, 15, 5, "string is not closed", "\\\"");
        assertTrue(error.getMessage().startsWith("bad.dbc:1:5: error: message id 3000"), error.getMessage());
    }

    @Test
    void checksFloatSignalLengthsAndMultiplexerCount()
    {
        final DbcFormatException error = assertThrows(DbcFormatException.class, () -> DbcFile.parse("f.dbc", """
            BO_ 1 M: 8 ECU
             SG_ A M : 0|8@1+ (1,0) [0|0] "" ECU
             SG_ B M : 8|8@1+ (1,0) [0|0] "" ECU
             SG_ F : 16|16@1+ (1,0) [0|0] "" ECU
            SIG_VALTYPE_ 1 F : 1;
            """));
        assertDiagnostic(error.diagnostics(), 3, 6, "message M already has a multiplexer, A (line 2)", "'M'");
        assertDiagnostic(error.diagnostics(), 5, 20, "signal F is 16 bits long; an IEEE float is 32", "32 bits");
    }

    @Test
    void numbersAreAsciiDigitsOnly()
    {
        // Regression: Character.isDigit accepted U+0661 (ARABIC-INDIC DIGIT ONE), and Double.parseDouble then threw.
        final DbcFormatException error = assertThrows(DbcFormatException.class, () -> DbcFile.parse("digits.dbc",
            "BO_ 1 M: 8 E\n SG_ S : 0|8@1+ (\u0661,0) [0|0] \"\" E\n"));
        assertDiagnostic(error.diagnostics(), 2, 18, "expected the factor (a number)", "1E-05");
    }

    @Test
    void anUnclosedStringWhileRecoveringIsReported()
    {
        // Regression (Jazzer): the recovery after a bad VAL_ skipped to ';' through a string that never closed,
        // and the scanner's internal Stop escaped DbcFile.parse.
        final DbcFormatException error = assertThrows(DbcFormatException.class, () -> DbcFile.parse("val.dbc",
            "BO_ 474 M: 8 E\nVAL_ 474 Missing 0 \"none\" 1 \"never closed\n\n"));
        assertDiagnostic(error.diagnostics(), 2, 10, "VAL_ names signal Missing, which message M does not have", "spelling");
        assertDiagnostic(error.diagnostics(), 2, 29, "string is not closed", "\\\"");
    }

    private static void assertDiagnostic(
        final List<Diagnostic> diagnostics, final int line, final int column, final String message, final String hint)
    {
        for (final Diagnostic diagnostic : diagnostics)
        {
            if (diagnostic.message().contains(message))
            {
                assertEquals(line + ":" + column, diagnostic.line() + ":" + diagnostic.column(), diagnostic.toString());
                assertNotNull(diagnostic.hint(), diagnostic.toString());
                assertTrue(diagnostic.hint().contains(hint), diagnostic.toString());
                return;
            }
        }
        throw new AssertionError("no diagnostic '" + message + "' among " + diagnostics);
    }
}
