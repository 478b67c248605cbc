package dev.sluice.policy.field;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FieldSetTest
{
    @Test
    void membersAcrossWords()
    {
        final FieldSet set = FieldSet.of(0, 63, 64, 130, 63);
        assertEquals(4, set.size());
        assertArrayEquals(new int[]{ 0, 63, 64, 130 }, set.ids());
        for (int id = -3; id < 200; id++)
        {
            assertEquals(id == 0 || id == 63 || id == 64 || id == 130, set.contains(id), "id " + id);
        }
        assertEquals(0, set.nextId(-5));
        assertEquals(63, set.nextId(1));
        assertEquals(64, set.nextId(64));
        assertEquals(130, set.nextId(65));
        assertEquals(-1, set.nextId(131));
        assertEquals(-1, set.nextId(10_000));
        assertEquals("{0, 63, 64, 130}", set.toString());
    }

    @Test
    void emptyUnionIntersectionAndEquality()
    {
        assertTrue(FieldSet.EMPTY.isEmpty());
        assertSame(FieldSet.EMPTY, FieldSet.of());
        assertSame(FieldSet.EMPTY, FieldSet.builder().build());
        assertEquals(-1, FieldSet.EMPTY.nextId(0));
        assertFalse(FieldSet.EMPTY.contains(0));

        final FieldSet low = FieldSet.of(1, 2);
        final FieldSet high = FieldSet.of(2, 100);
        assertEquals(FieldSet.of(1, 2, 100), low.union(high));
        assertEquals(FieldSet.of(1, 2, 100), high.union(low));
        assertSame(low, low.union(FieldSet.of(1)));
        assertTrue(low.intersects(high));
        assertFalse(low.intersects(FieldSet.of(3, 100)));
        assertFalse(FieldSet.EMPTY.intersects(low));

        // Equal sets are equal however they were built (the builder over-allocates words).
        assertEquals(FieldSet.of(128).union(FieldSet.of(64)), FieldSet.builder().add(64).add(128).build());
        assertEquals(FieldSet.of(5).hashCode(), FieldSet.builder().add(5).build().hashCode());
        assertNotEquals(FieldSet.of(5), FieldSet.of(6));
        assertThrows(IllegalArgumentException.class, () -> FieldSet.of(-1));
    }

    @Test
    void fieldsOfACatalogue()
    {
        final FieldCatalogue catalogue = FieldCatalogue.standard();
        final FieldSet addresses = FieldSet.of(catalogue.byName("ip.addr").baseFields())
            .union(FieldSet.of(catalogue.byName("inner.ip.addr").baseFields()));
        assertEquals(
            List.of(catalogue.byName("ip.src"), catalogue.byName("ip.dst"), catalogue.byName("inner.ip.src"), catalogue.byName("inner.ip.dst")),
            addresses.fields(catalogue));
        assertEquals(List.of(), FieldSet.of(5_000).fields(catalogue));
    }
}
