package dev.sluice.dataplane.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field names and text formats of {@link FieldText}; the values themselves are held to tshark by the differential test. */
class FieldTextTest
{
    /** Every field of the shared field list (FIELDS-ISSUE4), aliases included. */
    static final List<String> POLICY_FIELDS = List.of(
        "frame.len", "frame.cap_len", "eth.type", "vlan.id", "mpls.label", "pppoe.session_id", "ip.version", "ip.src",
        "ip.dst", "ip.proto", "ip.ttl", "ip.tos", "ip.id", "ip.flags", "ip.flags.df", "ip.flags.mf", "ip.frag_offset",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.rst",
        "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport", "icmp.type", "icmp.code", "esp.spi", "gre.proto",
        "vxlan.vni", "geneve.vni", "gtp.teid", "tunnel.depth", "tunnel.type", "inner.ip.version", "inner.ip.src",
        "inner.ip.dst", "inner.ip.proto", "inner.tcp.srcport", "inner.tcp.dstport", "inner.udp.srcport",
        "inner.udp.dstport", "dns.qry.name", "dns.qry.type", "tls.sni",
        "ip.addr", "tcp.port", "udp.port", "sctp.port", "inner.ip.addr", "inner.tcp.port", "inner.udp.port");

    @Test
    void rendersEveryFieldOfThePolicyLanguageAndTheTwoToolFields()
    {
        final List<String> names = FieldText.names();
        assertTrue(names.containsAll(POLICY_FIELDS), "missing: " +
            POLICY_FIELDS.stream().filter(name -> !names.contains(name)).toList());
        assertEquals(POLICY_FIELDS.size() + 2, names.size(), "extra: " +
            names.stream().filter(name -> !POLICY_FIELDS.contains(name)).toList());
        assertTrue(names.contains(FieldText.FRAME_NUMBER) && names.contains(FieldText.DECODE_DROP));
        assertTrue(names.containsAll(FieldText.DEFAULT_FIELDS));
    }

    @Test
    void unknownFieldsAreNamedWithTheKnownOnes()
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> FieldText.of(List.of("ip.src", "ip.source", "")));
        assertTrue(error.getMessage().startsWith("unknown fields ip.source, ; known fields: frame.len, frame.cap_len,"),
            error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FieldText.of(List.of()));
    }

    /** The expected texts are what tshark 4.0 printed for these addresses. */
    @ParameterizedTest
    @CsvSource({
        "::2, ::2",
        "::ffff:1.2.3.4, ::ffff:1.2.3.4",
        "::1.2.3.4, ::1.2.3.4",
        "64:ff9b::102:304, 64:ff9b::102:304",
        "2001:db8::1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2, 2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "fe80::ffff:1.2.3.4, fe80::ffff:102:304",
        "0:0:0:0:0:1:1.2.3.4, ::1:102:304",
        "::ffff:0:1.2.3.4, ::ffff:0:102:304",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "1:0:1:0:1:0:1:0, 1:0:1:0:1:0:1:0"})
    void ipv6AddressesAsTsharkPrintsThem(final String address, final String expected) throws Exception
    {
        final ByteBuffer bytes = ByteBuffer.wrap(InetAddress.getByName(address).getAddress().length == 16 ?
            InetAddress.getByName(address).getAddress() : ipv4Mapped(InetAddress.getByName(address).getAddress()));
        assertEquals(expected, FieldText.appendIpv6(new StringBuilder(), bytes.getLong(0), bytes.getLong(8)).toString());
    }

    @Test
    void ipv4Dotted()
    {
        assertEquals("192.168.1.10", FieldText.appendIpv4(new StringBuilder(), 0xc0a8010aL).toString());
        assertEquals("255.255.255.255", FieldText.appendIpv4(new StringBuilder(), 0xFFFF_FFFFL).toString());
    }

    @Test
    void textEscapesWhatIsNotPrintable()
    {
        final StringBuilder out = new StringBuilder();
        FieldText.appendText(out, new byte[]{'a', ' ', '\\', 0, (byte)0xC3, '~'}, 6);
        assertEquals("a \\x5c\\x00\\xc3~", out.toString());
    }

    /** Java turns ::ffff:a.b.c.d into a 4-byte address. */
    private static byte[] ipv4Mapped(final byte[] ipv4)
    {
        final byte[] bytes = new byte[16];
        bytes[10] = (byte)0xFF;
        bytes[11] = (byte)0xFF;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }
}
