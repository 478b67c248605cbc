package dev.sluice.dataplane.classify.event;

import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldType;

import java.util.function.IntFunction;

/**
 * For a CEF or LEEF reader: per policy field id, the extension key the field reads (a well-known
 * key such as {@code cef.src}, or a dynamic {@code cef.<key>} / {@code leef.<key>}) and the type the
 * policy reads it as; null for ids the format does not serve. Resolved once per policy.
 */
final class ExtensionKeys
{
    private final String[] keys;
    private final FieldType[] types;

    /**
     * @param catalogue the policy's catalogue.
     * @param prefix    the format's dynamic prefix.
     * @param fixedKey  the key of a fixed event field id, or null when the format has none for it.
     */
    ExtensionKeys(final FieldCatalogue catalogue, final DynamicPrefix prefix, final IntFunction<String> fixedKey)
    {
        final int size = catalogue.size();
        keys = new String[size];
        types = new FieldType[size];
        for (int id = EventFields.FIRST_ID; id < size; id++)
        {
            final Field field = catalogue.byId(id);
            final String key = id < EventFields.END_ID ? fixedKey.apply(id) : prefix == field.dynamicPrefix() ?
                field.dynamicPath().getFirst().key() : null;
            if (null != key)
            {
                keys[id] = key;
                types[id] = field.type();
            }
        }
    }

    String[] keys()
    {
        return keys;
    }

    FieldType[] types()
    {
        return types;
    }
}
