package dev.sluice.perf.anonymize;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.source.CaptureFileSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks an anonymizer's output against its input, packet by packet in file order (every peer
 * here keeps order and count): how many output packets still carry an input address at the same
 * place (outer or inner IP layer, source or destination), and, given the Crypto-PAn key, how many
 * carry an address that is not the image of the input's (a Crypto-PAn fixed point is its own
 * image, so "unchanged" alone would count those as leaks). Decodes both with Sluice's decoder,
 * VLAN tags included.
 * <p>
 * Usage: {@code CaptureAnonymizationCheck INPUT OUTPUT [KEY_FILE]}; prints {@code key value} lines.
 * Main thread.
 */
public final class CaptureAnonymizationCheck
{
    private CaptureAnonymizationCheck()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length < 2)
        {
            System.err.println("usage: CaptureAnonymizationCheck INPUT OUTPUT [KEY_FILE]");
            System.exit(2);
        }
        final CryptoPan cryptoPan = args.length > 2 ? CryptoPan.fromKeyFile(Path.of(args[2]), 1 << 16) : null;
        final PacketBurst in = new PacketBurst(1, 1);
        final PacketBurst out = new PacketBurst(1, 1);
        final PacketDecoder inDecoder = new PacketDecoder();
        final PacketDecoder outDecoder = new PacketDecoder();
        long packets = 0;
        long withOriginal = 0;
        long withOriginalTagged = 0;
        long notImage = 0;
        long undecodable = 0;
        final Set<Long> distinct = new HashSet<>();
        try (CaptureFileSource input = CaptureFileSource.open(Path.of(args[0]));
            CaptureFileSource output = CaptureFileSource.open(Path.of(args[1])))
        {
            while (true)
            {
                final int a = input.poll(in);
                final int b = output.poll(out);
                if (a == 0 || b == 0)
                {
                    if (a != b || !input.isExhausted() || !output.isExhausted())
                    {
                        System.out.println("count_mismatch input_exhausted=" + input.isExhausted() +
                            " output_exhausted=" + output.isExhausted());
                    }
                    break;
                }
                packets++;
                in.resetStageState();
                out.resetStageState();
                inDecoder.decode(in);
                outDecoder.decode(out);
                if (out.verdict[0] == Verdict.DROPPED || in.verdict[0] == Verdict.DROPPED)
                {
                    undecodable++;
                    continue;
                }
                distinct.add(in.srcAddressHigh[0] ^ in.srcAddressLow[0] * 31);
                final boolean same =
                    in.srcAddressHigh[0] == out.srcAddressHigh[0] && in.srcAddressLow[0] == out.srcAddressLow[0] ||
                    in.dstAddressHigh[0] == out.dstAddressHigh[0] && in.dstAddressLow[0] == out.dstAddressLow[0];
                if (same)
                {
                    withOriginal++;
                    if (in.vlanCount[0] > 0)
                    {
                        withOriginalTagged++;
                    }
                }
                if (null != cryptoPan && (!isImage(cryptoPan, in.ipVersion[0], in.srcAddressHigh[0], in.srcAddressLow[0],
                    out.srcAddressHigh[0], out.srcAddressLow[0]) || !isImage(cryptoPan, in.ipVersion[0],
                    in.dstAddressHigh[0], in.dstAddressLow[0], out.dstAddressHigh[0], out.dstAddressLow[0])))
                {
                    notImage++;
                }
            }
        }
        System.out.println("packets " + packets);
        System.out.println("undecodable " + undecodable);
        System.out.println("distinct_source_addresses " + distinct.size());
        System.out.println("with_original_address " + withOriginal);
        System.out.println("with_original_address_vlan_tagged " + withOriginalTagged);
        if (null != cryptoPan)
        {
            System.out.println("not_cryptopan_image " + notImage);
        }
    }

    private static boolean isImage(
        final CryptoPan cryptoPan, final byte version, final long high, final long low, final long outHigh, final long outLow)
    {
        if (version == 4)
        {
            return outHigh == 0 && outLow == (cryptoPan.anonymizeIpv4((int)low) & 0xFFFF_FFFFL);
        }
        cryptoPan.anonymizeIpv6(high, low);
        return outHigh == cryptoPan.resultHigh() && outLow == cryptoPan.resultLow();
    }
}
