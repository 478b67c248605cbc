package dev.sluice.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.anonymize.CryptoPan;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads back what the two regional cores wrote and proves the residency rule held: the
 * foreign region received the same records as the home region, in the same order, with every
 * address replaced by exactly its Crypto-PAn image under the site's key, and nothing else
 * changed. Main thread, after the cores are closed.
 *
 * @param homeRecords     records in the home region's file
 * @param foreignRecords  records in the foreign region's file
 * @param addressesChecked addresses in the foreign file verified against Crypto-PAn of the home file's
 * @param ownImages       of those, the addresses that are their own Crypto-PAn image under this key:
 *                        Crypto-PAn leaves about 1 in 15,000 addresses unchanged (see {@link CryptoPan}),
 *                        so an address can read the same in both files although it was transformed
 * @param problems        the first few mismatches, empty when the check passed
 */
public record OutputCheck(
    long homeRecords, long foreignRecords, long addressesChecked, long ownImages, List<String> problems)
{
    private static final int MAX_PROBLEMS = 5;
    private static final String[] UNCHANGED_FIELDS = {
        "gateway", "site", "origin_region", "policy_version", "type", "ts_ns", "wire_len", "cap_len", "vlan",
        "eth_type", "ip_version", "ip_proto", "src_port", "dst_port", "tcp_flags", "icmp_type", "icmp_code",
        "first_seen_ns", "last_seen_ns", "packets", "bytes", "reverse_packets", "reverse_bytes", "end_reason"};
    private static final String[] ADDRESS_FIELDS = {"src", "dst"};

    public boolean passed()
    {
        return problems.isEmpty() && homeRecords == foreignRecords;
    }

    static OutputCheck of(final Path homeFile, final Path foreignFile, final Path keyFile) throws IOException
    {
        final CryptoPan cryptoPan = CryptoPan.fromKeyFile(keyFile);
        final ObjectMapper mapper = new ObjectMapper();
        final List<String> problems = new ArrayList<>();
        long home = 0;
        long foreign = 0;
        long addresses = 0;
        long ownImages = 0;
        try (BufferedReader homeReader = Files.newBufferedReader(homeFile, StandardCharsets.UTF_8);
            BufferedReader foreignReader = Files.newBufferedReader(foreignFile, StandardCharsets.UTF_8))
        {
            while (true)
            {
                final String homeLine = homeReader.readLine();
                final String foreignLine = foreignReader.readLine();
                if (homeLine != null)
                {
                    home++;
                }
                if (foreignLine != null)
                {
                    foreign++;
                }
                if (homeLine == null || foreignLine == null)
                {
                    home += count(homeReader);
                    foreign += count(foreignReader);
                    break;
                }
                final JsonNode raw = mapper.readTree(homeLine);
                final JsonNode anonymized = mapper.readTree(foreignLine);
                for (final String field : UNCHANGED_FIELDS)
                {
                    if (!raw.path(field).equals(anonymized.path(field)))
                    {
                        note(problems, "record " + home + ": '" + field + "' differs: " +
                            raw.path(field) + " vs " + anonymized.path(field));
                    }
                }
                if (!raw.path("src").isNull())
                {
                    for (final String field : ADDRESS_FIELDS)
                    {
                        addresses++;
                        ownImages += checkAddress(cryptoPan, raw, anonymized, field, problems, home) ? 1 : 0;
                    }
                }
            }
        }
        if (home != foreign)
        {
            note(problems, "the home region has " + home + " records, the foreign region " + foreign);
        }
        return new OutputCheck(home, foreign, addresses, ownImages, List.copyOf(problems));
    }

    private static long count(final BufferedReader reader) throws IOException
    {
        long lines = 0;
        while (reader.readLine() != null)
        {
            lines++;
        }
        return lines;
    }

    /** @return true when the address is its own image (whether or not it arrived as such) */
    private static boolean checkAddress(
        final CryptoPan cryptoPan,
        final JsonNode raw,
        final JsonNode anonymized,
        final String field,
        final List<String> problems,
        final long record) throws IOException
    {
        final byte[] original = InetAddress.getByName(raw.path(field).asText()).getAddress();
        final byte[] expected;
        if (original.length == 4)
        {
            expected = ByteBuffer.allocate(4).putInt(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(original).getInt())).array();
        }
        else
        {
            final ByteBuffer address = ByteBuffer.wrap(original);
            cryptoPan.anonymizeIpv6(address.getLong(), address.getLong());
            expected = ByteBuffer.allocate(16).putLong(cryptoPan.resultHigh()).putLong(cryptoPan.resultLow()).array();
        }
        final byte[] actual = InetAddress.getByName(anonymized.path(field).asText()).getAddress();
        boolean flagged = false;
        for (final JsonNode name : anonymized.path("anonymized"))
        {
            flagged |= name.asText().equals(field);
        }
        if (!Arrays.equals(expected, actual) || !flagged)
        {
            note(problems, "record " + record + ": " + field + " " + raw.path(field).asText() + " reached the foreign region as " +
                anonymized.path(field).asText() + (flagged ? "" : " (not flagged anonymized)") + ", expected " +
                InetAddress.getByAddress(expected).getHostAddress());
        }
        return Arrays.equals(original, expected);
    }

    private static void note(final List<String> problems, final String problem)
    {
        if (problems.size() < MAX_PROBLEMS)
        {
            problems.add(problem);
        }
    }
}
