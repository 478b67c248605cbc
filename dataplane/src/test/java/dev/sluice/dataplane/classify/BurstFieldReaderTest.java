package dev.sluice.dataplane.classify;

import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.testing.Bursts;
import dev.sluice.dataplane.testing.Packets;
import dev.sluice.dataplane.testing.TestPolicies;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.PacketFields;
import org.junit.jupiter.api.Test;

import static dev.sluice.dataplane.testing.Packets.NO_VLAN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every base packet field, present or absent, as the reader serves it from decoded bursts of
 * each packet kind; and {@code select} moving between items and bursts.
 */
class BurstFieldReaderTest
{
    private final BurstFieldReader reader = new BurstFieldReader();

    @Test
    void ipv4TcpServesEveryLayer()
    {
        final byte[] frame = Packets.ipv4Tcp("192.168.1.10", "93.184.216.34", 50000, 443, 0x012);
        final PacketBurst burst = Bursts.decoded(1, frame);
        final BurstFieldReader item = reader.select(burst, 0);
        assertAll(
            () -> assertPresent(item, PacketFields.FRAME_LEN, frame.length),
            () -> assertPresent(item, PacketFields.FRAME_CAP_LEN, frame.length),
            () -> assertPresent(item, PacketFields.ETH_TYPE, 0x0800),
            () -> assertAbsent(item, PacketFields.VLAN_ID),
            () -> assertPresent(item, PacketFields.IP_VERSION, 4),
            () -> assertPresent(item, PacketFields.IP_PROTO, 6),
            () -> assertPresent(item, PacketFields.IP_TTL, 64),
            () -> assertPresent(item, PacketFields.TCP_SRCPORT, 50000),
            () -> assertPresent(item, PacketFields.TCP_DSTPORT, 443),
            () -> assertPresent(item, PacketFields.TCP_FLAGS, 0x012),
            () -> assertAbsent(item, PacketFields.UDP_SRCPORT),
            () -> assertAbsent(item, PacketFields.UDP_DSTPORT),
            () -> assertAbsent(item, PacketFields.ICMP_TYPE),
            () -> assertAbsent(item, PacketFields.ICMP_CODE),
            () -> assertTrue(item.isPresent(PacketFields.IP_SRC)),
            () -> assertTrue(item.isPresent(PacketFields.IP_DST)),
            () -> assertEquals(4, item.addressVersion(PacketFields.IP_SRC)),
            () -> assertEquals(0, item.addressHigh(PacketFields.IP_SRC)),
            () -> assertEquals(Packets.ipv4Low("192.168.1.10"), item.addressLow(PacketFields.IP_SRC)),
            () -> assertEquals(0, item.addressHigh(PacketFields.IP_DST)),
            () -> assertEquals(Packets.ipv4Low("93.184.216.34"), item.addressLow(PacketFields.IP_DST)));
    }

