package dev.sluice.cli;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sluice anonymize}: the Crypto-PAn sample trace (../shared/data/cryptopan, raw to
 * sanitized addresses exactly) through the command, round trips with --reverse, the key file's
 * permission check, bad values and the one-way methods.
 */
class AnonymizeCommandTest
{
    @TempDir
    Path directory;

    private record Result(int status, String out, String err)
    {
        List<String> lines()
        {
            return out.isEmpty() ? List.of() : List.of(out.split("\n", -1)).subList(0, out.split("\n", -1).length - 1);
        }
    }

    private static Path cryptoPanData()
    {
        return Path.of(System.getProperty("sluice.shared.data"), "cryptopan");
    }

    private static byte[] referenceKey() throws IOException
    {
        for (final String line : Files.readAllLines(cryptoPanData().resolve("ipv6_reference_key.txt")))
        {
            if (line.startsWith("# key:"))
            {
                return HexFormat.of().parseHex(line.substring("# key:".length()).trim());
            }
        }
        throw new IllegalStateException("no '# key:' line in ipv6_reference_key.txt");
    }

    private Path keyFile(final byte[] key) throws IOException
    {
        final Path keyFile = directory.resolve("site-" + System.nanoTime() + ".key");
        CryptoPan.writeKeyFile(keyFile, key);
        return keyFile;
    }

