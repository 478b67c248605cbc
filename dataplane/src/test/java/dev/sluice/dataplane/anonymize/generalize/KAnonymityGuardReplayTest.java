package dev.sluice.dataplane.anonymize.generalize;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays real tracks through the guard: gpxpy's GPX files (../shared/data/vehicle/gpxpy; a car
 * around Višnjan, a route near it, three logs of one outing near Rijeka, three points in the
 * Netherlands) and the RMC sentences of three gpsd receiver captures (Spain with a void fix, Iowa,
 * Seattle). Each track is one vehicle; every track's first timestamp is shifted to the same instant
 * so that they overlap, keeping each track's own spacing; points without a time (one Rijeka log and
 * the route) are spaced 5 s apart. Records go to the guard in time order; the model checks every
 * decision, and the test prints how many points were kept at each precision. Test thread only.
 */
class KAnonymityGuardReplayTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long SHIFTED_START = Instant.parse("2026-11-27T06:00:00Z").getEpochSecond() * SECOND;
    private static final long UNTIMED_SPACING = 5 * SECOND;
    private static final Pattern TRACK = Pattern.compile("<(trk|rte)>(.*?)</\\1>", Pattern.DOTALL);
    private static final Pattern POINT = Pattern.compile(
        "<(?:trkpt|rtept) lat=\"([-0-9.]+)\" lon=\"([-0-9.]+)\"\\s*/?>(.*?)(?=<(?:trkpt|rtept) |</trkseg>|</rte>|$)", Pattern.DOTALL);
    private static final Pattern TIME = Pattern.compile("<time>([^<]+)</time>");

    /** One position of one vehicle. */
    private record Fix(String vehicle, long vehicleHash, double latitude, double longitude, long epochNs)
    {
    }

    @Test
    void replayOfRealTracks() throws IOException
    {
        final List<Fix> fixes = new ArrayList<>();
        final Path gpx = sharedData().resolve("vehicle/gpxpy");
        for (final String file : List.of("around-visnjan-with-car.gpx", "korita-zbevnica.gpx", "route.gpx", "track_with_speed.gpx"))
        {
            readGpx(gpx.resolve(file), file, fixes);
        }
        final Path gpsd = sharedData().resolve("vehicle/gpsd");
        for (final String file : List.of("garmin-geko201.log", "nmea-fuzzy-cases.log", "quectel-l76k-nmea.log"))
        {
            readRmc(gpsd.resolve(file), file, fixes);
        }
        fixes.sort(Comparator.comparingLong(Fix::epochNs));
        final long vehicles = fixes.stream().map(Fix::vehicle).distinct().count();
        assertTrue(vehicles >= 9, vehicles + " vehicles");

        for (final int k : new int[] { 2, 3 })
        {
            final KAnonymityGuard guard = new KAnonymityGuard(k, TimeUnit.MINUTES.toNanos(5), 7, 3, 4096);
            final FleetModel model = new FleetModel(guard);
            for (final Fix fix : fixes)
            {
                final int released = model.observe(fix.vehicleHash(), fix.latitude(), fix.longitude(), fix.epochNs(), true);
                if (isAlone(fix.vehicle()))
                {
                    assertEquals(KAnonymityGuard.SUPPRESSED, released, fix.vehicle() + " has no one within 100 km");
                }
            }
            final StringBuilder line = new StringBuilder("k-anonymity replay, k = " + k + ", 5 min windows, " + vehicles +
                " vehicles, " + guard.received() + " points: ");
            for (int precision = guard.precision(); precision >= guard.minPrecision(); precision--)
            {
                line.append("precision ").append(precision).append(' ').append(model.releasedAt(precision)).append(", ");
            }
            line.append("suppressed ").append(guard.suppressed()).append(" (invalid ").append(guard.suppressedInvalid())
                .append(", not k-safe ").append(guard.suppressedNotKSafe()).append("), state full ").append(guard.stateFull());
            System.out.println(line);

            assertEquals(fixes.size(), guard.received());
            assertEquals(0, guard.stateFull());
            assertTrue(guard.suppressedInvalid() > 0, "the void fixes of garmin-geko201");
            assertTrue(guard.atPrecision() + guard.coarsened() > 0, "the tracks near each other are released");
        }
    }

    private static boolean isAlone(final String vehicle)
    {
        return vehicle.startsWith("track_with_speed") || vehicle.startsWith("nmea-fuzzy") || vehicle.startsWith("quectel") ||
            vehicle.startsWith("garmin");
    }

    private static void readGpx(final Path file, final String name, final List<Fix> fixes) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.UTF_8);
        final Matcher track = TRACK.matcher(text);
        int number = 0;
        while (track.find())
        {
            final String vehicle = name + "#" + number++;
            final Matcher point = POINT.matcher(track.group(2));
            long first = Long.MIN_VALUE;
            int index = 0;
            while (point.find())
            {
                final Matcher time = TIME.matcher(point.group(3));
                final long epochNs;
                if (time.find())
                {
                    final Instant instant = Instant.parse(time.group(1));
                    final long raw = instant.getEpochSecond() * SECOND + instant.getNano();
                    first = Long.MIN_VALUE == first ? raw : first;
                    epochNs = SHIFTED_START + raw - first;
                }
                else
                {
                    epochNs = SHIFTED_START + index * UNTIMED_SPACING;
                }
                fixes.add(new Fix(vehicle, hash(vehicle), Double.parseDouble(point.group(1)), Double.parseDouble(point.group(2)), epochNs));
                index++;
            }
        }
    }

    /** $..RMC,hhmmss.ss,status,ddmm.mmmm,N|S,dddmm.mmmm,E|W,speed,course,ddmmyy: a void fix (V) is NaN. */
    private static void readRmc(final Path file, final String name, final List<Fix> fixes) throws IOException
    {
        long first = Long.MIN_VALUE;
        for (final String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1))
        {
            final int start = line.indexOf('$');
            if (start < 0 || !line.startsWith("RMC,", start + 3))
            {
                continue;
            }
            final String[] field = line.substring(start).split(",");
            if (field.length < 10 || field[1].length() < 6 || field[9].length() != 6 || field[3].isEmpty() || field[5].isEmpty())
            {
                continue;
            }
            final LocalTime time = LocalTime.parse(field[1].substring(0, 6), DateTimeFormatter.ofPattern("HHmmss"));
            final LocalDate date = LocalDate.parse(field[9], DateTimeFormatter.ofPattern("ddMMyy"));
            final long raw = date.atTime(time).toEpochSecond(ZoneOffset.UTC) * SECOND;
            first = Long.MIN_VALUE == first ? raw : first;
            final boolean valid = "A".equals(field[2]);
            final double latitude = degrees(field[3], 2) * ("S".equals(field[4]) ? -1 : 1);
            final double longitude = degrees(field[5], 3) * ("W".equals(field[6]) ? -1 : 1);
            fixes.add(new Fix(name, hash(name), valid ? latitude : Double.NaN, longitude, SHIFTED_START + raw - first));
        }
    }

    private static double degrees(final String value, final int degreeDigits)
    {
        return Integer.parseInt(value.substring(0, degreeDigits)) + Double.parseDouble(value.substring(degreeDigits)) / 60.0;
    }

    /** Stands in for the caller's keyed hash of the vehicle identity. */
    private static long hash(final String vehicle)
    {
        long h = vehicle.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return h * 0xBF58476D1CE4E5B9L;
    }

    private static Path sharedData()
    {
        final String sharedData = System.getProperty("sluice.shared.data");
        if (null == sharedData)
        {
            throw new IllegalStateException("system property sluice.shared.data is not set (Surefire sets it to <root>/../shared/data)");
        }
        return Path.of(sharedData);
    }
}
