package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.pipeline.AnonymizedFields;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestPolicies;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anonymize stage computes the Crypto-PAn image of exactly the addresses wanted (by the
 * item's rule or by some destination), of forwarded IP items only, bit-exact with
 * {@link CryptoPan} itself, and leaves the original addresses in place.
 */
class AnonymizeStageTest
{
    private static final String V4_SRC = "192.168.1.10";
    private static final String V4_DST = "93.184.216.34";
    private static final String V6_SRC = "2001:db8::1";
    private static final String V6_DST = "2001:db8:ffff::2";

    private final CryptoPan reference;
    private final AnonymizeStage stage;

    AnonymizeStageTest() throws IOException
    {
        reference = new CryptoPan(CryptoPanVectors.referenceKey(), 0);
        stage = new AnonymizeStage(new CryptoPan(CryptoPanVectors.referenceKey()));
    }

    @Test
    void ruleBitsSelectWhichAddressesOfAnItemAreTransformed()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002),
            Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002),
            Packets.ipv6Tcp(V6_SRC, V6_DST, 1, 2, 0x002),
            Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002));
        pass(burst);
        burst.anonymizeFields[0] = AnonymizedFields.SRC_ADDRESS;
        burst.anonymizeFields[1] = AnonymizedFields.DST_ADDRESS;
        burst.anonymizeFields[2] = AnonymizedFields.ADDRESSES;

        stage.apply(burst, (byte)0);

        assertAll(
            () -> assertEquals(AnonymizedFields.SRC_ADDRESS, burst.anonymizedReady[0]),
            () -> assertEquals(0, burst.anonSrcAddressHigh[0]),
            () -> assertEquals(ipv4Image(V4_SRC), burst.anonSrcAddressLow[0]),
            () -> assertEquals(0, burst.anonDstAddressLow[0], "destination not wanted"),
            () -> assertEquals(AnonymizedFields.DST_ADDRESS, burst.anonymizedReady[1]),
            () -> assertEquals(ipv4Image(V4_DST), burst.anonDstAddressLow[1]),
            () -> assertEquals(0, burst.anonSrcAddressLow[1], "source not wanted"),
            () -> assertEquals(AnonymizedFields.ADDRESSES, burst.anonymizedReady[2]),
            () -> assertIpv6Image(V6_SRC, burst.anonSrcAddressHigh[2], burst.anonSrcAddressLow[2]),
            () -> assertIpv6Image(V6_DST, burst.anonDstAddressHigh[2], burst.anonDstAddressLow[2]),
            () -> assertEquals(0, burst.anonymizedReady[3], "nothing wanted"),
            () -> assertEquals(Packets.ipv4Low(V4_SRC), burst.srcAddressLow[0], "the original stays"),
            () -> assertEquals(Packets.ipv6High(V6_DST), burst.dstAddressHigh[2], "the original stays"));
    }

    @Test
    void destinationTransformsApplyToEveryForwardedIpItem()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002),
            Packets.ipv6Icmp(V6_SRC, V6_DST, 128, 0),
            Packets.arpRequest(),
            Packets.ipv4Tcp(V4_DST, V4_SRC, 1, 2, 0x002),
            Packets.truncatedIpv4());
        pass(burst);
        burst.verdict[3] = Verdict.SAMPLED_OUT;
        burst.anonymizeFields[1] = AnonymizedFields.SRC_ADDRESS;

        stage.apply(burst, AnonymizedFields.DST_ADDRESS);

        assertAll(
            () -> assertEquals(AnonymizedFields.DST_ADDRESS, burst.anonymizedReady[0]),
            () -> assertEquals(ipv4Image(V4_DST), burst.anonDstAddressLow[0]),
            () -> assertEquals(AnonymizedFields.ADDRESSES, burst.anonymizedReady[1], "rule bits and destination bits"),
            () -> assertIpv6Image(V6_SRC, burst.anonSrcAddressHigh[1], burst.anonSrcAddressLow[1]),
            () -> assertIpv6Image(V6_DST, burst.anonDstAddressHigh[1], burst.anonDstAddressLow[1]),
            () -> assertEquals(0, burst.anonymizedReady[2], "no address in ARP"),
            () -> assertEquals(0, burst.anonymizedReady[3], "not forwarded"),
            () -> assertEquals(0, burst.anonDstAddressLow[3]),
            () -> assertEquals(Verdict.DROPPED, burst.verdict[4]),
            () -> assertEquals(0, burst.anonymizedReady[4], "dropped by decode"));
    }

    @Test
    void keylessStageCanForwardWhatNeedsNoTransform()
    {
        final AnonymizeStage keyless = new AnonymizeStage(null);
        assertFalse(keyless.canTransform());
        assertTrue(stage.canTransform());

        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002), Packets.arpRequest());
        pass(burst);
        burst.anonymizeFields[1] = AnonymizedFields.ADDRESSES;
        keyless.apply(burst, (byte)0);
        assertEquals(0, burst.anonymizedReady[0]);
        assertEquals(0, burst.anonymizedReady[1], "nothing to transform in a frame without addresses");

        // The conductor never installs such a policy on a keyless gateway; if it did, the stage refuses loudly.
        burst.anonymizeFields[0] = AnonymizedFields.SRC_ADDRESS;
        assertThrows(IllegalStateException.class, () -> keyless.apply(burst, (byte)0));
    }

    private static void pass(final PacketBurst burst)
    {
        for (int i = 0; i < burst.count(); i++)
        {
            if (burst.verdict[i] == Verdict.PENDING)
            {
                burst.verdict[i] = Verdict.PASS;
            }
        }
    }

    private long ipv4Image(final String address)
    {
        return reference.anonymizeIpv4((int)Packets.ipv4Low(address)) & 0xFFFF_FFFFL;
    }

    private void assertIpv6Image(final String address, final long high, final long low)
    {
        reference.anonymizeIpv6(Packets.ipv6High(address), Packets.ipv6Low(address));
        assertEquals(reference.resultHigh(), high, address + " high half");
        assertEquals(reference.resultLow(), low, address + " low half");
    }

    @Test
    void aPolicyThatTruncatesCutsAddressesToItsPrefixesWithoutAKey()
    {
        final AnonymizeStage keyless = new AnonymizeStage(null);
        assertFalse(keyless.canTransform(), "Crypto-PAn is the default method and needs a key");
        keyless.use(TestPolicies.parse("""
            sluice-policy: 1
            name: truncating
            match: first
            default: keep
            anonymization: {truncate-ipv4: 16, truncate-ipv6: 24}
            rules:
              - name: all
                when: true
                then: anonymize ip.src, ip.dst with truncate
            """));
        assertTrue(keyless.canTransform());
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp(V4_SRC, V4_DST, 1, 2, 0x002),
            Packets.ipv6Tcp(V6_SRC, V6_DST, 1, 2, 0x002));
        pass(burst);
        burst.anonymizeFields[0] = AnonymizedFields.ADDRESSES;
        burst.anonymizeFields[1] = AnonymizedFields.ADDRESSES;

        keyless.apply(burst, (byte)0);

        assertAll(
            () -> assertEquals(Packets.ipv4Low("192.168.0.0"), burst.anonSrcAddressLow[0]),
            () -> assertEquals(Packets.ipv4Low("93.184.0.0"), burst.anonDstAddressLow[0]),
            () -> assertEquals(Packets.ipv6High("2001:d00::"), burst.anonSrcAddressHigh[1]),
            () -> assertEquals(0, burst.anonSrcAddressLow[1]),
            () -> assertEquals(Packets.ipv6High("2001:d00::"), burst.anonDstAddressHigh[1]));
    }
}
