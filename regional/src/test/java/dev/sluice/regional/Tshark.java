package dev.sluice.regional;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs tshark on what a regional core wrote and returns the values of chosen fields for every
 * packet of a capture ({@code tshark -T fields -E occurrence=a}). Fails the calling test, never
 * skips it, when tshark is missing. Mirrors the dataplane's test helper of the same name; the
 * tiers share no test code.
 * <p>
 * Stateless; any thread.
 */
final class Tshark
{
    public static final String NOT_INSTALLED = "tshark not installed: run ./sluice test, which installs it";

    /**
     * Preferences that make tshark dissect each packet on its own, as a gateway does: no IP
     * reassembly (the first fragment's transport header is dissected in place) and no TCP
     * reassembly or sequence analysis (whose expert errors concern streams, not packets).
     */
    public static final List<String> PER_PACKET_PREFERENCES = List.of(
        "ip.defragment:FALSE",
        "ipv6.defragment:FALSE",
        "tcp.desegment_tcp_streams:FALSE",
        "tcp.analyze_sequence_numbers:FALSE",
        "udp.process_info:FALSE");

    /** {@code _ws.expert.severity} value of an error, the level tshark uses for malformed packets. */
    public static final String SEVERITY_ERROR = "8388608";

    private static final char AGGREGATOR = '\u001e';
    private static final long TIMEOUT_SECONDS = 120;

    private Tshark()
    {
    }

    /** One packet's field values: every occurrence of each field, outermost first. */
    public record Packet(int number, Map<String, List<String>> values)
    {
        public List<String> all(final String field)
        {
            final List<String> list = values.get(field);
            if (null == list)
            {
                throw new IllegalArgumentException("field not requested: " + field);
            }
            return list;
        }

        /** The first (outermost) occurrence, or null when the packet has none. */
        public String first(final String field)
        {
            final List<String> list = all(field);
            return list.isEmpty() ? null : list.getFirst();
        }

        public boolean has(final String field)
        {
            return !all(field).isEmpty();
        }

        /** True when tshark found the packet malformed or raised an expert error on it. */
        public boolean malformedOrError()
        {
            return has("_ws.malformed") || all("_ws.expert.severity").contains(SEVERITY_ERROR);
        }
    }

    /** Path of the tshark executable; fails the test with {@link #NOT_INSTALLED} when there is none. */
    public static Path executable()
    {
        return executableOn(System.getenv().getOrDefault("PATH", ""));
    }

    /** Path of tshark on the search path {@code path}; fails the test with {@link #NOT_INSTALLED} when there is none. */
    static Path executableOn(final String path)
    {
        for (final String directory : path.split(java.io.File.pathSeparator))
        {
            if (!directory.isEmpty())
            {
                final Path candidate = Path.of(directory, "tshark");
                if (Files.isExecutable(candidate))
                {
                    return candidate;
                }
            }
        }
        return fail(NOT_INSTALLED);
    }

    /**
     * Dissects {@code capture} with {@code preferences} ({@code name:value}) and returns the
     * requested fields of every packet, in file order. The fields {@code frame.number},
     * {@code _ws.malformed} and {@code _ws.expert.severity} are always included.
     */
    public static List<Packet> fields(final Path capture, final List<String> fields, final List<String> preferences)
    {
        final List<String> allFields = new ArrayList<>(List.of("frame.number", "_ws.malformed", "_ws.expert.severity"));
        for (final String field : fields)
        {
            if (!allFields.contains(field))
            {
                allFields.add(field);
            }
        }

        final List<String> command = new ArrayList<>(List.of(
            executable().toString(), "-n", "-r", capture.toString(), "-T", "fields",
            "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + AGGREGATOR, "-E", "quote=n"));
        for (final String preference : preferences)
        {
            command.add("-o");
            command.add(preference);
        }
        for (final String field : allFields)
        {
            command.add("-e");
            command.add(field);
        }

        try
        {
            final Path errors = Files.createTempFile("tshark", ".err");
            try
            {
                final Process process = new ProcessBuilder(command)
                    .redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
                final List<Packet> packets = new ArrayList<>();
                try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while (null != (line = reader.readLine()))
                    {
                        packets.add(parse(line, allFields));
                    }
                }
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    return fail("tshark did not finish within " + TIMEOUT_SECONDS + " s on " + capture);
                }
                final String stderr = Files.readString(errors);
                // Strict, unlike the dataplane's copy: a file the core wrote must read to its end.
                if (process.exitValue() != 0 || stderr.contains("cut short") || stderr.contains("appears to be damaged"))
                {
                    return fail("tshark failed (" + process.exitValue() + ") on " + capture + ": " + stderr);
                }
                return packets;
            }
            finally
            {
                Files.deleteIfExists(errors);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return fail("interrupted while running tshark");
        }
    }

    private static Packet parse(final String line, final List<String> fields)
    {
        final String[] columns = line.split("\t", -1);
        if (columns.length != fields.size())
        {
            return fail("tshark printed " + columns.length + " columns for " + fields.size() + " fields: " + line);
        }
        final Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++)
        {
            values.put(fields.get(i), columns[i].isEmpty() ?
                List.of() : Arrays.asList(columns[i].split(String.valueOf(AGGREGATOR), -1)));
        }
        return new Packet(Integer.parseInt(values.get("frame.number").getFirst()), values);
    }
}
