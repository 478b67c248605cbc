package dev.sluice.cli;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.CryptoPanKeyFile;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.KeyDerivation;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import dev.sluice.dataplane.anonymize.pseudonym.ReversiblePseudonym;
import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.Addresses;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code sluice anonymize --method M [--keep-domain] [--reverse] --key-file FILE [VALUES... | -]}:
 * the analysts' pseudonym tool. Prints the pseudonym of each value, one per line, computed by
 * the dataplane's own classes from the region's site key ({@link CryptoPan} with the raw key,
 * the identifier methods through {@link PseudonymMethod} with their derived subkeys), so it is
 * exactly what the gateways wrote. {@code --reverse} undoes Crypto-PAn and the FF1-based
 * methods. Values are the operands, or standard input's lines when there are none or the
 * operand is {@code -}. A value that cannot be transformed is reported on standard error with
 * its position and the reason, and an empty line keeps the output aligned with the input; the
 * exit status is then 1 (other values are still printed). The key is never printed. Main thread.
 */
final class AnonymizeCommand
{
    private static final String METHODS = "cryptopan, hmac, siphash, user, email, mac, imsi, imei, vin, phone";
    private static final String CRYPTO_PAN = "cryptopan";
    private static final int VALUE_ECHO_LIMIT = 80;
    private static final int OUTPUT_LIMIT = 1024;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean reverse;
    private final CryptoPan cryptoPan;
    private final IdentifierPseudonym pseudonym;
    private final byte[] output = new byte[OUTPUT_LIMIT];
    private int failures;
    /** The position of the value being transformed, for messages: "line 3", "value 2". */
    private String currentWhere;

    private AnonymizeCommand(
        final PrintStream out, final PrintStream err, final boolean reverse, final CryptoPan cryptoPan, final IdentifierPseudonym pseudonym)
    {
        this.out = out;
        this.err = err;
        this.reverse = reverse;
        this.cryptoPan = cryptoPan;
        this.pseudonym = pseudonym;
    }

    static int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments = Arguments.parse("anonymize", args, Set.of("method", "key-file"), Set.of("keep-domain", "reverse"));
        final String methodName = arguments.option("method");
        if (null == methodName)
        {
            throw new Arguments.UsageException("anonymize: --method is required: one of " + METHODS);
        }
        final PseudonymMethod method = PseudonymMethod.byKeyword(methodName);
        if (null == method && !CRYPTO_PAN.equals(methodName))
        {
            throw new Arguments.UsageException("anonymize: unknown --method '" + methodName + "': one of " + METHODS);
        }
        final String keyFile = arguments.option("key-file");
        if (null == keyFile)
        {
            throw new Arguments.UsageException("anonymize: --key-file is required: the region's site key (32 raw bytes or 64 hex " +
                "characters, mode 600)");
        }
        final boolean keepDomain = arguments.flag("keep-domain");
        if (keepDomain && PseudonymMethod.EMAIL != method)
        {
            throw new Arguments.UsageException("anonymize: --keep-domain applies to --method email only");
        }
        final boolean reverse = arguments.flag("reverse");

        final byte[] siteKey;
        try
        {
            siteKey = CryptoPanKeyFile.readSiteKey(Path.of(keyFile));
        }
        catch (final IOException ex)
        {
            err.println("sluice anonymize: " + ex.getMessage());
            return 1;
        }

        final AnonymizeCommand command;
        try
        {
            if (null == method)
            {
                command = new AnonymizeCommand(out, err, reverse, new CryptoPan(siteKey), null);
            }
            else
            {
                final KeyDerivation keys = new KeyDerivation(siteKey);
                final IdentifierPseudonym created = method.create(keys, keepDomain);
                keys.wipe();
                if (reverse && !(created instanceof ReversiblePseudonym))
                {
                    throw new Arguments.UsageException("anonymize: --method " + methodName + " is one-way and has no --reverse " +
                        "(reversible: cryptopan, mac, imsi, imei, vin, phone); to find a known value, compute its pseudonym " +
                        "and search for that");
                }
                command = new AnonymizeCommand(out, err, reverse, null, created);
            }
        }
        finally
        {
            Arrays.fill(siteKey, (byte)0);
        }

        final List<String> operands = arguments.operands();
        if (operands.isEmpty() || List.of("-").equals(operands))
        {
            command.readLines(in);
        }
        else
        {
            int position = 0;
            for (final String operand : operands)
            {
                position++;
                command.transform("value " + position, operand);
            }
        }
        out.flush();
        if (command.failures > 0)
        {
            err.println("sluice anonymize: " + command.failures + " value(s) could not be transformed");
            return 1;
        }
        return 0;
    }

    private void readLines(final InputStream in)
    {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        try
        {
            for (String line = reader.readLine(); null != line; line = reader.readLine())
            {
                lineNumber++;
                transform("line " + lineNumber, line);
            }
        }
        catch (final IOException ex)
        {
            err.println("sluice anonymize: reading standard input after line " + lineNumber + ": " + ex.getMessage());
            failures++;
        }
    }

    private void transform(final String where, final String value)
    {
        currentWhere = where;
        final String result = null != cryptoPan ? cryptoPan(value) : identifier(value);
        if (null != result)
        {
            out.println(result);
        }
        else
        {
            out.println();
        }
    }

    private String cryptoPan(final String value)
    {
        final String text = value.strip();
        final AddressPrefix address;
        try
        {
            if (text.indexOf('/') >= 0)
            {
                throw new IllegalArgumentException("a prefix, not an address");
            }
            address = Addresses.parsePrefix(text);
        }
        catch (final IllegalArgumentException ex)
        {
            return fail(value, "not an IPv4 or IPv6 address: " + ex.getMessage());
        }
        if (4 == address.version())
        {
            final int raw = (int)address.low();
            final int result = reverse ? cryptoPan.deanonymizeIpv4(raw) : cryptoPan.anonymizeIpv4(raw);
            return Addresses.format(4, 0, result & 0xFFFF_FFFFL);
        }
        if (reverse)
        {
            cryptoPan.deanonymizeIpv6(address.high(), address.low());
        }
        else
        {
            cryptoPan.anonymizeIpv6(address.high(), address.low());
        }
        return Addresses.format(6, cryptoPan.resultHigh(), cryptoPan.resultLow());
    }

    private String identifier(final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        final int length = reverse ?
            ((ReversiblePseudonym)pseudonym).reverse(bytes, 0, bytes.length, output, 0, output.length) :
            pseudonym.pseudonymize(bytes, 0, bytes.length, output, 0, output.length);
        if (length < 0)
        {
            return fail(value, pseudonym.describe(length));
        }
        return new String(output, 0, length, StandardCharsets.UTF_8);
    }

    private String fail(final String value, final String reason)
    {
        failures++;
        final String shown = value.length() > VALUE_ECHO_LIMIT ? value.substring(0, VALUE_ECHO_LIMIT) + "..." : value;
        err.println("sluice anonymize: " + currentWhere + " '" + shown + "': " + reason);
        return null;
    }
}
