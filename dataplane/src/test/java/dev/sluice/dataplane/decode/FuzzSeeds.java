package dev.sluice.dataplane.decode;

import dev.sluice.dataplane.decode.GoldenPackets.Golden;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the seed inputs of {@link PacketDecoderFuzzTest}: the golden packets into the
 * committed seed directories under {@code src/test/resources}, and, for local fuzzing runs
 * only, every packet of the shared captures into Jazzer's generated corpus
 * ({@code .cifuzz-corpus}, not committed: the shared data is never copied into the repository).
 * <pre>
 *   mvn -q -pl dataplane -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   cd dataplane &amp;&amp; java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *       dev.sluice.dataplane.decode.FuzzSeeds src/test/resources .cifuzz-corpus ../../shared/data
 * </pre>
 * Run by hand; single-threaded.
 */
public final class FuzzSeeds
{
    private static final String CLASS = PacketDecoderFuzzTest.class.getName();
    private static final String INPUTS = CLASS.replace('.', '/') + "Inputs";

    /** The payloads behind {@link PacketDecoderFuzzTest#wrapInOuterHeaders}, one seed each. */
    static final Map<String, byte[]> TUNNEL_PAYLOADS = Map.ofEntries(
        Map.entry("gtp-ipv4-tcp", seed(PacketDecoderFuzzTest.GTP_U, GoldenTunnels.gtp("30", 0xFF, "12345678", "",
            GoldenTunnels.ipv4(6, GoldenTunnels.INNER_V4, GoldenTunnels.tcp(50000, 443, 0x002))))),
        Map.entry("gtp-extension-ipv6-dns", seed(PacketDecoderFuzzTest.GTP_U, GoldenTunnels.gtp("34", 0xFF, "0000beef",
            "0000 00 85 01 0009 00", GoldenTunnels.ipv6(17, GoldenTunnels.INNER_V6, GoldenTunnels.udp(40000, 53,
                GoldenTunnels.dnsQuery("06 6d6f62696c65 03 636f6d", "001c")))))),
        Map.entry("vxlan-ipv4-udp", seed(PacketDecoderFuzzTest.VXLAN, GoldenTunnels.cat("08000000 00007b00",
            GoldenTunnels.eth(0x0800, GoldenTunnels.ipv4(17, GoldenTunnels.INNER_V4, GoldenTunnels.udp(1, 2, "00")))))),
        Map.entry("geneve-options-ethernet", seed(PacketDecoderFuzzTest.GENEVE, GoldenTunnels.cat(
            "02 00 6558 0a0b0c00 0102 80 01 deadbeef",
            GoldenTunnels.eth(0x0800, GoldenTunnels.ipv4(1, GoldenTunnels.INNER_V4, GoldenTunnels.ICMP_ECHO))))),
        Map.entry("teredo-origin-ipv6", seed(PacketDecoderFuzzTest.TEREDO, GoldenTunnels.cat("0000 f227 3fffffff",
            GoldenTunnels.ipv6(58, GoldenTunnels.INNER_V6, GoldenTunnels.ICMPV6_ECHO)))),
        Map.entry("teredo-authentication", seed(PacketDecoderFuzzTest.TEREDO, GoldenTunnels.cat(
            "0001 02 01 aaaa bb 0102030405060708 00", GoldenTunnels.ipv6(59, GoldenTunnels.INNER_V6, new byte[0])))),
        Map.entry("gre-key-ipv4", seed(PacketDecoderFuzzTest.GRE_IN_IPV4, GoldenTunnels.cat("2000 0800 0000002a",
            GoldenTunnels.ipv4(17, GoldenTunnels.INNER_V4, GoldenTunnels.udp(1, 2, "00"))))),
        Map.entry("gre-erspan2", seed(PacketDecoderFuzzTest.GRE_IN_IPV4, GoldenTunnels.cat("1000 88be 00000001",
            "1064 0005 00000000", GoldenTunnels.eth(0x0800, GoldenTunnels.ipv4(6, GoldenTunnels.INNER_V4,
                GoldenTunnels.tcp(1, 2, 0x010)))))),
        Map.entry("gre-erspan3", seed(PacketDecoderFuzzTest.GRE_IN_IPV4, GoldenTunnels.cat("0000 22eb",
            "2064 0006 00000000 0000 0001 0000000000000000", GoldenTunnels.eth(0x86dd,
                GoldenTunnels.ipv6(17, GoldenTunnels.INNER_V6, GoldenTunnels.udp(1, 2, "00")))))),
        Map.entry("gre-pptp", seed(PacketDecoderFuzzTest.GRE_IN_IPV4, GoldenTunnels.pptp(0x4001,
            GoldenTunnels.cat("ff03 0021", GoldenTunnels.ipv4(1, GoldenTunnels.INNER_V4, GoldenTunnels.ICMP_ECHO))))),
        Map.entry("gre-in-udp-ethernet", seed(PacketDecoderFuzzTest.GRE_IN_UDP, GoldenTunnels.cat("0000 6558",
            GoldenPackets.MACS, "8100 0005 86dd", GoldenTunnels.ipv6(6, GoldenTunnels.INNER_V6,
                GoldenTunnels.tcp(1, 2, 0x012))))),
        Map.entry("ipv6-in-ipv6-fragment", seed(PacketDecoderFuzzTest.IP_IN_IPV6, GoldenTunnels.ipv6(44,
            GoldenTunnels.INNER_V6, GoldenTunnels.cat("11 00 0001 00000007", GoldenTunnels.udp(1, 2, "00"))))),
        Map.entry("ipv4-in-ipv6-options", seed(PacketDecoderFuzzTest.IP_IN_IPV6, GoldenTunnels.cat(
            "46 00 0020 0001 0000 40 11 0000", GoldenTunnels.INNER_V4, "01 01 01 00", GoldenTunnels.udp(1, 2, "")))),
        Map.entry("dns-query", seed(PacketDecoderFuzzTest.DNS_UDP,
            GoldenTunnels.dnsQuery("03 777777 07 6578616d706c65 03 636f6d", "0001"))),
        Map.entry("dns-pointer", seed(PacketDecoderFuzzTest.DNS_UDP, GoldenTunnels.cat(
            "1234 8180 0001 0000 0000 0000 03 777777 c0 16 0005 0001 07 6578616d706c65 03 636f6d 00"))),
        Map.entry("tls-client-hello", seed(PacketDecoderFuzzTest.TCP_PAYLOAD, GoldenTunnels.clientHello("a.example"))),
        Map.entry("mpls-ipv6", seed(PacketDecoderFuzzTest.MPLS, GoldenTunnels.cat("00064040 000101ff",
            GoldenTunnels.ipv6(17, GoldenTunnels.INNER_V6, GoldenTunnels.udp(1, 2, "00"))))),
        Map.entry("pppoe-ipv4", seed(PacketDecoderFuzzTest.PPPOE, GoldenTunnels.cat("0021",
            GoldenTunnels.ipv4(6, GoldenTunnels.INNER_V4, GoldenTunnels.tcp(1, 2, 0x002))))));

