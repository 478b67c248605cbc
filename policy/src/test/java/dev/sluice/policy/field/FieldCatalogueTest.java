package dev.sluice.policy.field;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FieldCatalogueTest
{
    private static final FieldCatalogue CATALOGUE = FieldCatalogue.standard();

    private static Field field(final String name)
    {
        return CATALOGUE.byName(name);
    }

    @Test
    void idsMatchTheConstants()
    {
        final Map<String, Integer> expected = Map.ofEntries(
            Map.entry("frame.len", PacketFields.FRAME_LEN),
            Map.entry("frame.cap_len", PacketFields.FRAME_CAP_LEN),
            Map.entry("eth.type", PacketFields.ETH_TYPE),
            Map.entry("vlan.id", PacketFields.VLAN_ID),
            Map.entry("ip.version", PacketFields.IP_VERSION),
            Map.entry("ip.src", PacketFields.IP_SRC),
            Map.entry("ip.dst", PacketFields.IP_DST),
            Map.entry("ip.proto", PacketFields.IP_PROTO),
            Map.entry("ip.ttl", PacketFields.IP_TTL),
            Map.entry("tcp.srcport", PacketFields.TCP_SRCPORT),
            Map.entry("tcp.dstport", PacketFields.TCP_DSTPORT),
            Map.entry("tcp.flags", PacketFields.TCP_FLAGS),
            Map.entry("tcp.flags.syn", PacketFields.TCP_FLAGS_SYN),
            Map.entry("tcp.flags.ack", PacketFields.TCP_FLAGS_ACK),
            Map.entry("tcp.flags.fin", PacketFields.TCP_FLAGS_FIN),
            Map.entry("tcp.flags.rst", PacketFields.TCP_FLAGS_RST),
            Map.entry("udp.srcport", PacketFields.UDP_SRCPORT),
            Map.entry("udp.dstport", PacketFields.UDP_DSTPORT),
            Map.entry("icmp.type", PacketFields.ICMP_TYPE),
            Map.entry("icmp.code", PacketFields.ICMP_CODE),
            Map.entry("ip.addr", PacketFields.IP_ADDR),
            Map.entry("tcp.port", PacketFields.TCP_PORT),
            Map.entry("udp.port", PacketFields.UDP_PORT));

        assertEquals(expected.size(), CATALOGUE.size());
        expected.forEach((name, id) ->
        {
            assertEquals(id, field(name).id(), name);
            assertSame(field(name), CATALOGUE.byId(id));
        });
        assertNull(field("ipv6.src"));
    }

    @Test
    void baseFieldsComeFirstAndReadThemselves()
    {
        for (final Field field : CATALOGUE.fields())
        {
            final boolean base = FieldKind.BASE == field.kind();
            assertEquals(base, field.id() < PacketFields.BASE_FIELD_COUNT, field.name());
            if (base)
            {
                assertEquals(field.id(), field.readFieldId());
                assertEquals(List.of(field), field.baseFields());
            }
        }
    }

    @Test
    void derivedFlagsAndAliases()
    {
        final Field syn = field("tcp.flags.syn");
        assertEquals(FieldKind.DERIVED, syn.kind());
        assertEquals(PacketFields.TCP_FLAGS, syn.readFieldId());
        assertEquals(1, syn.bitShift());
        assertEquals(1L, syn.bitMask());
        assertEquals(4, field("tcp.flags.ack").bitShift());
        assertEquals(List.of(field("tcp.flags")), syn.baseFields());

        final Field addr = field("ip.addr");
        assertEquals(FieldKind.ALIAS, addr.kind());
        assertEquals(FieldType.ADDRESS, addr.type());
        assertEquals(List.of(field("ip.src"), field("ip.dst")), addr.aliasedFields());
        assertEquals(65535, field("udp.port").maxValue());
        assertEquals(4095, field("vlan.id").maxValue());
    }

    @Test
    void defaultDataClasses()
    {
        assertEquals(Map.of("pii.ip", List.of(field("ip.src"), field("ip.dst"))), CATALOGUE.defaultDataClasses());
        assertTrue(DataClasses.defaults(CATALOGUE).contains("pii.ip"));
    }

    @Test
    void catalogueRejectsSparseIdsAndDuplicates()
    {
        final Field a = Field.base(0, "a.b", FieldType.INTEGER, 0, 1, "a", null);
        final Field b = Field.base(2, "c.d", FieldType.INTEGER, 0, 1, "c", null);
        assertThrows(IllegalArgumentException.class, () -> new FieldCatalogue(List.of(a, b)));
        final Field dup = Field.base(1, "a.b", FieldType.INTEGER, 0, 1, "a", null);
        assertThrows(IllegalArgumentException.class, () -> new FieldCatalogue(List.of(a, dup)));
        assertThrows(IllegalArgumentException.class, () -> Field.base(64, "x.y", FieldType.INTEGER, 0, 1, "x", null));
    }
}
