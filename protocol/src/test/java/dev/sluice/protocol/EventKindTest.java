package dev.sluice.protocol;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventKindTest
{
    @Test
    void codesAndLabelsAreTheWireValues()
    {
        // Wire values: changing one breaks every core reading an older gateway's batches.
        assertEquals(1, EventKind.SYSLOG.code());
        assertEquals(2, EventKind.CEF.code());
        assertEquals(3, EventKind.LEEF.code());
        assertEquals(4, EventKind.JSON.code());
        assertEquals(5, EventKind.FLOW.code());
        assertEquals(6, EventKind.CAN.code());
        assertEquals(7, EventKind.COUNT.code());
        assertEquals("syslog", EventKind.SYSLOG.label());
        assertEquals("cef", EventKind.CEF.label());
        assertEquals("leef", EventKind.LEEF.label());
        assertEquals("json", EventKind.JSON.label());
        assertEquals("flow", EventKind.FLOW.label());
        assertEquals("can", EventKind.CAN.label());
        assertEquals("count", EventKind.COUNT.label());
    }

    @Test
    void everyKindIsFoundByItsCode()
    {
        final Set<Integer> codes = new HashSet<>();
        for (final EventKind kind : EventKind.values())
        {
            assertTrue(codes.add(kind.code()), "code given once: " + kind);
            assertTrue(kind.code() <= EventKind.MAX_CODE);
            assertSame(kind, EventKind.get(kind.code()));
            assertEquals(kind.label(), EventKind.label(kind.code()));
            assertEquals(kind.name().toLowerCase(Locale.ROOT), kind.label());
        }
    }

    @Test
    void unknownCodesHaveNoKind()
    {
        for (final int code : new int[]{ 0, -1, EventKind.MAX_CODE + 1, 255, EventKind.NULL_CODE, Integer.MIN_VALUE,
            Integer.MAX_VALUE })
        {
            assertNull(EventKind.get(code), "code " + code);
            assertNull(EventKind.label(code), "code " + code);
        }
    }
}
