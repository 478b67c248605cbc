package dev.sluice.dataplane.decode.event.json;

import dev.sluice.dataplane.decode.event.EventText;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spellings, nesting, validation and counters of {@link TelemetryView}. Coordinates, speed and
 * heading are always decimals, whatever the document's literal, so a policy field has one type.
 */
class TelemetryViewTest
{
    private final JsonParser parser = new JsonParser();
    private final TelemetryView view = new TelemetryView();
    private final EventText text = new EventText(64);

    private List<String> map(final Arena arena, final String document)
    {
        assertTrue(JsonTesting.parse(parser, arena, document), () -> parser.rejectReason() + " at " + parser.rejectOffset());
        view.wrap(parser);
        final JsonTesting.Recorder recorder = new JsonTesting.Recorder();
        view.visitFields(recorder);
        return recorder.lines;
    }

    @Test
    void mapsEverySpelling()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(List.of("vehicle.lat=48.1d", "vehicle.lon=11.5d", "vehicle.speed=13.9d", "vehicle.heading=270.0d",
                    "vehicle.vin=\"WVWZZZ1JZXW000001\"", "vehicle.driver_id=\"d-17\"", "vehicle.time=1700000000000"),
                map(arena, "{\"latitude\":48.1,\"longitude\":11.5,\"speed\":13.9,\"heading\":270," +
                    "\"vin\":\"WVWZZZ1JZXW000001\",\"driverId\":\"d-17\",\"timestamp\":1700000000}"));
            assertTrue(view.wrap(parser));
            assertNull(view.firstInvalidReason());
            assertEquals("WVWZZZ1JZXW000001", view.vin(text).toString());

            assertEquals(List.of("vehicle.lat=-33.9d", "vehicle.lon=18.4d", "vehicle.heading=12.5d", "vehicle.driver_id=42",
                    "vehicle.time=1700000000123"),
                map(arena, "{\"lat\":-33.9,\"lng\":18.4,\"course\":12.5,\"driver_id\":42,\"time\":1700000000123}"));
            assertEquals(List.of("vehicle.heading=1.0d"), map(arena, "{\"track\":1.0}"));
            assertEquals(List.of("vehicle.lon=1.0d", "vehicle.time=1118327684280"),
                map(arena, "{\"lon\":1,\"time\":\"2005-06-09T14:34:44.280Z\"}"));
            assertEquals(Instant.parse("2005-06-09T14:34:44.280Z").toEpochMilli(), view.timeMillis());
        }
    }

    @Test
    void looksIntoNestedObjectsWhenTheTopLevelLacksAField()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(List.of("vehicle.lat=1.5d", "vehicle.lon=2.5d", "vehicle.speed=3.0d", "vehicle.vin=\"1HGCM82633A004352\""),
                map(arena, "{\"speed\":3,\"position\":{\"lat\":1.5,\"lon\":2.5,\"speed\":99},\"vehicle\":{\"vin\":\"1HGCM82633A004352\"}," +
                    "\"other\":{\"lat\":7}}"));
            assertEquals(List.of("vehicle.lat=5.0d"), map(arena, "{\"gps\":{\"lat\":9},\"lat\":5}"), "the top level wins");
            assertEquals(List.of("vehicle.lat=2.0d"), map(arena, "{\"lat\":1,\"lat\":2}"), "the last duplicate, as find does");
            assertEquals(List.of("vehicle.lat=1.0d"), map(arena, "{\"latitude\":2,\"lat\":1}"), "the first spelling of the table wins");
            assertEquals(List.of(), map(arena, "[1,2]"));
            assertEquals(List.of(), map(arena, "{\"lat\":null}"));
            assertTrue(view.wrap(parser), "null is absent, not invalid");
        }
    }

    @Test
    void leavesOutAndCountsInvalidValues()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(List.of("vehicle.speed=0.0d"), map(arena, "{\"lat\":90.0001,\"lon\":-180.5,\"speed\":0,\"heading\":361}"));
            assertFalse(view.wrap(parser));
            assertEquals("lat_invalid", view.firstInvalidReason());
            assertEquals((1 << TelemetryView.LAT) | (1 << TelemetryView.LON) | (1 << TelemetryView.HEADING), view.invalidFields());
            assertTrue(Double.isNaN(view.lat()));

            assertEquals(List.of("vehicle.lat=90.0d", "vehicle.lon=-180.0d", "vehicle.heading=0.0d"), map(arena, "{\"lat\":90,\"lon\":-180,\"heading\":0}"));
            map(arena, "{\"lat\":\"48.1\",\"speed\":-1,\"vin\":\"WVWZZZ1JZXW00000I\"}");
            assertEquals("lat_invalid", view.firstInvalidReason(), "a coordinate as a string is not accepted");
            assertEquals((1 << TelemetryView.LAT) | (1 << TelemetryView.SPEED) | (1 << TelemetryView.VIN), view.invalidFields());
            for (final String vin : List.of("\"WVWZZZ1JZXW00000\"", "\"WVWZZZ1JZXW0000001\"", "\"wvwzzz1jzxw000001\"",
                "\"WVWZZZ1JZXW00000O\"", "\"WVWZZZ1JZXW00000Q\"", "\"WVWZZZ1JZXW0000\\u0030\"", "17"))
            {
                map(arena, "{\"vin\":" + vin + "}");
                assertEquals("vin_invalid", view.firstInvalidReason(), vin);
            }
            for (final String time : List.of("\"2005-13-09T14:34:44Z\"", "\"2005-02-29T00:00:00Z\"", "\"2005-06-09T24:00:00Z\"",
                "\"2005-06-09T14:34:44\"", "\"2005-06-09T14:34:44.Z\"", "\"2005-06-09T14:34:44+0100\"", "\"yesterday\"", "-5",
                "true", "\"2005-06-09T14:34:44Zx\""))
            {
                map(arena, "{\"time\":" + time + "}");
                assertEquals("time_invalid", view.firstInvalidReason(), time);
            }
            map(arena, "{\"driver_id\":\"\"}");
            assertEquals("driver_id_invalid", view.firstInvalidReason());
            map(arena, "{\"driver_id\":1.5}");
            assertEquals("driver_id_invalid", view.firstInvalidReason());
            assertEquals(2, view.invalidCount(TelemetryView.DRIVER_ID));
            assertEquals(10, view.invalidCount(TelemetryView.TIME));
        }
    }

    @Test
    void readsTimeZonesAndFractions()
    {
        try (Arena arena = Arena.ofConfined())
        {
            for (final String time : List.of("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59+02:00", "1969-12-31T23:59:59.5-00:30",
                "2000-01-01t00:00:00z", "2026-11-27 05:00:00.123456789Z"))
            {
                map(arena, "{\"time\":\"" + time + "\"}");
                final String iso = time.replace(' ', 'T').toUpperCase();
                assertEquals(java.time.OffsetDateTime.parse(iso).toInstant().toEpochMilli(), view.timeMillis(), time);
            }
        }
    }
}
