package dev.sluice.dataplane.anonymize;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the published Crypto-PAn vectors from the shared data folder; test thread only.
 */
final class CryptoPanVectors
{
    /** One raw address and its anonymized form. */
    record Ipv4Pair(int raw, int anonymized)
    {
    }

    /** One raw IPv6 address and its anonymized form, as high and low halves. */
    record Ipv6Pair(long rawHigh, long rawLow, long anonymizedHigh, long anonymizedLow)
    {
    }

    private CryptoPanVectors()
    {
    }

    static Path directory()
    {
        final String sharedData = System.getProperty("sluice.shared.data");
        if (null == sharedData)
        {
            throw new IllegalStateException("system property sluice.shared.data is not set (Surefire sets it to <root>/../shared/data)");
        }
        final Path directory = Path.of(sharedData, "cryptopan");
        if (!Files.isDirectory(directory))
        {
            throw new IllegalStateException("Crypto-PAn vectors not found at " + directory.toAbsolutePath());
        }
        return directory;
    }

    /** The key of the original sample.cpp, which is also the key of the IPv6 vectors. */
    static byte[] referenceKey() throws IOException
    {
        for (final String line : Files.readAllLines(directory().resolve("ipv6_reference_key.txt")))
        {
            if (line.startsWith("# key:"))
            {
                return HexFormat.of().parseHex(line.substring("# key:".length()).trim());
            }
        }
        throw new IllegalStateException("no '# key:' line in ipv6_reference_key.txt");
    }

    /** Every line of the sample trace, paired with the same line of the sanitized trace. */
    static List<Ipv4Pair> sampleTrace() throws IOException
    {
        final List<String> raw = Files.readAllLines(directory().resolve("sample_trace_raw.dat"));
        final List<String> sanitized = Files.readAllLines(directory().resolve("sample_trace_sanitized.dat"));
        if (raw.size() != sanitized.size())
        {
            throw new IllegalStateException("raw and sanitized traces differ in length: " + raw.size() + " vs " + sanitized.size());
        }

        final List<Ipv4Pair> pairs = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++)
        {
            pairs.add(new Ipv4Pair(ipv4(lastField(raw.get(i))), ipv4(lastField(sanitized.get(i)))));
        }
        return pairs;
    }

    static List<Ipv6Pair> ipv6Vectors() throws IOException
    {
        final List<Ipv6Pair> pairs = new ArrayList<>();
        for (final String line : Files.readAllLines(directory().resolve("ipv6_reference_key.txt")))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.trim().split("\\s+");
            final ByteBuffer raw = ByteBuffer.wrap(InetAddress.ofLiteral(fields[0]).getAddress());
            final ByteBuffer anonymized = ByteBuffer.wrap(InetAddress.ofLiteral(fields[1]).getAddress());
            pairs.add(new Ipv6Pair(raw.getLong(0), raw.getLong(8), anonymized.getLong(0), anonymized.getLong(8)));
        }
        return pairs;
    }

    static int ipv4(final String dotted)
    {
        return ByteBuffer.wrap(InetAddress.ofLiteral(dotted).getAddress()).getInt(0);
    }

    static String dotted(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    private static String lastField(final String line)
    {
        final String[] fields = line.trim().split("\\s+");
        return fields[fields.length - 1];
    }
}
