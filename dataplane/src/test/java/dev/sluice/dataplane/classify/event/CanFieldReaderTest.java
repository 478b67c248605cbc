package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CandumpParser;
import dev.sluice.dataplane.decode.event.can.DbcFile;
import dev.sluice.dataplane.testing.SharedData;
import dev.sluice.policy.Policy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies over SavvyCAN's candump log decoded with ThinkCity.dbc (../shared/data/vehicle/savvycan):
 * frame fields and DBC signals (integral, scaled, signed, value descriptions), each rule matching
 * exactly the frames the parser's own field report says it should; zero allocation.
 */
class CanFieldReaderTest
{
    private static CanDatabase database() throws IOException
    {
        return CanDatabase.compile(DbcFile.load(SharedData.root().resolve("vehicle/savvycan/ThinkCity.dbc")));
    }

    private static List<String> frames() throws IOException
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(
            SharedData.root().resolve("vehicle/savvycan/candump.log"), StandardCharsets.ISO_8859_1));
        lines.removeIf(String::isBlank);
        return lines;
    }

    private final CandumpParser parser;
    private final CanDatabase database;
    private final FieldMap fields = new FieldMap();

    CanFieldReaderTest() throws IOException
    {
        database = database();
        parser = new CandumpParser(database);
    }

    private List<Integer> matches(final String when, final MemorySegment[] frames)
    {
        final Policy policy = EventPolicyTesting.oneRule(when);
        final CanFieldReader reader = new CanFieldReader(policy.catalogue(), database);
        return EventPolicyTesting.matching(frames.length, i -> parser.parse(frames[i], 0, (int)frames[i].byteSize()) &&
            null != reader.wrap(parser), policy, reader);
    }

    private List<Integer> expected(final MemorySegment[] frames, final Predicate<FieldMap> oracle)
    {
        final List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < frames.length; i++)
        {
            if (parser.parse(frames[i], 0, (int)frames[i].byteSize()))
            {
                parser.visitFields(fields.clear());
                if (oracle.test(fields))
                {
                    indexes.add(i);
                }
            }
        }
        return indexes;
    }

    @Test
    void rulesMatchExactlyTheFramesTheParserReports() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] frames = EventPolicyTesting.segments(frames(), arena);
            assertTrue(frames.length > 10_000);

            assertEquals(expected(frames, f -> true), matches("item.kind == \"can\"", frames));
            assertEquals(expected(frames, f -> Long.valueOf(0x202).equals(f.get("can.id"))), matches("can.id == 0x202", frames));
            assertEquals(expected(frames, f -> "vcan0".equals(f.get("can.interface")) && Long.valueOf(7).equals(f.get("can.dlc"))),
                matches("can.interface == \"vcan0\" and can.dlc == 7", frames));
            // Signed integral signal: negative values are absent as integers.
            final List<Integer> turning = expected(frames, f -> null != f.integer("can.PCU_Torque.MotorSpeed") &&
                f.integer("can.PCU_Torque.MotorSpeed") > 100);
            assertFalse(turning.isEmpty());
            assertEquals(turning, matches("can.PCU_Torque.MotorSpeed > 100", frames));
            // Scaled signal (factor 0.5): truncated toward zero.
            assertEquals(expected(frames, f -> null != f.integer("can.PCU_Torque.AcceleratorPedalPosition") &&
                f.integer("can.PCU_Torque.AcceleratorPedalPosition") >= 10), matches("can.PCU_Torque.AcceleratorPedalPosition >= 10", frames));
            // Presence: the frames of the signal's message.
            assertEquals(expected(frames, f -> f.values.containsKey("can.CDCM_Status.EvaporatorTemperature")),
                matches("can.CDCM_Status.EvaporatorTemperature", frames));
            assertEquals(List.of(), matches("can.NoSuchMessage.NoSignal or can.PCU_Torque.NoSignal == 1", frames));
            assertEquals(List.of(), matches("syslog.severity >= 0 or json.a or flow.bytes >= 0", frames));
        }
    }

    @Test
    void signalsReadAsTextByValueDescriptionOrDecimal() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] frames = EventPolicyTesting.segments(frames(), arena);
            final Policy policy = EventPolicyTesting.rules("can.PCU_Torque.DriverTorqueRequest == \"x\"",
                "can.CDCM_Status.EvaporatorTemperature == \"x\"", "can.BMS_System_Data_3.sys_EOC == \"x\"");
            final CanFieldReader reader = new CanFieldReader(policy.catalogue(), database);
            final int[] ids = {
                policy.catalogue().byName("can.PCU_Torque.DriverTorqueRequest").id(),
                policy.catalogue().byName("can.CDCM_Status.EvaporatorTemperature").id(),
                policy.catalogue().byName("can.BMS_System_Data_3.sys_EOC").id() };
            final String[] names = { "can.PCU_Torque.DriverTorqueRequest", "can.CDCM_Status.EvaporatorTemperature",
                "can.BMS_System_Data_3.sys_EOC" };
            int compared = 0;
            for (final MemorySegment frame : frames)
            {
                if (!parser.parse(frame, 0, (int)frame.byteSize()))
                {
                    continue;
                }
                reader.wrap(parser);
                parser.visitFields(fields.clear());
                for (int s = 0; s < ids.length; s++)
                {
                    final Object reported = fields.get(names[s]);
                    assertEquals(null != reported, reader.isPresent(ids[s]), names[s]);
                    if (null == reported)
                    {
                        continue;
                    }
                    final int index = parser.signalIndex(names[s]);
                    final String description = parser.signalValueName(index);
                    final String text = reader.text(ids[s]).toString();
                    if (null != description)
                    {
                        assertEquals(description, text);
                    }
                    else if (reported instanceof Long l)
                    {
                        assertEquals(Long.toString(l), text);
                    }
                    else
                    {
                        assertEquals((Double)reported, Double.parseDouble(text), 1e-9, names[s] + " " + text);
                        assertFalse(text.endsWith("0") && text.contains("."), text);
                    }
                    compared++;
                }
            }
            assertTrue(compared > 50, "signals compared: " + compared);
        }
    }

    @Test
    void readingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment[] frames = EventPolicyTesting.segments(frames(), arena);
            final Policy policy = EventPolicyTesting.rules(
                "can.PCU_Torque.MotorSpeed > 100000 or can.PCU_Torque.DriverTorqueRequest == \"x\"",
                "can.CDCM_Status.EvaporatorTemperature == \"-1\" or can.BMS_System_Data_3.sys_EOC == \"x\"",
                "can.interface == \"can9\" or can.id == 1",
                "item.kind == \"json\"");
            final CanFieldReader reader = new CanFieldReader(policy.catalogue(), database);
            final long[] matched = new long[1];
            final long bytes = EventPolicyTesting.allocatedBytes(() ->
            {
                for (final MemorySegment frame : frames)
                {
                    if (parser.parse(frame, 0, (int)frame.byteSize()))
                    {
                        matched[0] += policy.firstMatch(reader.wrap(parser));
                    }
                }
            }, 30, 10);
            assertTrue(matched[0] != 0);
            assertEquals(0, bytes, "bytes allocated by evaluations over the candump log");
        }
    }
}