    private FuzzSeeds()
    {
    }

    /**
     * @param args the test resources directory; optionally Jazzer's generated corpus directory
     *             and the shared data directory, to seed local runs with the shared captures.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path resources = Path.of(args[0]);
        final Path anyBytes = Files.createDirectories(resources.resolve(INPUTS).resolve("decodesAnyBytes"));
        for (final Golden golden : GoldenPackets.ALL)
        {
            Files.write(anyBytes.resolve(golden.name()), anyBytesSeed(golden.linkType(), golden.bytes(),
                golden.capturedLength(), golden.bytes().length));
        }
        final Path tunnelPayload = Files.createDirectories(resources.resolve(INPUTS).resolve("decodesAnyTunnelPayload"));
        for (final Map.Entry<String, byte[]> seed : TUNNEL_PAYLOADS.entrySet())
        {
            Files.write(tunnelPayload.resolve(seed.getKey()), seed.getValue());
        }
        System.out.println("golden seeds: " + GoldenPackets.ALL.size() + " + " + TUNNEL_PAYLOADS.size());

        if (args.length >= 3)
        {
            final Path corpus = Files.createDirectories(Path.of(args[1]).resolve(CLASS).resolve("decodesAnyBytes"));
            long written = 0;
            for (final String folder : List.of("zeek", "arkime"))
            {
                try (Stream<Path> files = Files.list(Path.of(args[2]).resolve("pcap").resolve(folder)))
                {
                    for (final Path file : files.filter(f -> f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng"))
                        .sorted().toList())
                    {
                        written += sharedSeeds(file, corpus, folder + "-" + file.getFileName());
                    }
                }
            }
            System.out.println("shared-capture seeds in " + corpus + ": " + written);
        }
    }

    private static long sharedSeeds(final Path file, final Path corpus, final String name) throws IOException
    {
        long written = 0;
        try (CaptureFileSource source = CaptureFileSource.open(file))
        {
            final PacketBurst burst = new PacketBurst(PacketBurst.DEFAULT_CAPACITY, 1);
            while (!source.isExhausted())
            {
                final int count = source.poll(burst);
                for (int i = 0; i < count; i++)
                {
                    final int selector = selector(burst.linkType[i]);
                    if (selector < 0)
                    {
                        continue;
                    }
                    final byte[] bytes = burst.data[i].asSlice(burst.offset[i], burst.capturedLength[i])
                        .toArray(ValueLayout.JAVA_BYTE);
                    Files.write(corpus.resolve(name + "-" + (++written)), anyBytesSeed(burst.linkType[i], bytes,
                        bytes.length, burst.wireLength[i]));
                }
            }
        }
        catch (final IOException ex)
        {
            System.out.println(file + ": " + ex.getMessage());
        }
        return written;
    }

    /** A {@code decodesAnyBytes} input: link type selector, uncaptured bytes (at most 255), captured bytes. */
    static byte[] anyBytesSeed(final int linkType, final byte[] bytes, final int captured, final int wire)
    {
        final byte[] seed = new byte[2 + captured];
        seed[0] = (byte)Math.max(0, selector(linkType));
        seed[1] = (byte)Math.min(255, wire - captured);
        System.arraycopy(bytes, 0, seed, 2, captured);
        return seed;
    }

    private static int selector(final int linkType)
    {
        for (int i = 0; i < PacketDecoderFuzzTest.LINK_TYPES.length; i++)
        {
            if (PacketDecoderFuzzTest.LINK_TYPES[i] == linkType)
            {
                return i;
            }
        }
        return -1;
    }

    private static byte[] seed(final int kind, final byte[] payload)
    {
        final byte[] seed = new byte[2 + payload.length];
        seed[0] = (byte)kind;
        System.arraycopy(payload, 0, seed, 2, payload.length);
        return seed;
    }
}