    @Test
    void vlanTaggedUdpServesUdpPortsNotTcpPorts()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4Udp(100, "10.0.0.5", "8.8.8.8", 54321, 53));
        final BurstFieldReader item = reader.select(burst, 0);
        assertAll(
            () -> assertPresent(item, PacketFields.VLAN_ID, 100),
            () -> assertPresent(item, PacketFields.ETH_TYPE, 0x0800),
            () -> assertPresent(item, PacketFields.IP_PROTO, 17),
            () -> assertPresent(item, PacketFields.IP_TTL, 63),
            () -> assertPresent(item, PacketFields.UDP_SRCPORT, 54321),
            () -> assertPresent(item, PacketFields.UDP_DSTPORT, 53),
            () -> assertAbsent(item, PacketFields.TCP_SRCPORT),
            () -> assertAbsent(item, PacketFields.TCP_DSTPORT),
            () -> assertAbsent(item, PacketFields.TCP_FLAGS),
            () -> assertAbsent(item, PacketFields.ICMP_TYPE));
    }

    @Test
    void ipv6AddressesAreServedAsTwoHalves()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv6Tcp("2001:db8::1", "2001:db8:ffff::2", 443, 50000, 0x010));
        final BurstFieldReader item = reader.select(burst, 0);
        assertAll(
            () -> assertPresent(item, PacketFields.ETH_TYPE, 0x86DD),
            () -> assertPresent(item, PacketFields.IP_VERSION, 6),
            () -> assertPresent(item, PacketFields.IP_PROTO, 6),
            () -> assertPresent(item, PacketFields.IP_TTL, 64),
            () -> assertPresent(item, PacketFields.TCP_FLAGS, 0x010),
            () -> assertEquals(6, item.addressVersion(PacketFields.IP_DST)),
            () -> assertEquals(Packets.ipv6High("2001:db8::1"), item.addressHigh(PacketFields.IP_SRC)),
            () -> assertEquals(Packets.ipv6Low("2001:db8::1"), item.addressLow(PacketFields.IP_SRC)),
            () -> assertEquals(Packets.ipv6High("2001:db8:ffff::2"), item.addressHigh(PacketFields.IP_DST)),
            () -> assertEquals(Packets.ipv6Low("2001:db8:ffff::2"), item.addressLow(PacketFields.IP_DST)));
    }

    @Test
    void icmpAndIcmpv6ServeTypeAndCodeButNoPorts()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Icmp(NO_VLAN, "10.0.0.1", "10.0.0.2", 3, 13),
            Packets.ipv6Icmp("fe80::1", "ff02::1", 128, 0));
        final BurstFieldReader v4 = new BurstFieldReader().select(burst, 0);
        final BurstFieldReader v6 = new BurstFieldReader().select(burst, 1);
        assertAll(
            () -> assertPresent(v4, PacketFields.IP_PROTO, 1),
            () -> assertPresent(v4, PacketFields.ICMP_TYPE, 3),
            () -> assertPresent(v4, PacketFields.ICMP_CODE, 13),
            () -> assertAbsent(v4, PacketFields.TCP_SRCPORT),
            () -> assertAbsent(v4, PacketFields.UDP_DSTPORT),
            () -> assertAbsent(v4, PacketFields.TCP_FLAGS),
            () -> assertPresent(v6, PacketFields.IP_PROTO, 58),
            () -> assertPresent(v6, PacketFields.IP_TTL, 255),
            () -> assertPresent(v6, PacketFields.ICMP_TYPE, 128),
            () -> assertPresent(v6, PacketFields.ICMP_CODE, 0));
    }

    @Test
    void nonIpFrameHasOnlyFrameAndEthernetFields()
    {
        final byte[] arp = Packets.arpRequest();
        final PacketBurst burst = Bursts.decoded(1, arp);
        final BurstFieldReader item = reader.select(burst, 0);
        assertAll(
            () -> assertPresent(item, PacketFields.FRAME_LEN, arp.length),
            () -> assertPresent(item, PacketFields.ETH_TYPE, 0x0806),
            () -> assertAbsent(item, PacketFields.IP_VERSION),
            () -> assertFalse(item.isPresent(PacketFields.IP_SRC)),
            () -> assertFalse(item.isPresent(PacketFields.IP_DST)),
            () -> assertAbsent(item, PacketFields.IP_PROTO),
            () -> assertAbsent(item, PacketFields.IP_TTL),
            () -> assertAbsent(item, PacketFields.TCP_SRCPORT),
            () -> assertAbsent(item, PacketFields.UDP_SRCPORT),
            () -> assertAbsent(item, PacketFields.TCP_FLAGS),
            () -> assertAbsent(item, PacketFields.ICMP_TYPE),
            () -> assertAbsent(item, PacketFields.ICMP_CODE));
    }

    @Test
    void laterFragmentHasProtocolButNoPorts()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4LaterFragment("10.0.0.1", "10.0.0.2", 6));
        final BurstFieldReader item = reader.select(burst, 0);
        assertAll(
            () -> assertPresent(item, PacketFields.IP_PROTO, 6),
            () -> assertAbsent(item, PacketFields.TCP_SRCPORT),
            () -> assertAbsent(item, PacketFields.TCP_DSTPORT),
            () -> assertAbsent(item, PacketFields.TCP_FLAGS));
    }

    @Test
    void derivedFieldsAndUnknownIdsAreNotServedDirectly()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 1, 2, 0x002));
        final BurstFieldReader item = reader.select(burst, 0);
        // The policy resolves flags and aliases to base fields before it reads; the reader only knows base ids.
        assertFalse(item.isPresent(PacketFields.TCP_FLAGS_SYN));
        assertFalse(item.isPresent(PacketFields.IP_ADDR));
        assertFalse(item.isPresent(63));
        assertEquals(0, item.integer(63));
    }

    @Test
    void eventFieldsAreAbsentAndItemKindIsPacket()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 1, 2, 0x002));
        final BurstFieldReader item = reader.select(burst, 0);
        assertTrue(item.isPresent(EventFields.ITEM_KIND));
        assertEquals(1, item.occurrences(EventFields.ITEM_KIND));
        assertEquals("packet", item.text(EventFields.ITEM_KIND).toString());
        // Every other event field, and ids beyond the standard catalogue (a policy's dynamic fields).
        for (int id = EventFields.FIRST_ID; id < EventFields.END_ID + 2048; id++)
        {
            if (EventFields.ITEM_KIND != id)
            {
                assertFalse(item.isPresent(id), "field " + id);
                assertEquals(0, item.occurrences(id), "field " + id);
            }
        }
    }

    @Test
    void rulesOnEventFieldsNeverMatchAPacket()
    {
        final Policy policy = TestPolicies.parse("""
            sluice-policy: 1
            name: events-and-packets
            match: first
            default: drop
            rules:
              - name: syslog
                when: syslog.severity <= 7 or item.kind == "syslog"
                then: drop
              - name: json
                when: json.x == 1 or json.y or json.z != "a" or not json.w == 10.0.0.0/8 and json.v in {1..3}
                then: drop
              - name: cef
                when: cef.src in 0.0.0.0/0 or flow.dst in ::/0 or syslog.sd.origin.ip == 10.0.0.1 or can.M.S >= 0
                then: ['anonymize cef.src, json.client with cryptopan']
              - name: packets
                when: item.kind == "packet" and tcp.dstport == 2
                then: keep
            """);
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 1, 2, 0x002),
            Packets.ipv6Tcp("2001:db8::1", "2001:db8::2", 1, 3, 0x010),
            Packets.ipv4Udp(100, "10.0.0.3", "10.0.0.4", 2000, 53));
        assertEquals(3, policy.firstMatch(reader.select(burst, 0)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(reader.select(burst, 1)));
        assertEquals(Policy.NO_MATCH, policy.firstMatch(reader.select(burst, 2)));
        // The event address fields of 'anonymize' have no packet counterpart: nothing to transform.
        assertEquals(0, CompiledRules.of(policy).anonymizeFields(2));
    }

    @Test
    void selectMovesBetweenItemsAndBursts()
    {
        final PacketBurst first = Bursts.decoded(1,
            Packets.ipv4Tcp("10.0.0.1", "10.0.0.2", 1000, 80, 0x002),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.3", "10.0.0.4", 2000, 53));
        final PacketBurst second = Bursts.decoded(1, Packets.ipv4Tcp("10.0.0.5", "10.0.0.6", 3000, 22, 0x002));

        assertSame(reader, reader.select(first, 1));
        assertEquals(2000, reader.integer(PacketFields.UDP_SRCPORT));
        reader.select(first, 0);
        assertEquals(1000, reader.integer(PacketFields.TCP_SRCPORT));
        reader.select(second, 0);
        assertEquals(3000, reader.integer(PacketFields.TCP_SRCPORT));
        assertEquals(Packets.ipv4Low("10.0.0.6"), reader.addressLow(PacketFields.IP_DST));
    }

    @Test
    void tunnelAndApplicationFieldsAreAbsentFromAPlainUdpPacket()
    {
        final PacketBurst burst = Bursts.decoded(1, Packets.ipv4Udp(100, "10.0.0.5", "8.8.8.8", 54321, 123));
        final BurstFieldReader item = reader.select(burst, 0);
        for (final int fieldId : new int[]{
            PacketFields.MPLS_LABEL, PacketFields.PPPOE_SESSION_ID, PacketFields.SCTP_SRCPORT, PacketFields.SCTP_DSTPORT,
            PacketFields.ESP_SPI, PacketFields.GRE_PROTO, PacketFields.VXLAN_VNI, PacketFields.GENEVE_VNI,
            PacketFields.GTP_TEID, PacketFields.TUNNEL_TYPE, PacketFields.INNER_IP_VERSION,
            PacketFields.INNER_IP_SRC, PacketFields.INNER_IP_DST, PacketFields.INNER_IP_PROTO,
            PacketFields.INNER_TCP_SRCPORT, PacketFields.INNER_TCP_DSTPORT, PacketFields.INNER_UDP_SRCPORT,
            PacketFields.INNER_UDP_DSTPORT, PacketFields.DNS_QRY_NAME, PacketFields.DNS_QRY_TYPE, PacketFields.TLS_SNI })
        {
            assertAbsent(item, fieldId);
        }
        assertPresent(item, PacketFields.TUNNEL_DEPTH, 0);
        assertPresent(item, PacketFields.IP_TOS, 0);
    }

    @Test
    void servesTheTunnelAndTheInnerPacketOfGtpU()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.gtpUIpv4Tcp("192.0.2.1", "192.0.2.2", 0x12345678, "10.45.0.7", "198.51.100.9", 50000, 443));
        final BurstFieldReader item = reader.select(burst, 0);
        assertPresent(item, PacketFields.UDP_DSTPORT, 2152);
        assertPresent(item, PacketFields.GTP_TEID, 0x12345678);
        assertPresent(item, PacketFields.TUNNEL_DEPTH, 1);
        assertTrue(item.isPresent(PacketFields.TUNNEL_TYPE));
        assertEquals("gtp", item.text(PacketFields.TUNNEL_TYPE).toString());
        assertPresent(item, PacketFields.INNER_IP_VERSION, 4);
        assertPresent(item, PacketFields.INNER_IP_PROTO, 6);
        assertPresent(item, PacketFields.INNER_TCP_SRCPORT, 50000);
        assertPresent(item, PacketFields.INNER_TCP_DSTPORT, 443);
        assertEquals(4, item.addressVersion(PacketFields.INNER_IP_SRC));
        assertEquals(Packets.ipv4Low("10.45.0.7"), item.addressLow(PacketFields.INNER_IP_SRC));
        assertEquals(Packets.ipv4Low("198.51.100.9"), item.addressLow(PacketFields.INNER_IP_DST));
        assertEquals(Packets.ipv4Low("192.0.2.1"), item.addressLow(PacketFields.IP_SRC));
        assertAbsent(item, PacketFields.TCP_SRCPORT);
    }

    @Test
    void vlanIdHasOneOccurrencePerTag()
    {
        final PacketBurst burst = Bursts.decoded(1,
            Packets.ipv4Udp(100, "10.0.0.5", "8.8.8.8", 54321, 53),
            Packets.ipv4Udp(NO_VLAN, "10.0.0.5", "8.8.8.8", 54321, 53));
        final BurstFieldReader tagged = new BurstFieldReader().select(burst, 0);
        assertEquals(1, tagged.occurrences(PacketFields.VLAN_ID));
        assertEquals(100, tagged.integer(PacketFields.VLAN_ID, 0));
        final BurstFieldReader untagged = new BurstFieldReader().select(burst, 1);
        assertEquals(0, untagged.occurrences(PacketFields.VLAN_ID));
    }

    private static void assertPresent(final BurstFieldReader item, final int fieldId, final long value)
    {
        assertTrue(item.isPresent(fieldId), "field " + fieldId + " present");
        assertEquals(1, item.occurrences(fieldId), "field " + fieldId + " occurs once");
        assertEquals(value, item.integer(fieldId), "field " + fieldId);
        assertEquals(value, item.integer(fieldId, 0), "field " + fieldId + ", occurrence 0");
    }

    private static void assertAbsent(final BurstFieldReader item, final int fieldId)
    {
        assertFalse(item.isPresent(fieldId), "field " + fieldId + " absent");
        assertEquals(0, item.occurrences(fieldId), "field " + fieldId + " occurs never");
    }
}
