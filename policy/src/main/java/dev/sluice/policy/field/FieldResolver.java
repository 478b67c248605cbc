package dev.sluice.policy.field;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.diagnostic.Suggestions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields one policy can name: the standard catalogue's, and the
 * {@linkplain DynamicPrefix dynamic} fields it makes by naming them ({@code json.user.id},
 * {@code syslog.sd.origin.ip}, {@code cef.cs1}, {@code can.EngineData.EngineSpeed}).
 * <p>
 * A dynamic field is typed by its use: compared with an integer or a range it is an integer,
 * with text a text, with an address or prefix an address, and named in
 * {@code anonymize ... with cryptopan} an address. A use that gives no type (a bare
 * {@code json.debug}, which tests presence; a member of a data class) takes the type of the
 * other uses, or text when there are none. One name has one type per policy: a second type is
 * an error at the use that disagrees with the first, so a name never stands for two fields a
 * reader would have to tell apart, and data classes and residency attach to one field.
 * <p>
 * Because a use without a type may come before the use that types the field, a policy is read
 * twice: a first pass ({@link #FieldResolver(FieldCatalogue)}, diagnostics thrown away) records
 * the first typed use of every name; the real pass ({@link #secondPass()}) makes each field
 * once, with that type, numbering dynamic fields after the standard ones in the order the
 * policy first names them, and reports disagreements. Its {@link #catalogue()} becomes the
 * policy's.
 * <p>
 * Confined to the thread parsing the policy.
 */
public final class FieldResolver
{
    /** The most dynamic fields one policy can name. */
    public static final int MAX_DYNAMIC_FIELDS = 1024;

    private static final int MIN_KEY_LENGTH_FOR_TYPO_WARNING = 6;

    /**
     * The first typed use of a dynamic name.
     *
     * @param type     the type it gave the field.
     * @param position where it is.
     * @param usage    how it used the field, for messages: "compared with an integer".
     */
    public record Use(FieldType type, SourcePosition position, String usage)
    {
    }

    private final FieldCatalogue standard;
    /** Null in a first pass. */
    private final Map<String, Use> typesFromFirstPass;
    private final LinkedHashMap<String, Use> firstTypedUses = new LinkedHashMap<>();
    private final LinkedHashMap<String, Field> dynamicFields = new LinkedHashMap<>();
    /** First pass: a field per name and type, so that every use type-checks as if it were the first. */
    private final HashMap<String, Field> provisionalFields = new HashMap<>();

    /**
     * A first pass: records types, never reports a disagreement.
     *
     * @param standard the fixed fields.
     */
    public FieldResolver(final FieldCatalogue standard)
    {
        this(standard, null);
    }

    private FieldResolver(final FieldCatalogue standard, final Map<String, Use> typesFromFirstPass)
    {
        this.standard = standard;
        this.typesFromFirstPass = typesFromFirstPass;
    }

    /**
     * @return a resolver for the real pass over the same text, which types each dynamic field as
     * this pass first used it.
     */
    public FieldResolver secondPass()
    {
        return new FieldResolver(standard, new HashMap<>(firstTypedUses));
    }

    /**
     * @return the fixed fields.
     */
    public FieldCatalogue standard()
    {
        return standard;
    }

    /**
     * @param name a name as written.
     * @return the fixed field, or the dynamic field of that canonical name made so far, or null.
     */
    public Field byName(final String name)
    {
        final Field field = standard.byName(name);
        return null != field ? field : dynamicFields.get(name);
    }

    /**
     * @return the fixed fields' names, for "did you mean" hints.
     */
    public Collection<String> names()
    {
        return standard.names();
    }

    /**
     * The field for a use of a dynamic name, made on its first use.
     *
     * @param name        the parsed name.
     * @param type        the type this use gives the field, or null when it gives none.
     * @param usage       how this use types the field ("compared with text"), for messages; ignored when type is null.
     * @param position    where the use is.
     * @param diagnostics where a disagreement, a broken limit or a likely typo goes.
     * @return the field, or null when an error was reported (its type differs from this use's,
     * or the policy names too many dynamic fields).
     */
    public Field use(
        final DynamicName name,
        final FieldType type,
        final String usage,
        final SourcePosition position,
        final Diagnostics diagnostics)
    {
        final String key = name.name();
        if (null != type)
        {
            firstTypedUses.putIfAbsent(key, new Use(type, position, usage));
        }
        if (null == typesFromFirstPass)
        {
            final FieldType provisional = null == type ? FieldType.STRING : type;
            return provisionalFields.computeIfAbsent(
                key + '#' + provisional, ignore -> Field.dynamic(standard.size() + provisionalFields.size(), name, provisional));
        }

        Field field = dynamicFields.get(key);
        if (null == field)
        {
            if (dynamicFields.size() >= MAX_DYNAMIC_FIELDS)
            {
                diagnostics.error(
                    position,
                    "a policy can name at most " + MAX_DYNAMIC_FIELDS + " fields under json, syslog.sd, cef, leef and can",
                    "split the policy, or test fewer keys");
                return null;
            }
            final Use first = typesFromFirstPass.getOrDefault(key, firstTypedUses.get(key));
            field = Field.dynamic(standard.size() + dynamicFields.size(), name, null == first ? FieldType.STRING : first.type());
            dynamicFields.put(key, field);
            warnIfFixedNameWasMeant(name, position, diagnostics);
        }

        if (null != type && type != field.type())
        {
            final Use first = typesFromFirstPass.get(key);
            diagnostics.error(
                position,
                "'" + key + "' is " + usage + " here, but " + (null == first ? "used as " + field.type().labelWithArticle() :
                    first.usage() + " at " + first.position()) + "; a field has one type in a policy",
                "its first use made it " + field.type().labelWithArticle() + " field: use it as one everywhere");
            return null;
        }
        return field;
    }

    /**
     * {@code cef.sevrity} is a valid extension key, but more likely a misspelt fixed field: warn
     * when a key is one edit (or only letter case) away from a fixed field's. Short keys are
     * left alone, because CEF's own dictionary is full of them one edit apart ({@code cs1},
     * {@code cn1}, {@code fname} next to {@code src}, {@code name}).
     */
    private void warnIfFixedNameWasMeant(final DynamicName name, final SourcePosition position, final Diagnostics diagnostics)
    {
        if (DynamicPrefix.CEF != name.prefix() && DynamicPrefix.LEEF != name.prefix())
        {
            return;
        }
        final String key = name.path().getFirst().key();
        if (key.length() < MIN_KEY_LENGTH_FOR_TYPO_WARNING)
        {
            return;
        }
        final String start = name.prefix().prefix() + ".";
        final ArrayList<String> fixedKeys = new ArrayList<>();
        for (final String candidate : standard.names())
        {
            if (candidate.startsWith(start))
            {
                fixedKeys.add(candidate.substring(start.length()));
            }
        }
        final String closest = Suggestions.closest(key, fixedKeys, 1);
        if (null != closest && !closest.equals(key))
        {
            diagnostics.warning(
                position,
                "'" + name.name() + "' is read as the " + name.prefix().what() + " '" + name.path().getFirst().key() + "'",
                "did you mean '" + start + closest + "'?");
        }
    }

    /**
     * @return the dynamic fields made so far, in id order.
     */
    public List<Field> dynamicFields()
    {
        return List.copyOf(dynamicFields.values());
    }

    /**
     * @return the standard fields followed by the dynamic ones: the policy's catalogue.
     */
    public FieldCatalogue catalogue()
    {
        if (dynamicFields.isEmpty())
        {
            return standard;
        }
        final ArrayList<Field> all = new ArrayList<>(standard.fields());
        all.addAll(dynamicFields.values());
        return new FieldCatalogue(all);
    }
}
