package dev.sluice.policy.action;

import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What one rule does with the items it decides: keep, drop, sample 1 in N, rate-limit,
 * aggregate into flows or count per key and window; what to do with the payload; which fields to
 * anonymize with which method; which data classes to add to the items ({@code tag}) and which
 * regions they go to ({@code route}). Field
 * sets are {@link FieldSet}s of base field ids, which the dataplane tests without allocating.
 * <p>
 * Combinations: {@code drop} has nothing else; a payload action goes with keep, sample or rate-limit;
 * {@code aggregate} goes with anonymization only (it applies to the flow records' addresses), and
 * so does {@code count} (it applies to the key values written into the count records).
 * Today a rule anonymizes with at most one method; the per-method sets
 * ({@link #anonymizeFields(AnonymizationMethod)}) already allow several.
 * <p>
 * Immutable; any thread.
 */
public final class RuleActions
{
    /** The most payload bytes {@code truncate payload N} can keep: the largest IP payload. */
    public static final int MAX_PAYLOAD_BYTES = 65_535;

    private static final AnonymizationMethod[] METHODS = AnonymizationMethod.values();

    public static final RuleActions KEEP =
        new RuleActions(ActionKind.KEEP, 1, emptySets(), PayloadAction.NONE, 0, null, null, List.of(), List.of(), List.of(), true);
    public static final RuleActions DROP =
        new RuleActions(ActionKind.DROP, 1, emptySets(), PayloadAction.NONE, 0, null, null, List.of(), List.of(), List.of(), true);

    private final ActionKind kind;
    private final int sampleDenominator;
    private final FieldSet[] fieldsByMethod;
    private final FieldSet anonymizeFields;
    private final AnonymizationMethod anonymizationMethod;
    private final PayloadAction payloadAction;
    private final int payloadBytes;
    private final RateLimit rateLimit;
    private final CountAction count;
    private final List<Field> sampleKeys;
    private final List<String> routes;
    private final List<String> tags;
    private final boolean statesVerdict;

    private RuleActions(
        final ActionKind kind,
        final int sampleDenominator,
        final FieldSet[] fieldsByMethod,
        final PayloadAction payloadAction,
        final int payloadBytes,
        final RateLimit rateLimit,
        final CountAction count,
        final List<Field> sampleKeys,
        final List<String> routes,
        final List<String> tags,
        final boolean statesVerdict)
    {
        this.statesVerdict = statesVerdict;
        this.kind = kind;
        this.rateLimit = rateLimit;
        this.count = count;
        this.sampleKeys = sampleKeys;
        this.routes = routes;
        this.tags = tags;
        this.sampleDenominator = sampleDenominator;
        this.fieldsByMethod = fieldsByMethod;
        this.payloadAction = payloadAction;
        this.payloadBytes = payloadBytes;

        FieldSet union = FieldSet.EMPTY;
        AnonymizationMethod first = null;
        for (int i = 0; i < fieldsByMethod.length; i++)
        {
            union = union.union(fieldsByMethod[i]);
            if (null == first && !fieldsByMethod[i].isEmpty())
            {
                first = METHODS[i];
            }
        }
        this.anonymizeFields = union;
        this.anonymizationMethod = first;
    }

    /**
     * Actions without a rate limit.
     *
     * @see #of(ActionKind, int, Map, PayloadAction, int, RateLimit)
     */
    public static RuleActions of(
        final ActionKind kind,
        final int sampleDenominator,
        final Map<AnonymizationMethod, FieldSet> anonymize,
        final PayloadAction payloadAction,
        final int payloadBytes)
    {
        return of(kind, sampleDenominator, anonymize, payloadAction, payloadBytes, null);
    }

    /**
     * Actions without a count.
     *
     * @see #of(ActionKind, int, Map, PayloadAction, int, RateLimit, CountAction)
     */
    public static RuleActions of(
        final ActionKind kind,
        final int sampleDenominator,
        final Map<AnonymizationMethod, FieldSet> anonymize,
        final PayloadAction payloadAction,
        final int payloadBytes,
        final RateLimit rateLimit)
    {
        return of(kind, sampleDenominator, anonymize, payloadAction, payloadBytes, rateLimit, null);
    }

    /**
     * @param kind              keep, drop, sample, rate-limit, aggregate or count.
     * @param sampleDenominator N of {@code sample 1/N}, at least 1; must be 1 unless sampling.
     * @param anonymize         base fields to anonymize per method (methods not in the map: none); empty for drop.
     * @param payloadAction     what to do with payloads; NONE for drop and aggregate. TRUNCATE with 0
     *                          bytes is STRIP.
     * @param payloadBytes      for TRUNCATE, the bytes kept, 0..{@link #MAX_PAYLOAD_BYTES}; otherwise 0.
     * @param rateLimit         the limit of a RATE_LIMIT rule; null for every other kind.
     * @param count             the count of a COUNT rule; null for every other kind.
     * @return the actions.
     * @throws IllegalArgumentException for a combination the language does not allow.
     */
    public static RuleActions of(
        final ActionKind kind,
        final int sampleDenominator,
        final Map<AnonymizationMethod, FieldSet> anonymize,
        final PayloadAction payloadAction,
        final int payloadBytes,
        final RateLimit rateLimit,
        final CountAction count)
    {
        if ((ActionKind.RATE_LIMIT == kind) != (null != rateLimit))
        {
            throw new IllegalArgumentException("rate limit " + rateLimit + " for " + kind);
        }
        if ((ActionKind.COUNT == kind) != (null != count))
        {
            throw new IllegalArgumentException("count " + count + " for " + kind);
        }
        final PayloadAction payload =
            PayloadAction.TRUNCATE == payloadAction && 0 == payloadBytes ? PayloadAction.STRIP : payloadAction;
        if (sampleDenominator < 1 || (ActionKind.SAMPLE != kind && 1 != sampleDenominator))
        {
            throw new IllegalArgumentException("sample denominator " + sampleDenominator + " for " + kind);
        }
        final boolean validBytes = PayloadAction.TRUNCATE == payload ?
            payloadBytes >= 1 && payloadBytes <= MAX_PAYLOAD_BYTES : 0 == payloadBytes;
        if (!validBytes)
        {
            throw new IllegalArgumentException(payloadBytes + " payload bytes for " + payload);
        }
        if ((ActionKind.DROP == kind || ActionKind.AGGREGATE == kind || ActionKind.COUNT == kind) && PayloadAction.NONE != payload)
        {
            throw new IllegalArgumentException(kind.keyword() + " cannot have a payload action");
        }

        final FieldSet[] sets = emptySets();
        boolean anonymizes = false;
        for (final Map.Entry<AnonymizationMethod, FieldSet> entry : anonymize.entrySet())
        {
            sets[entry.getKey().ordinal()] = entry.getValue();
            anonymizes |= !entry.getValue().isEmpty();
        }
        if (ActionKind.DROP == kind)
        {
            if (anonymizes)
            {
                throw new IllegalArgumentException("drop cannot anonymize");
            }
            return DROP;
        }
        if (ActionKind.KEEP == kind && !anonymizes && PayloadAction.NONE == payload)
        {
            return KEEP;
        }

        return new RuleActions(
            kind, sampleDenominator, sets, payload, payloadBytes, rateLimit, count, List.of(), List.of(), List.of(), true);
    }

    /**
     * These actions with {@code route} and {@code tag}.
     *
     * @param routes the regions the rule's items go to ({@code route}); empty: every destination.
     * @param tags   the data classes the rule adds to its items ({@code tag}); empty: none.
     * @return the actions.
     * @throws IllegalArgumentException for a drop or aggregate rule that routes or tags.
     */
    public RuleActions withRoutesAndTags(final List<String> routes, final List<String> tags)
    {
        if (routes.isEmpty() && tags.isEmpty())
        {
            return this;
        }
        if (ActionKind.DROP == kind || ActionKind.AGGREGATE == kind)
        {
            throw new IllegalArgumentException(kind.keyword() + " cannot route or tag");
        }
        return new RuleActions(
            kind, sampleDenominator, fieldsByMethod, payloadAction, payloadBytes, rateLimit, count, sampleKeys, List.copyOf(routes),
            List.copyOf(tags), statesVerdict);
    }

    /**
     * These actions with {@code sample 1/N by <keys>}: one key in N is kept, every item of it.
     *
     * @param keys the key fields; empty: the first of every N items of the rule is kept.
     * @return the actions.
     * @throws IllegalArgumentException for keys on a rule that does not sample.
     */
    public RuleActions withSampleKeys(final List<Field> keys)
    {
        if (keys.isEmpty())
        {
            return this;
        }
        if (ActionKind.SAMPLE != kind)
        {
            throw new IllegalArgumentException("sample keys for " + kind);
        }
        return new RuleActions(
            kind, sampleDenominator, fieldsByMethod, payloadAction, payloadBytes, rateLimit, count, List.copyOf(keys), routes, tags,
            statesVerdict);
    }

    /**
     * @return the fields {@code sample 1/N by} picks keys by; empty for a rule that samples every
     * N-th item (or does not sample).
     */
    public List<Field> sampleKeys()
    {
        return sampleKeys;
    }

    /**
     * These actions as written without a forwarding action ({@code keep} implied): under
     * {@code match: all} such a rule decides nothing about forwarding, it only adds its modifiers.
     *
     * @return the actions.
     * @throws IllegalStateException when they are not {@code keep}.
     */
    public RuleActions withImpliedKeep()
    {
        if (ActionKind.KEEP != kind)
        {
            throw new IllegalStateException("only keep is implied: " + this);
        }
        return new RuleActions(
            kind, sampleDenominator, fieldsByMethod, payloadAction, payloadBytes, rateLimit, count, sampleKeys, routes, tags, false);
    }

    /**
     * @return false when the rule names no forwarding action (drop, keep, sample, rate-limit,
     * aggregate) and keep is implied by its modifiers.
     */
    public boolean statesVerdict()
    {
        return statesVerdict;
    }

    /**
     * @return true when the rule anonymizes, cuts payloads, tags or routes: what every matching rule
     * adds under {@code match: all}.
     */
    public boolean hasModifiers()
    {
        return !anonymizeFields.isEmpty() || PayloadAction.NONE != payloadAction || !tags.isEmpty() || !routes.isEmpty();
    }

    /**
     * What an item gets under {@code match: all} when this rule decides its forwarding and
     * {@code other} matches too: the union of the fields anonymized per method, of the tags and of the
     * routes (a rule that does not route adds no region; none routing leaves every destination),
     * and the smaller payload cut. Flow records and dropped items take no payload cut, tag or route.
     *
     * @param other a matching rule's actions.
     * @return the combination (this one's forwarding).
     */
    public RuleActions plusModifiersOf(final RuleActions other)
    {
        if (ActionKind.DROP == kind)
        {
            return this;
        }
        final FieldSet[] sets = new FieldSet[METHODS.length];
        for (int i = 0; i < sets.length; i++)
        {
            sets[i] = fieldsByMethod[i].union(other.fieldsByMethod[i]);
        }
        PayloadAction payload = payloadAction;
        int bytes = payloadBytes;
        if (ActionKind.AGGREGATE != kind && cutsMore(other.payloadAction, other.payloadBytes, payload, bytes))
        {
            payload = other.payloadAction;
            bytes = other.payloadBytes;
        }
        final boolean flows = ActionKind.AGGREGATE == kind;
        final LinkedHashSet<String> allTags = new LinkedHashSet<>(tags);
        final LinkedHashSet<String> allRoutes = new LinkedHashSet<>(routes);
        if (!flows)
        {
            allTags.addAll(other.tags);
            allRoutes.addAll(other.routes);
        }
        return new RuleActions(
            kind, sampleDenominator, sets, payload, bytes, rateLimit, count, sampleKeys, List.copyOf(allRoutes), List.copyOf(allTags),
            statesVerdict);
    }

    private static boolean cutsMore(
        final PayloadAction action, final int bytes, final PayloadAction than, final int thanBytes)
    {
        return switch (action)
        {
            case NONE -> false;
            case STRIP -> PayloadAction.STRIP != than;
            case TRUNCATE -> PayloadAction.NONE == than || (PayloadAction.TRUNCATE == than && bytes < thanBytes);
        };
    }

    private static FieldSet[] emptySets()
    {
        final FieldSet[] sets = new FieldSet[METHODS.length];
        Arrays.fill(sets, FieldSet.EMPTY);
        return sets;
    }

    public ActionKind kind()
    {
        return kind;
    }

    /**
     * @return N of {@code sample 1/N}; 1 for every other kind.
     */
    public int sampleDenominator()
    {
        return sampleDenominator;
    }

    /**
     * @return the limit of a {@link ActionKind#RATE_LIMIT} rule; null for every other kind.
     */
    public RateLimit rateLimit()
    {
        return rateLimit;
    }

    /**
     * @return the count of a {@link ActionKind#COUNT} rule; null for every other kind.
     */
    public CountAction count()
    {
        return count;
    }

    /**
     * @return the regions the rule's forwarded items go to ({@code route}); empty when they go to
     * every destination (residency still decides how).
     */
    public List<String> routes()
    {
        return routes;
    }

    /**
     * @return the data classes the rule adds to its items ({@code tag}); their residency applies as
     * if the items held them.
     */
    public List<String> tags()
    {
        return tags;
    }

    /**
     * @return what to do with the payloads of forwarded packets.
     */
    public PayloadAction payloadAction()
    {
        return payloadAction;
    }

    /**
     * @return for {@link PayloadAction#TRUNCATE}, how many payload bytes are kept (at least 1);
     * 0 for {@link PayloadAction#STRIP} (nothing is kept) and for {@link PayloadAction#NONE}
     * (where it means nothing: the payload is kept whole).
     */
    public int payloadBytes()
    {
        return payloadBytes;
    }

    /**
     * @return every base field to anonymize, by any method.
     */
    public FieldSet anonymizeFields()
    {
        return anonymizeFields;
    }

    /**
     * @param method a method.
     * @return the base fields to anonymize with that method.
     */
    public FieldSet anonymizeFields(final AnonymizationMethod method)
    {
        return fieldsByMethod[method.ordinal()];
    }

    /**
     * @return the method used, or null when nothing is anonymized.
     */
    public AnonymizationMethod anonymizationMethod()
    {
        return anonymizationMethod;
    }

    /**
     * @param catalogue the catalogue the field ids refer to.
     * @return the actions in policy syntax, e.g.
     * {@code [keep, truncate payload 64, anonymize ip.src, ip.dst with cryptopan]}.
     */
    public List<String> describe(final FieldCatalogue catalogue)
    {
        final ArrayList<String> actions = new ArrayList<>();
        if (statesVerdict)
        {
            actions.add(switch (kind)
            {
                case SAMPLE -> "sample 1/" + sampleDenominator + (sampleKeys.isEmpty() ? "" :
                    " by " + String.join(", ", sampleKeys.stream().map(Field::name).toList()));
                case RATE_LIMIT -> rateLimit.describe();
                case COUNT -> count.describe();
                default -> kind.keyword();
            });
        }
        switch (payloadAction)
        {
            case TRUNCATE -> actions.add("truncate payload " + payloadBytes);
            case STRIP -> actions.add("strip payload");
            case NONE ->
            {
            }
        }
        for (final AnonymizationMethod method : METHODS)
        {
            final FieldSet fields = fieldsByMethod[method.ordinal()];
            if (!fields.isEmpty())
            {
                final StringBuilder text = new StringBuilder("anonymize ");
                for (int id = fields.nextId(0); id >= 0; id = fields.nextId(id + 1))
                {
                    if (text.length() > "anonymize ".length())
                    {
                        text.append(", ");
                    }
                    text.append(id < catalogue.size() ? catalogue.byId(id).name() : "#" + id);
                }
                actions.add(text.append(" with ").append(method.keyword()).toString());
            }
        }
        if (!tags.isEmpty())
        {
            actions.add("tag " + String.join(", ", tags));
        }
        if (!routes.isEmpty())
        {
            actions.add("route " + String.join(", ", routes));
        }
        return List.copyOf(actions);
    }

    /**
     * @return the per-method field sets, only the non-empty ones.
     */
    public Map<AnonymizationMethod, FieldSet> anonymizeFieldsByMethod()
    {
        final EnumMap<AnonymizationMethod, FieldSet> map = new EnumMap<>(AnonymizationMethod.class);
        for (final AnonymizationMethod method : METHODS)
        {
            if (!fieldsByMethod[method.ordinal()].isEmpty())
            {
                map.put(method, fieldsByMethod[method.ordinal()]);
            }
        }
        return map;
    }

    public String toString()
    {
        return describe(FieldCatalogue.standard()).toString();
    }
}