    private static Result run(final String stdin, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> arguments = new ArrayList<>(List.of(args));
        final int status;
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        if (null == stdin)
        {
            arguments.addFirst("anonymize");
            status = SluiceCommand.run(arguments, outStream, errStream);
        }
        else
        {
            int code;
            try
            {
                code = AnonymizeCommand.run(arguments, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    outStream, errStream);
            }
            catch (final Arguments.UsageException ex)
            {
                errStream.println("sluice " + ex.getMessage());
                code = 2;
            }
            status = code;
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> addresses(final String file) throws IOException
    {
        final List<String> addresses = new ArrayList<>();
        for (final String line : Files.readAllLines(cryptoPanData().resolve(file)))
        {
            final String[] fields = line.trim().split("\\s+");
            addresses.add(fields[fields.length - 1]);
        }
        return addresses;
    }

    @Test
    void anonymizesTheCryptoPanSampleTraceExactly() throws IOException
    {
        final List<String> raw = addresses("sample_trace_raw.dat");
        final List<String> sanitized = addresses("sample_trace_sanitized.dat");
        final Path keyFile = keyFile(referenceKey());

        final Result fromStdin = run(String.join("\n", raw) + "\n", "--method", "cryptopan", "--key-file", keyFile.toString());
        assertEquals(0, fromStdin.status(), fromStdin.err());
        assertEquals(sanitized, fromStdin.lines());

        final List<String> args = new ArrayList<>(List.of("--method", "cryptopan", "--key-file", keyFile.toString()));
        args.addAll(raw);
        final Result fromArguments = run(null, args.toArray(String[]::new));
        assertEquals(0, fromArguments.status(), fromArguments.err());
        assertEquals(sanitized, fromArguments.lines());

        final Result reversed = run(String.join("\n", sanitized), "--method", "cryptopan", "--reverse", "--key-file", keyFile.toString());
        assertEquals(0, reversed.status(), reversed.err());
        assertEquals(raw, reversed.lines());
    }

    @Test
    void ipv6RoundTrip() throws IOException
    {
        final Path keyFile = keyFile(referenceKey());
        final Result forward = run(null, "--method", "cryptopan", "--key-file", keyFile.toString(), "2001:db8::1", "::1");
        assertEquals(0, forward.status(), forward.err());
        final List<String> pseudonyms = forward.lines();
        assertEquals(2, pseudonyms.size());
        final Result back = run(String.join("\n", pseudonyms), "--method", "cryptopan", "--reverse", "--key-file", keyFile.toString());
        assertEquals(List.of("2001:db8::1", "::1"), back.lines());
    }

    @Test
    void identifierMethodsAreTheDataplanesAndReverse() throws IOException
    {
        final byte[] siteKey = new byte[32];
        siteKey[3] = 42;
        final Path keyFile = keyFile(siteKey);
        final String[][] cases = {
            {"imsi", "310260123456789"}, {"imei", "490154203237518"}, {"vin", "1M8GDM9AXKP042788"},
            {"mac", "00:1b:63:84:45:e6"}, {"phone", "+49 30 1234567"}, {"user", "alice"}, {"email", "alice@corp.example.com"},
            {"hmac", "session-1"}, {"siphash", "session-1"},
        };
        for (final String[] c : cases)
        {
            final Result forward = run(null, "--method", c[0], "--key-file", keyFile.toString(), c[1]);
            assertEquals(0, forward.status(), forward.err());
            final IdentifierPseudonym direct = PseudonymMethod.byKeyword(c[0]).create(new KeyDerivation(siteKey), false);
            final byte[] in = c[1].getBytes(StandardCharsets.UTF_8);
            final byte[] out = new byte[256];
            final int length = direct.pseudonymize(in, 0, in.length, out, 0, out.length);
            assertEquals(List.of(new String(out, 0, length, StandardCharsets.UTF_8)), forward.lines(), c[0]);
            if (!List.of("user", "email", "hmac", "siphash").contains(c[0]))
            {
                final Result back = run(null, "--method", c[0], "--reverse", "--key-file", keyFile.toString(), forward.lines().get(0));
                assertEquals(List.of(c[1]), back.lines(), c[0]);
            }
        }
        final Result keep = run(null, "--method", "email", "--keep-domain", "--key-file", keyFile.toString(), "bob@corp.example.com");
        assertTrue(keep.lines().get(0).endsWith("@corp.example.com"), keep.out());
    }

    @Test
    void refusesAKeyFileOthersCanRead() throws IOException
    {
        final byte[] key = new byte[32];
        key[0] = (byte)0xAB;
        key[1] = (byte)0xCD;
        final Path keyFile = keyFile(key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        final Result result = run(null, "--method", "imsi", "--key-file", keyFile.toString(), "310260123456789");
        assertEquals(1, result.status());
        assertTrue(result.err().contains("accessible by group or others") && result.err().contains("chmod 600"), result.err());
        assertTrue(result.err().contains("site key file"), result.err());
        assertFalse(result.err().toLowerCase().contains("abcd"), "no key bytes in messages");
        assertEquals("", result.out());

        final Result missing = run(null, "--method", "imsi", "--key-file", directory.resolve("none.key").toString(), "1");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void badValuesAreReportedWithTheirLineAndTheRestIsPrinted() throws IOException
    {
        final Path keyFile = keyFile(new byte[32]);
        final Result result = run("310260123456789\nnot-an-imsi\n\n262011234567890\n", "--method", "imsi", "--key-file",
            keyFile.toString(), "-");
        assertEquals(1, result.status());
        final List<String> lines = result.lines();
        assertEquals(4, lines.size(), result.out());
        assertTrue(lines.get(0).matches("310260\\d{9}"));
        assertEquals("", lines.get(1));
        assertEquals("", lines.get(2));
        assertTrue(lines.get(3).matches("26201\\d{10}"));
        assertTrue(result.err().contains("line 2 'not-an-imsi': the value contains a character"), result.err());
        assertTrue(result.err().contains("line 3 '': the value is empty"), result.err());
        assertTrue(result.err().contains("2 value(s) could not be transformed"), result.err());

        final Result address = run(null, "--method", "cryptopan", "--key-file", keyFile.toString(), "10.0.0.1", "10.0.0.0/8", "host");
        assertEquals(1, address.status());
        assertEquals(3, address.lines().size());
        assertTrue(address.err().contains("value 2 '10.0.0.0/8': not an IPv4 or IPv6 address"), address.err());
        assertTrue(address.err().contains("value 3 'host'"), address.err());
    }

    @Test
    void usageMistakes() throws IOException
    {
        final Path keyFile = keyFile(new byte[32]);
        assertEquals(2, run(null, "--method", "user", "--reverse", "--key-file", keyFile.toString(), "alice").status());
        assertEquals(2, run(null, "--method", "nope", "--key-file", keyFile.toString(), "x").status());
        assertEquals(2, run(null, "--key-file", keyFile.toString(), "x").status());
        assertEquals(2, run(null, "--method", "user", "x").status());
        assertEquals(2, run(null, "--method", "user", "--keep-domain", "--key-file", keyFile.toString(), "x").status());
        final Result help = run(null);
        assertEquals(2, help.status());
        final ByteArrayOutputStream usage = new ByteArrayOutputStream();
        SluiceCommand.run(List.of("help"), new PrintStream(usage, true, StandardCharsets.UTF_8), System.err);
        assertTrue(usage.toString(StandardCharsets.UTF_8).contains("anonymize --method cryptopan|hmac|siphash"));
    }
}
