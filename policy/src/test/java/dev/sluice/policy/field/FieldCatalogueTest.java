package dev.sluice.policy.field;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

    private static List<Field> fields(final String... names)
    {
        final ArrayList<Field> fields = new ArrayList<>();
        for (final String name : names)
        {
            fields.add(field(name));
        }
        return fields;
    }

    @Test
    void everySharedFieldHasItsConstantTypeAndKind() throws IllegalAccessException
    {
        // FIELDS-ISSUE4: name, type, repeated; the constant named after the field holds its id.
        final String[][] shared = {
            { "frame.len", "integer" }, { "frame.cap_len", "integer" }, { "eth.type", "integer" },
            { "vlan.id", "integer", "repeated" }, { "mpls.label", "integer", "repeated" }, { "pppoe.session_id", "integer" },
            { "ip.version", "integer" }, { "ip.src", "address" }, { "ip.dst", "address" }, { "ip.proto", "integer" },
            { "ip.ttl", "integer" }, { "ip.tos", "integer" }, { "ip.id", "integer" }, { "ip.flags", "integer" },
            { "ip.flags.df", "integer", "derived" }, { "ip.flags.mf", "integer", "derived" }, { "ip.frag_offset", "integer" },
            { "tcp.srcport", "integer" }, { "tcp.dstport", "integer" }, { "tcp.flags", "integer" },
            { "tcp.flags.syn", "integer", "derived" }, { "tcp.flags.ack", "integer", "derived" },
            { "tcp.flags.fin", "integer", "derived" }, { "tcp.flags.rst", "integer", "derived" },
            { "udp.srcport", "integer" }, { "udp.dstport", "integer" }, { "sctp.srcport", "integer" }, { "sctp.dstport", "integer" },
            { "icmp.type", "integer" }, { "icmp.code", "integer" }, { "esp.spi", "integer" }, { "gre.proto", "integer" },
            { "vxlan.vni", "integer" }, { "geneve.vni", "integer" }, { "gtp.teid", "integer" }, { "tunnel.depth", "integer" },
            { "tunnel.type", "text" }, { "inner.ip.version", "integer" }, { "inner.ip.src", "address" },
            { "inner.ip.dst", "address" }, { "inner.ip.proto", "integer" }, { "inner.tcp.srcport", "integer" },
            { "inner.tcp.dstport", "integer" }, { "inner.udp.srcport", "integer" }, { "inner.udp.dstport", "integer" },
            { "dns.qry.name", "text" }, { "dns.qry.type", "integer" }, { "tls.sni", "text" },
            { "ip.addr", "address", "alias" }, { "tcp.port", "integer", "alias" }, { "udp.port", "integer", "alias" },
            { "sctp.port", "integer", "alias" }, { "inner.ip.addr", "address", "alias" },
            { "inner.tcp.port", "integer", "alias" }, { "inner.udp.port", "integer", "alias" } };

        assertEquals(shared.length, PacketFields.FIELD_COUNT);
        assertEquals(EventFields.END_ID, CATALOGUE.size());
        for (final String[] row : shared)
        {
            final Field field = field(row[0]);
            assertNotNull(field, row[0]);
            assertEquals(row[1], field.type().label(), row[0]);
            final String kind = row.length > 2 ? row[2] : "base";
            assertEquals("repeated".equals(kind), field.isRepeated(), row[0]);
            assertEquals(
                switch (kind)
                {
                    case "derived" -> FieldKind.DERIVED;
                    case "alias" -> FieldKind.ALIAS;
                    default -> FieldKind.BASE;
                },
                field.kind(), row[0]);

            final String constant = row[0].toUpperCase(Locale.ROOT).replace('.', '_');
            try
            {
                assertEquals(field.id(), PacketFields.class.getField(constant).getInt(null), constant);
            }
            catch (final NoSuchFieldException ex)
            {
                throw new AssertionError("no constant PacketFields." + constant, ex);
            }
            assertSame(field, CATALOGUE.byId(field.id()));
        }
        assertNull(field("ipv6.src"));
    }

    @Test
    void rangesAndTextForms()
    {
        assertEquals(4095, field("vlan.id").maxValue());
        assertEquals(0xFFFFF, field("mpls.label").maxValue());
        assertEquals(7, field("ip.flags").maxValue());
        assertEquals(0xFFFFFF, field("vxlan.vni").maxValue());
        assertEquals(0xFFFFFFFFL, field("gtp.teid").maxValue());
        assertEquals(65535, field("inner.udp.port").maxValue());
        assertEquals(TextForm.HOSTNAME, field("dns.qry.name").textForm());
        assertEquals(TextForm.HOSTNAME, field("tls.sni").textForm());
        assertEquals(TextForm.KEYWORD, field("tunnel.type").textForm());
        assertEquals(List.of("gre", "erspan", "vxlan", "geneve", "gtp", "ipip", "teredo"), field("tunnel.type").textValues());
        assertNull(field("ip.src").textForm());
        assertEquals(PacketFields.IP_FLAGS, field("ip.flags.df").readFieldId());
        assertEquals(1, field("ip.flags.df").bitShift());
        assertEquals(0, field("ip.flags.mf").bitShift());
    }

    @Test
    void baseFieldsComeFirstAndReadThemselves()
    {
        for (final Field field : CATALOGUE.fields())
        {
            final boolean base = FieldKind.BASE == field.kind();
            assertEquals(base, field.id() < PacketFields.BASE_FIELD_COUNT || field.id() >= EventFields.FIRST_ID, field.name());
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
        assertEquals(
            Map.of(
                "pii.ip", fields("ip.src", "ip.dst", "inner.ip.src", "inner.ip.dst", "cef.src", "cef.dst", "leef.src", "leef.dst",
                    "flow.src", "flow.dst"),
                "pii.user", fields("cef.suser", "cef.duser", "leef.usrName", "vehicle.driver_id"),
                "pii.vehicle", fields("vehicle.vin"),
                "loc.precise", fields("vehicle.lat", "vehicle.lon"),
                "pii.email", List.of(), "pii.mac", List.of(), "pii.imsi", List.of(), "pii.imei", List.of(),
                "pii.phone", List.of(), "pii.card", List.of()),
            CATALOGUE.defaultDataClasses());
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
        assertThrows(IllegalArgumentException.class, () -> Field.base(-1, "x.y", FieldType.INTEGER, 0, 1, "x", null));
        assertThrows(IllegalArgumentException.class, () -> Field.base(3, "x.y", FieldType.STRING, 0, 1, "x", null));
        assertThrows(IllegalArgumentException.class,
            () -> Field.flag(4, "x.z", Field.repeated(3, "x.y", 0, 7, "x", null), 0, "repeated base"));
        assertThrows(IllegalArgumentException.class,
            () -> Field.text(3, "x.y", 10, TextForm.KEYWORD, List.of(), "keywords need values", null));
    }

    @Test
    void catalogueHasNoLimitOnTheNumberOfFields()
    {
        final ArrayList<Field> fields = new ArrayList<>();
        for (int id = 0; id < 300; id++)
        {
            fields.add(Field.base(id, "f.f" + id, FieldType.INTEGER, 0, 1, "field " + id, 0 == id % 100 ? "many" : null));
        }
        final FieldCatalogue big = new FieldCatalogue(fields);
        assertEquals(300, big.size());
        assertEquals(FieldSet.of(0, 100, 200), FieldSet.of(big.defaultDataClasses().get("many")));
    }
}
