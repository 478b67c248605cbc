package dev.sluice.dataplane.decode.event.can;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandumpParserTest
{
    /** Multiplexing, an extended id, an IEEE float, a CAN FD message with 64-bit signals over nine bytes. */
    static final String SYNTHETIC_DBC = """
        VERSION ""

        BU_: ECU

        BO_ 2364540158 EngineData: 8 ECU
         SG_ Selector M : 0|8@1+ (1,0) [0|255] "" Vector__XXX
         SG_ Speed m1 : 8|16@1+ (0.125,0) [0|8031.875] "rpm" Vector__XXX
         SG_ Temp m2 : 15|8@0- (1,-40) [-40|215] "degC" Vector__XXX
         SG_ Ratio : 32|32@1- (1,0) [0|0] "" Vector__XXX

        BO_ 1024 FdFrame: 64 ECU
         SG_ Tail : 496|16@1+ (1,0) [0|65535] "" Vector__XXX
         SG_ WideIntel : 4|64@1+ (1,0) [0|0] "" Vector__XXX
         SG_ WideMotorola : 3|64@0+ (1,0) [0|0] "" Vector__XXX
         SG_ SignedMotorola : 83|13@0- (1,0) [0|0] "" Vector__XXX

        SIG_VALTYPE_ 2364540158 Ratio : 1;
        """;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    private boolean parse(final CanFrameParser parser, final String line)
    {
        final MemorySegment segment = CanTestData.segment("xx" + line, arena);
        return parser.parse(segment, 2, line.length());
    }

    @Test
    void parsesTheCandumpLogForms()
    {
        final CandumpParser parser = new CandumpParser();
        assertTrue(parse(parser, "(1436509052.249713) can0 123#DEADBEEF"));
        assertEquals(1_436_509_052_249_713_000L, parser.timestampNs());
        assertEquals("can0", parser.interfaceName().toString());
        assertEquals(0x123, parser.canId());
        assertFalse(parser.extended());
        assertEquals(4, parser.dlc());
        assertEquals(4, parser.dataLength());
        assertEquals(0xEF, parser.dataByte(3));
        assertEquals("DEADBEEF", parser.data().toString());
        assertNull(parser.rejectReason());
        assertEquals(-1, parser.rejectOffset());
        assertEquals(-1, parser.messageIndex());
        assertEquals(0, parser.signalCount());

        assertTrue(parse(parser, "(0000000001.5) vcan-long_name.7 1F345678#de.ad.be\r\n"));
        assertTrue(parser.extended());
        assertEquals(0x1F34_5678, parser.canId());
        assertEquals("DEADBE", parser.data().toString());
        assertEquals(1_500_000_000L, parser.timestampNs());
        assertEquals("vcan-long_name.7", parser.interfaceName().toString());

        assertTrue(parse(parser, "(1.000000) can0 123#R"));
        assertTrue(parser.remote());
        assertEquals(0, parser.dlc());
        assertTrue(parse(parser, "(1.000000) can0 123#R5"));
        assertEquals(5, parser.dlc());
        assertEquals(0, parser.dataLength());

        assertTrue(parse(parser, "(1.000000) can0 123#"));
        assertEquals(0, parser.dlc());
        assertEquals("", parser.data().toString());

        assertTrue(parse(parser, "(1.000000) can0 123#1122334455667788_E"));
        assertEquals(14, parser.dlc());
        assertEquals(8, parser.dataLength());

        assertTrue(parse(parser, "(1.000000) can0 123##1112233445566778899AABBCC"));
        assertTrue(parser.fd());
        assertEquals(1, parser.fdFlags());
        assertEquals(12, parser.dataLength());
        assertEquals(9, parser.dlc());
        assertTrue(parse(parser, "(1.000000) can0 123##3" + "00".repeat(64)));
        assertEquals(15, parser.dlc());

        assertTrue(parse(parser, "(1.000000) can0 20000080#0000000000000000"));
        assertTrue(parser.errorFrame());
        assertFalse(parser.extended());
        assertEquals(0x80, parser.canId());

        assertTrue(parse(parser, "(1.000000) can0 123#DEADBEEF R"));
        assertTrue(parse(parser, "(1.000000) can0 123#DEADBEEF\tT  "));
    }

    @Test
    void rejectsWithAReasonAndWhere()
    {
        final CandumpParser parser = new CandumpParser();
        assertRejected(parser, "", CandumpParser.EMPTY, 0);
        assertRejected(parser, "\n", CandumpParser.EMPTY, 0);
        assertRejected(parser, "1436509052.249713) can0 123#00", CandumpParser.BAD_TIMESTAMP, 0);
        assertRejected(parser, "(abc) can0 123#00", CandumpParser.BAD_TIMESTAMP, 1);
        assertRejected(parser, "(1.) can0 123#00", CandumpParser.BAD_TIMESTAMP, 3);
        assertRejected(parser, "(1.5 can0 123#00", CandumpParser.BAD_TIMESTAMP, 4);
        assertRejected(parser, "(1.1234567891) can0 123#00", CandumpParser.BAD_TIMESTAMP, 12);
        assertRejected(parser, "(99999999999.5) can0 123#00", CandumpParser.BAD_TIMESTAMP, 11);
        assertRejected(parser, "(9999999999.5) can0 123#00", CandumpParser.BAD_TIMESTAMP, 1);
        assertRejected(parser, "(1.5)can0 123#00", CandumpParser.BAD_INTERFACE, 5);
        assertRejected(parser, "(1.5) can0", CandumpParser.BAD_ID, 10);
        assertRejected(parser, "(1.5) can0   ", CandumpParser.BAD_ID, 13);
        assertRejected(parser, "(1.5) can0 12#00", CandumpParser.BAD_ID, 11);
        assertRejected(parser, "(1.5) can0 800#00", CandumpParser.BAD_ID, 11);
        assertRejected(parser, "(1.5) can0 123456789#00", CandumpParser.BAD_ID, 11);
        assertRejected(parser, "(1.5) can0 40000000#00", CandumpParser.BAD_ID, 11);
        assertRejected(parser, "(1.5) can0 123-00", CandumpParser.BAD_ID, 14);
        assertRejected(parser, "(1.5) can0 123#0", CandumpParser.BAD_DATA, 15);
        assertRejected(parser, "(1.5) can0 123#112233445566778899", CandumpParser.BAD_DATA, 31);
        assertRejected(parser, "(1.5) can0 123#00 X", CandumpParser.BAD_DATA, 18);
        assertRejected(parser, "(1.5) can0 123#00X", CandumpParser.BAD_DATA, 17);
        assertRejected(parser, "(1.5) can0 123#R9", CandumpParser.BAD_DATA, 16);
        assertRejected(parser, "(1.5) can0 123#0011_E", CandumpParser.BAD_DATA, 19);
        assertRejected(parser, "(1.5) can0 123##1" + "00".repeat(9), CandumpParser.BAD_DATA, 35);
        assertRejected(parser, "(1.5) can0 123##", CandumpParser.BAD_DATA, 16);
        assertRejected(parser, "(1.5) can0 123##1" + "00".repeat(65), CandumpParser.BAD_DATA, 17 + 128);
    }

    private void assertRejected(final CandumpParser parser, final String line, final String reason, final int offset)
    {
        assertFalse(parse(parser, line), line);
        assertEquals(reason, parser.rejectReason(), line);
        assertEquals(offset, parser.rejectOffset(), line);
        assertEquals(0, parser.signalCount());
        final CanTestData.FieldMap fields = new CanTestData.FieldMap();
        parser.visitFields(fields);
        assertTrue(fields.fields.isEmpty(), "a rejected line has no fields");
    }

    @Test
    void decodesBigEndianSignedScaledSignalsOfARealFrame() throws IOException
    {
        // A frame of the SavvyCAN capture; ThinkCity's PCU_Torque is Motorola throughout.
        final CanDatabase database = CanTestData.database("ThinkCity.dbc");
        final CandumpParser parser = new CandumpParser(database);
        assertTrue(parse(parser, "(166.000000) vcan0 202#FD5E459DC4091E2D"));
        assertEquals("PCU_Torque", parser.messageName());
        assertEquals(8, parser.signalCount());
        // Bytes FD 5E 45 9D C4 09 1E 2D.
        // MotorSpeed 55|16@0- (1,0): msb = bit 7 of byte 6, 16 bits = bytes 6-7 = 0x1E2D = 7725.
        assertInteger(parser, "PCU_Torque.MotorSpeed", 7725);
        // DriverTorqueRequest 23|16@0- (0.1,0): bytes 2-3 = 0x459D = 17821, * 0.1.
        assertDecimal(parser, "PCU_Torque.DriverTorqueRequest", 1782.1);
        // MotorActualTorque 39|16@0- (0.1,0): bytes 4-5 = 0xC409 = 50185, signed 50185 - 65536 = -15351, * 0.1.
        assertDecimal(parser, "PCU_Torque.MotorActualTorque", -1535.1);
        // AcceleratorPedalPosition 15|8@0+ (0.5,0): byte 1 = 0x5E = 94, * 0.5.
        assertDecimal(parser, "PCU_Torque.AcceleratorPedalPosition", 47.0);
        // 0xFD = 1111 1101: bits 7 (BrakeLightSwitch), 5, 4, 3 set.
        assertInteger(parser, "PCU_Torque.BrakeLightSwitch", 1);
        assertInteger(parser, "PCU_Torque.MotorTorqueInsDenied", 1);
        assertInteger(parser, "PCU_Torque.TIMStatus", 1);
        assertInteger(parser, "PCU_Torque.PCUFault", 1);
        assertEquals("Active", parser.signalValueName(parser.signalIndex("PCU_Torque.BrakeLightSwitch")));

        final int speedId = database.signalId("can.PCU_Torque.MotorSpeed");
        assertEquals(speedId, database.signalId("PCU_Torque.MotorSpeed"));
        assertEquals(parser.signalIndex("PCU_Torque.MotorSpeed"), parser.signalIndex(speedId));
        assertEquals(-1, parser.signalIndex("CDCM_Status.CDCMSWVersion"), "another message's signal");
        assertEquals(-1, parser.signalIndex("PCU_Torque.NoSuchSignal"));
        assertEquals(-1, database.signalId("PCU_Torque"));

        final CanTestData.FieldMap fields = new CanTestData.FieldMap();
        parser.visitFields(fields);
        assertEquals(Map.ofEntries(
            Map.entry("can.timestamp_ns", 166_000_000_000L),
            Map.entry("can.interface", "vcan0"),
            Map.entry("can.id", 0x202L),
            Map.entry("can.extended", false),
            Map.entry("can.remote", false),
            Map.entry("can.fd", false),
            Map.entry("can.error", false),
            Map.entry("can.dlc", 8L),
            Map.entry("can.data", "FD5E459DC4091E2D"),
            Map.entry("can.message", "PCU_Torque"),
            Map.entry("can.PCU_Torque.MotorSpeed", 7725L),
            Map.entry("can.PCU_Torque.BrakeLightSwitch", 1L),
            Map.entry("can.PCU_Torque.DriverTorqueRequest", 1782.1000000000001),
            Map.entry("can.PCU_Torque.MotorTorqueInsDenied", 1L),
            Map.entry("can.PCU_Torque.MotorActualTorque", -1535.1000000000001),
            Map.entry("can.PCU_Torque.PCUFault", 1L),
            Map.entry("can.PCU_Torque.AcceleratorPedalPosition", 47.0),
            Map.entry("can.PCU_Torque.TIMStatus", 1L)), fields.fields);

        // CDCM_Status is 8 bytes in the DBC, 1 byte in the capture: only byte 0's signals decode.
        final long beyond = parser.signalsBeyondDataCount();
        assertTrue(parse(parser, "(166.000000) vcan0 408#80"));
        assertEquals(1, parser.signalCount());
        assertInteger(parser, "CDCM_Status.CDCMSWVersion", 128);
        assertEquals(beyond + 20, parser.signalsBeyondDataCount());

        final long unknown = parser.unknownMessageCount();
        assertTrue(parse(parser, "(166.000000) vcan0 21A#FE3612FE690507AD"), "an id the DBC lacks is accepted");
        assertEquals(unknown + 1, parser.unknownMessageCount());
        assertEquals(0, parser.signalCount());
        assertNull(parser.messageName());
    }

    @Test
    void decodesLittleEndianSignedAndOffsetSignals() throws IOException
    {
        final CandumpParser bms = new CandumpParser(CanTestData.database("bms.dbc"));
        // BMS_STATUS: bytes 10 27 18 FC 80 05 00 00.
        assertTrue(parse(bms, "(1.0) can0 606#102718FC80050000"));
        // PACKVOLTS 0|16@1+ (0.01,0): little-endian bytes 0-1 = 0x2710 = 10000 -> 100.00 V.
        assertDecimal(bms, "BMS_STATUS.PACKVOLTS", 100.0);
        // PACKAMPS 16|16@1- (0.01,0): bytes 2-3 = 0xFC18 = 64536, signed -1000 -> -10.00 A.
        assertDecimal(bms, "BMS_STATUS.PACKAMPS", -10.0);
        assertEquals(-1000, bms.signalRaw(bms.signalIndex("BMS_STATUS.PACKAMPS")));
        // STATEOFCHARGE 39|8@0+ (0.392,0): msb bit 7 of byte 4, the whole byte 0x80 = 128 -> 50.176 %.
        assertDecimal(bms, "BMS_STATUS.STATEOFCHARGE", 50.176);
        // Byte 5 = 0000 0101: FAULTED (bit 40) and DISCHARGE_OK (bit 42) set.
        assertInteger(bms, "BMS_STATUS.FAULTED", 1);
        assertInteger(bms, "BMS_STATUS.CHARGE_OK", 0);
        assertInteger(bms, "BMS_STATUS.DISCHARGE_OK", 1);
        assertInteger(bms, "BMS_STATUS.LOWVOLT", 0);

        // SYS_STATUS: ACTUAL_TORQUE 0|16@1+ (0.1,-3212.8): 0x7DE4 = 32228 -> 3222.8 - 3212.8 = 10.0;
        // SHAFT_SPEED 48|16@1+ (0.5,-16064): 0x7D80 = 32128 -> 16064 - 16064 = 0.
        assertTrue(parse(bms, "(1.0) can0 209#E47D00000000807D"));
        assertDecimal(bms, "SYS_STATUS.ACTUAL_TORQUE", 10.0);
        assertDecimal(bms, "SYS_STATUS.DCVOLTS", -3212.8);
        assertDecimal(bms, "SYS_STATUS.SHAFT_SPEED", 0.0);
        assertFalse(bms.signalIntegral(bms.signalIndex("SYS_STATUS.SHAFT_SPEED")));

        final CandumpParser leaf = new CandumpParser(CanTestData.database("LeafPowertrainBus.dbc"));
        // InverterStatus (474 = 0x1DA): bytes 5A 00 07 FE 0F A0 01 02.
        assertTrue(parse(leaf, "(1.0) can0 1DA#5A0007FE0FA00102"));
        assertInteger(leaf, "InverterStatus.Voltage", 0x5A);
        // Amps 18|11@0- (0.5,0): msb bit 2 of byte 2: 3 bits 111, then byte 3 = 1111 1110 -> 0x7FE = 2046,
        // signed 11 bits 2046 - 2048 = -2 -> -1.0 A.
        assertDecimal(leaf, "InverterStatus.Amps", -1.0);
        // RPM 39|16@0- (0.5,0): bytes 4-5 = 0x0FA0 = 4000 -> 2000.0.
        assertDecimal(leaf, "InverterStatus.RPM", 2000.0);
        assertInteger(leaf, "InverterStatus.MultiplexByte", 1);
        assertInteger(leaf, "InverterStatus.SecurityByte", 2);
        // Ctrl1 (468 = 0x1D4): RequestedTorque 23|12@0- (1,0): byte 2 = 0xFF, top nibble of byte 3 = 0xE -> 0xFFE = -2.
        assertTrue(parse(leaf, "(1.0) can0 1D4#0000FFE000000000"));
        assertInteger(leaf, "Ctrl1.RequestedTorque", -2);
    }

    @Test
    void decodesMultiplexedSignalsOnlyUnderTheirValue()
    {
        final CanDatabase database = CanDatabase.compile(DbcFile.parse("synthetic.dbc", SYNTHETIC_DBC));
        final CandumpParser parser = new CandumpParser(database);
        // Selector 1: Speed 8|16@1+ (0.125) = 0x0640 = 1600 -> 200.0; Ratio = IEEE float 0x3FC00000 = 1.5.
        assertTrue(parse(parser, "(1.0) can0 0CF004FE#014006000000C03F"));
        assertEquals("EngineData", parser.messageName());
        assertEquals(3, parser.signalCount());
        assertInteger(parser, "EngineData.Selector", 1);
        assertDecimal(parser, "EngineData.Speed", 200.0);
        assertDecimal(parser, "EngineData.Ratio", 1.5);
        assertEquals(-1, parser.signalIndex("EngineData.Temp"));

        // Selector 2: Temp 15|8@0- (1,-40) = byte 1 = 0xF6 = -10 -> -50.
        assertTrue(parse(parser, "(1.0) can0 0CF004FE#02F6000000000000"));
        assertEquals(3, parser.signalCount());
        assertInteger(parser, "EngineData.Temp", -50);
        assertEquals(-1, parser.signalIndex("EngineData.Speed"));

        // Selector 3 selects no multiplexed signal; an 11-bit frame with the same number is another message.
        assertTrue(parse(parser, "(1.0) can0 0CF004FE#03F6000000000000"));
        assertEquals(2, parser.signalCount());
        final long unknown = parser.unknownMessageCount();
        assertTrue(parse(parser, "(1.0) can0 0CF004FE#R"));
        assertEquals("EngineData", parser.messageName());
        assertEquals(0, parser.signalCount(), "a remote frame has no payload to decode");
        assertEquals(unknown, parser.unknownMessageCount());
    }

    @Test
    void decodesCanFdPayloadsAndSixtyFourBitSignalsAcrossNineBytes()
    {
        final DbcFile dbc = DbcFile.parse("synthetic.dbc", SYNTHETIC_DBC);
        final CandumpParser parser = new CandumpParser(CanDatabase.compile(dbc));
        final int[] bytes = new int[64];
        final StringBuilder hex = new StringBuilder();
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (i * 0x9D + 0x3B) & 0xFF;
            hex.append(String.format("%02X", bytes[i]));
        }
        bytes[62] = 0x34;
        bytes[63] = 0x12;
        hex.replace(124, 128, "3412");
        assertTrue(parse(parser, "(1.0) can0 400##1" + hex));
        assertEquals(4, parser.signalCount());
        assertInteger(parser, "FdFrame.Tail", 0x1234);
        final DbcMessage message = dbc.message("FdFrame");
        for (final String name : new String[] {"WideIntel", "WideMotorola", "SignedMotorola"})
        {
            final long expected = CanLogConformanceTest.referenceRaw(message.signal(name), bytes);
            assertEquals(expected, parser.signalRaw(parser.signalIndex("FdFrame." + name)), name);
        }
        final int wide = parser.signalIndex("FdFrame.WideIntel");
        assertFalse(parser.signalIntegral(wide), "an unsigned 64-bit value may not fit a long");
    }

    private static void assertInteger(final CanFrameParser parser, final String name, final long expected)
    {
        final int index = parser.signalIndex(name);
        assertTrue(index >= 0, name);
        assertTrue(parser.signalIntegral(index), name);
        assertEquals(expected, parser.signalLong(index), name);
        assertEquals(expected, parser.signalValue(index), name);
    }

    private static void assertDecimal(final CanFrameParser parser, final String name, final double expected)
    {
        final int index = parser.signalIndex(name);
        assertTrue(index >= 0, name);
        assertEquals(expected, parser.signalValue(index), 1e-9, name);
    }
}
