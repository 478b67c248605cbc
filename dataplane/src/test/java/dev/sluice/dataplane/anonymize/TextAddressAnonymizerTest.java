package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.testing.SharedData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextAddressAnonymizerTest
{
    private CryptoPan cryptoPan;
    private TextAddressAnonymizer anonymizer;
    private TextAddressModel model;

    @BeforeEach
    void setUp() throws IOException
    {
        cryptoPan = new CryptoPan(CryptoPanVectors.referenceKey());
        anonymizer = new TextAddressAnonymizer(cryptoPan);
        model = new TextAddressModel(new CryptoPan(CryptoPanVectors.referenceKey()), false);
    }

    @Test
    void referenceIpv4VectorsInOneLine() throws IOException
    {
        final StringBuilder raw = new StringBuilder();
        final StringBuilder expected = new StringBuilder();
        for (final CryptoPanVectors.Ipv4Pair pair : CryptoPanVectors.sampleTrace())
        {
            raw.append("src=").append(CryptoPanVectors.dotted(pair.raw())).append(", ");
            expected.append("src=").append(CryptoPanVectors.dotted(pair.anonymized())).append(", ");
        }
        assertEquals(expected.toString(), rewrite(raw.toString()));
        assertEquals(CryptoPanVectors.sampleTrace().size(), anonymizer.addressesRewritten());
    }

    @Test
    void referenceIpv6Vectors() throws IOException
    {
        for (final CryptoPanVectors.Ipv6Pair pair : CryptoPanVectors.ipv6Vectors())
        {
            final String raw = TextAddressModel.rfc5952(pair.rawHigh(), pair.rawLow());
            final String image = TextAddressModel.rfc5952(pair.anonymizedHigh(), pair.anonymizedLow());
            assertEquals("addr=" + image + " port", rewrite("addr=" + raw + " port"));
            assertEquals(1, anonymizer.addressesRewritten());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3.4", "1.2.3.4,", "1.2.3.4:514", "(1.2.3.4)", "src=1.2.3.4", "ip\":\"10.0.0.1\"", "from 1.2.3.4.",
        "10.1.2.0/24", "client:10.0.0.1", "/10.250.19.102:54106", "[173.234.31.186]", "0.0.0.0", "255.255.255.255",
        "1.2.3.4-1.2.3.9", "host_1.2.3.4", "<1.2.3.4>", "'1.2.3.4'", "1.2.3.4\n", "\t1.2.3.4\r\n", "1.2.3.4:5.6.7.8",
        "1.2.3.4.example.com", "rhost=68.143.156.89.nw.nu", "(62.99.164.82.sh.in", "1.2.3.4..x", "rv:1.9.2.12"})
    void ipv4InContext(final String text)
    {
        final String expected = model.rewrite(text);
        assertEquals(expected, rewrite(text));
        assertTrue(anonymizer.addressesRewritten() >= 1, text);
        final Matcher quad = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+").matcher(text);
        final StringBuilder byHand = new StringBuilder();
        while (quad.find())
        {
            quad.appendReplacement(byHand, CryptoPanVectors.dotted(cryptoPan.anonymizeIpv4(CryptoPanVectors.ipv4(quad.group()))));
        }
        quad.appendTail(byHand);
        assertEquals(byHand.toString(), expected, "model and direct CryptoPan calls agree");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3.4.5", "v1.2.3.4", "1.2.3.4a", "a1.2.3.4", "256.1.1.1", "1.2.3", "1.2.3.",
        "010.1.2.3", "1.2.3.04", ".1.2.3.4", "1..2.3.4", "1.2.3.4567", "1234.1.1.1", "x.1.2.3.4",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Received disconnect: 11: Bye Bye [preauth]",
        "00:1a:2b:3c:4d:5e", "00:1A:2B:3C:4D:5E:6F:70:81", "22:14:15", "22:14:15.123", "std::vector", "Class::method",
        "a :: b", "::", ":::", "ip:2001:db8::1", "fe80::1::2", "1:2:3:4:5:6:7:8:9", "12345::1", "02101:db8::abcd", "1::02101", "::g", "1:2:3:4:5:6:7",
        "::ffff:1.2.3.4.5", "::ffff:256.1.2.3", "::1.2.3", "deadbeef", "cafe", "2001:db8::1x", "1.2.3.4e5",
        "version 2.0.1, build 10.5", "1.2.3.4.5.6.7.8", "1.2.3.4.5.nw", "1.2.3.4a.nw", "0x1.2.3.4", "1e10.1.1.1"})
    void nonAddressesStayByteIdentical(final String text)
    {
        assertEquals(text, rewrite(text));
        assertEquals(0, anonymizer.addressesRewritten(), text);
        assertEquals(text, model.rewrite(text));
    }

    @Test
    void ipv6Forms()
    {
        assertIpv6("::1", "::1");
        assertIpv6("addr=2001:db8::1 ok", "2001:db8::1");
        assertIpv6("2001:DB8::ABCD", "2001:DB8::ABCD");
        assertIpv6("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:0db8:0000:0000:0000:0000:0000:0001");
        assertIpv6("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
        assertIpv6("1::", "1::");
        assertIpv6("2001:db8::/32", "2001:db8::");
        assertIpv6("fe80::1%eth0", "fe80::1");
        assertIpv6("[2001:db8::1]:443", "2001:db8::1");
        assertIpv6("::ffff:192.0.2.1", "::ffff:192.0.2.1");
        assertIpv6("::1.2.3.4", "::1.2.3.4");
        assertIpv6("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:1.2.3.4");
        assertIpv6("refused by fe80::1: bye", "fe80::1");
        assertIpv6("from 2001:db8::5.", "2001:db8::5");
        assertIpv6("\"ip\":\"2001:db8:85a3::8a2e:370:7334\"", "2001:db8:85a3::8a2e:370:7334");

        final String zoned = rewrite("fe80::1%eth0");
        assertTrue(zoned.endsWith("%eth0"), zoned);
        final String bracketed = rewrite("[2001:db8::1]:443");
        assertTrue(bracketed.startsWith("[") && bracketed.endsWith("]:443"), bracketed);
    }

    @Test
    void imagesAreRfc5952()
    {
        final String text = "a=2001:DB8:0:0:0:0:0:1 b=::ffff:192.0.2.1 c=1:0:0:2:0:0:0:3 d=0:0:1:0:0:0:0:0";
        final String out = rewrite(text);
        for (final String image : out.split(" "))
        {
            final String address = image.substring(2);
            final long[] parsed = TextAddressModel.ipv6(address);
            assertEquals(TextAddressModel.rfc5952(parsed[0], parsed[1]), address);
            assertEquals(address.toLowerCase(), address);
        }
        assertEquals(4, anonymizer.addressesRewritten());
    }

    @Test
    void severalAddressesAtStartAndEnd()
    {
        final String text = "10.0.0.1 -> 192.168.1.20:443 via 2001:db8::1 and [fe80::2%en0]; last 172.16.0.9";
        final String out = rewrite(text);
        assertEquals(model.rewrite(text), out);
        assertEquals(5, anonymizer.addressesRewritten());
        assertTrue(out.startsWith(CryptoPanVectors.dotted(cryptoPan.anonymizeIpv4(CryptoPanVectors.ipv4("10.0.0.1"))) + " -> "));
        assertTrue(out.endsWith("; last " + CryptoPanVectors.dotted(cryptoPan.anonymizeIpv4(CryptoPanVectors.ipv4("172.16.0.9")))));
    }

    @Test
    void emptyAndAddressFreeText()
    {
        assertEquals("", rewrite(""));
        assertEquals(0, anonymizer.addressesRewritten());
        assertEquals("no address here", rewrite("no address here"));
    }

    @Test
    void targetTooSmallReturnsMinusOne()
    {
        final byte[] text = "src=10.0.0.1 dst=2001:db8::1 done".getBytes(StandardCharsets.US_ASCII);
        final MemorySegment source = MemorySegment.ofArray(text);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[TextAddressAnonymizer.maxOutputLength(text.length)]);
        final int length = anonymizer.rewrite(source, 0, text.length, big, 0, big.capacity());
        assertTrue(length > 0);
        for (int limit = 0; limit < length; limit++)
        {
            final UnsafeBuffer small = new UnsafeBuffer(new byte[limit + 8]);
            assertEquals(-1, anonymizer.rewrite(source, 0, text.length, small, 0, limit), "limit " + limit);
        }
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[length + 3]);
        assertEquals(length, anonymizer.rewrite(source, 0, text.length, exact, 3, length + 3));
        assertEquals(big.getStringWithoutLengthAscii(0, length), exact.getStringWithoutLengthAscii(3, length));
    }

    @Test
    void writesOnlyInsideTheTargetRange()
    {
        final byte[] text = "x 1.2.3.4 y".getBytes(StandardCharsets.US_ASCII);
        final byte[] target = new byte[64];
        java.util.Arrays.fill(target, (byte)'#');
        final int length = anonymizer.rewrite(MemorySegment.ofArray(text), 0, text.length, new UnsafeBuffer(target), 10, 40);
        for (int i = 0; i < target.length; i++)
        {
            if (i < 10 || i >= 10 + length)
            {
                assertEquals('#', target[i], "byte " + i);
            }
        }
    }

    @Test
    void readsAtAnOffsetOffHeap()
    {
        final byte[] text = "ZZZsrc=10.0.0.1 dst=::1ZZZ".getBytes(StandardCharsets.US_ASCII);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(text.length);
            MemorySegment.copy(text, 0, segment, ValueLayout.JAVA_BYTE, 0, text.length);
            final UnsafeBuffer target = new UnsafeBuffer(arena.allocate(256).address(), 256);
            final int length = anonymizer.rewrite(segment, 3, text.length - 6, target, 0, 256);
            assertEquals(model.rewrite("src=10.0.0.1 dst=::1"), target.getStringWithoutLengthAscii(0, length));
            assertEquals(2, anonymizer.addressesRewritten());
        }
    }

    @Test
    void rejectsInconsistentRanges()
    {
        final MemorySegment source = MemorySegment.ofArray(new byte[10]);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> anonymizer.rewrite(source, 5, 6, target, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> anonymizer.rewrite(source, 0, -1, target, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> anonymizer.rewrite(source, 0, 1, target, 0, 11));
        assertThrows(IllegalArgumentException.class, () -> anonymizer.rewrite(source, 0, 1, target, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> TextAddressAnonymizer.maxOutputLength(-1));
    }

    @Test
    void maxOutputLengthBoundsTheWorstCase()
    {
        final StringBuilder worst = new StringBuilder("::1");
        while (worst.length() < 400)
        {
            worst.append(" ::").append(Integer.toHexString(1 + worst.length()));
        }
        final String text = worst.toString();
        final String out = rewrite(text);
        assertTrue(out.length() <= TextAddressAnonymizer.maxOutputLength(text.length()));
        assertEquals(0, TextAddressAnonymizer.maxOutputLength(0));
        assertEquals(Integer.MAX_VALUE, TextAddressAnonymizer.maxOutputLength(Integer.MAX_VALUE));
        for (int length = 0; length < 20; length++)
        {
            assertTrue(TextAddressAnonymizer.maxOutputLength(length) >= length);
        }
        assertEquals(3 + 36, TextAddressAnonymizer.maxOutputLength(3));
    }

    @Test
    void loghubLinesMatchTheModel() throws IOException
    {
        int addresses = 0;
        int changedLines = 0;
        for (final String line : loghubLines())
        {
            final String out = rewrite(line);
            assertEquals(model.rewrite(line), out, line);
            assertEquals(model.find(line).size(), anonymizer.addressesRewritten(), line);
            assertNoRawAddressLeft(line, out);
            addresses += anonymizer.addressesRewritten();
            changedLines += out.equals(line) ? 0 : 1;
        }
        // Linux and OpenSSH name remote hosts, HDFS data nodes with ports: thousands of addresses.
        assertTrue(addresses > 4000, "addresses " + addresses);
        assertTrue(changedLines > 3000, "changed lines " + changedLines);
    }

    @Test
    void goSyslogCasesMatchTheModel() throws IOException
    {
        int addresses = 0;
        for (final String line : goSyslogInputs())
        {
            final String out = rewrite(line);
            assertEquals(model.rewrite(line), out, line);
            assertNoRawAddressLeft(line, out);
            addresses += anonymizer.addressesRewritten();
        }
        assertTrue(addresses >= 3, "addresses " + addresses);
        final String apache = "<34>Aug  7 06:30:00 xxx aaa: message from 1.2.3.4";
        assertEquals("<34>Aug  7 06:30:00 xxx aaa: message from " +
            CryptoPanVectors.dotted(cryptoPan.anonymizeIpv4(CryptoPanVectors.ipv4("1.2.3.4"))), rewrite(apache));
    }

    @Test
    void randomAddressTextRoundTrips()
    {
        final TextAddressAnonymizer reverse = TextAddressAnonymizer.deanonymizing(new CryptoPan(key(), 0));
        final SplittableRandom random = new SplittableRandom(20261127);
        final String[] separators = {" ", ", ", "=", "\"", "[", "]", "/", "%", "-", "\n", ";", "(", ")", "_", "\t", "'"};
        final String[] noise = {"22:14:15", "00:1a:2b:3c:4d:5e", "std::vector", "v1.2.3.4", "1.2.3.4.5", "256.1.1.1", "1.2.3",
            "sshd[24200]:", "port", "::", "rv:1.9.2", "x", "", "010.1.2.3", "2001:db8::1x", "Dec", "a:b", "1.2.3.4a"};
        for (int round = 0; round < 2000; round++)
        {
            final StringBuilder text = new StringBuilder();
            int addresses = 0;
            final int parts = 1 + random.nextInt(12);
            for (int part = 0; part < parts; part++)
            {
                text.append(separators[random.nextInt(separators.length)]);
                switch (random.nextInt(4))
                {
                    case 0 -> text.append(noise[random.nextInt(noise.length)]);
                    case 1 ->
                    {
                        text.append(CryptoPanVectors.dotted(random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt()));
                        addresses++;
                    }
                    case 2 ->
                    {
                        text.append(randomIpv6(random));
                        addresses++;
                    }
                    default ->
                    {
                        text.append("port:").append(CryptoPanVectors.dotted(random.nextInt())).append(random.nextBoolean() ? "." : "");
                        addresses++;
                    }
                }
            }
            final String original = text.toString();
            final String anonymized = rewrite(anonymizer, original);
            assertEquals(addresses, anonymizer.addressesRewritten(), original);
            assertEquals(model.rewrite(original), anonymized, original);
            final String restored = rewrite(reverse, anonymized);
            assertEquals(addresses, reverse.addressesRewritten(), anonymized);
            assertEquals(original, restored, "anonymized: " + anonymized);
        }
    }

    private String randomIpv6(final SplittableRandom random)
    {
        final long high = switch (random.nextInt(4))
        {
            case 0 -> 0L;
            case 1 -> 0x2001_0db8_0000_0000L | (random.nextLong() & 0xFFFF_FFFFL);
            case 2 -> 0xFE80_0000_0000_0000L;
            default -> random.nextLong();
        };
        final long low = switch (random.nextInt(4))
        {
            case 0 -> 1 + random.nextInt(0xFFFF);
            case 1 -> 0xFFFF_0000_0000L | (random.nextInt() & 0xFFFF_FFFFL);
            case 2 -> random.nextLong() & 0xFFFF_0000_FFFF_0000L;
            default -> random.nextLong();
        };
        return TextAddressModel.rfc5952(high, 0 == high && 0 == low ? 1 : low);
    }

    private void assertIpv6(final String text, final String address)
    {
        final long[] parsed = TextAddressModel.ipv6(address);
        cryptoPan.anonymizeIpv6(parsed[0], parsed[1]);
        final String image = TextAddressModel.rfc5952(cryptoPan.resultHigh(), cryptoPan.resultLow());
        final int at = text.indexOf(address);
        final String expected = text.substring(0, at) + image + text.substring(at + address.length());
        assertEquals(expected, rewrite(text), text);
        assertEquals(1, anonymizer.addressesRewritten(), text);
        assertEquals(expected, model.rewrite(text), text);
    }

    /** Every dotted quad the model calls an address is gone from the output; all else is as it was. */
    private void assertNoRawAddressLeft(final String line, final String out)
    {
        final List<TextAddressModel.Replacement> replacements = model.find(line);
        int inputAt = 0;
        int outputAt = 0;
        for (final TextAddressModel.Replacement replacement : replacements)
        {
            final int gap = replacement.start() - inputAt;
            assertEquals(line.substring(inputAt, replacement.start()), out.substring(outputAt, outputAt + gap));
            outputAt += gap;
            assertEquals(replacement.image(), out.substring(outputAt, outputAt + replacement.image().length()));
            outputAt += replacement.image().length();
            inputAt = replacement.end();
        }
        assertEquals(line.substring(inputAt), out.substring(outputAt));
    }

    @Test
    void truncatingKeepsThePrefixOfEveryAddress()
    {
        final TextAddressAnonymizer truncating = TextAddressAnonymizer.truncating(24, 48);
        assertEquals("src=192.0.2.0 dst=[2001:db8:85a3::]:443 at 10.1.2.0.",
            rewrite(truncating, "src=192.0.2.77 dst=[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443 at 10.1.2.3."));
        assertEquals("0.0.0.0 ::", rewrite(TextAddressAnonymizer.truncating(0, 0), "198.51.100.7 2001:db8::1"));
        assertEquals("198.51.100.7 2001:db8::1", rewrite(TextAddressAnonymizer.truncating(32, 128), "198.51.100.7 2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> TextAddressAnonymizer.truncating(33, 48));
    }

    private String rewrite(final String text)
    {
        return rewrite(anonymizer, text);
    }

    static String rewrite(final TextAddressAnonymizer anonymizer, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[TextAddressAnonymizer.maxOutputLength(bytes.length)]);
        final int length = anonymizer.rewrite(MemorySegment.ofArray(bytes), 0, bytes.length, target, 0, target.capacity());
        assertFalse(length < 0, text);
        final byte[] out = new byte[length];
        target.getBytes(0, out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static byte[] key()
    {
        try
        {
            return CryptoPanVectors.referenceKey();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static List<String> loghubLines() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String system : List.of("Linux", "OpenSSH", "Apache", "HDFS"))
        {
            final Path file = SharedData.root().resolve("syslog/loghub/" + system + "_2k.log");
            lines.addAll(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        }
        return lines;
    }

    static List<String> goSyslogInputs() throws IOException
    {
        final Pattern b64 = Pattern.compile("\"input_b64\": \"([^\"]*)\"");
        final List<String> inputs = new ArrayList<>();
        for (final String name : List.of("rfc5424_cases.jsonl", "rfc3164_cases.jsonl"))
        {
            for (final String line : Files.readAllLines(SharedData.root().resolve("syslog/go-syslog/" + name)))
            {
                final Matcher matcher = b64.matcher(line);
                if (matcher.find())
                {
                    inputs.add(new String(Base64.getDecoder().decode(matcher.group(1)), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return inputs;
    }
}
