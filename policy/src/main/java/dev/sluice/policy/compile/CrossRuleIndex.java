package dev.sluice.policy.compile;

import dev.sluice.policy.condition.AddressComparison;
import dev.sluice.policy.condition.AddressInSet;
import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.AndCondition;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.IntegerComparison;
import dev.sluice.policy.condition.IntegerInSet;
import dev.sluice.policy.condition.IntegerSet;
import dev.sluice.policy.condition.IntegerTruth;
import dev.sluice.policy.field.Field;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides each field once for all rules (bit-vector classification, after Lakshman and
 * Stiliadis): for a field that several rules test in a conjunctive position (the whole condition
 * or a top-level {@code and} term), the field's value space is cut into intervals at every
 * bound of every such test, and each interval gets a row of bits, one per rule, set when the
 * rule's tests on the field hold there (and for every rule that does not test the field). An
 * absent field keeps only the rules that do not need it. Per item, the generated code reads
 * each indexed field once, looks its row up ({@link IntervalIndex}) and {@code and}s it into
 * the candidate words; only candidates then run, in rule order, and only their terms that no
 * row decided. A candidate whose remaining terms fail falls through to the next, so first
 * match is unchanged; a rule whose bit is clear is exactly one whose indexed terms or
 * required fields fail.
 * <p>
 * Indexed: integer comparisons, {@code in} sets and truth tests on fields that are not
 * repeated (bit fields through their shift and mask), and address {@code ==}, {@code !=} and
 * {@code in}. Not indexed, left to the rule's own code: anything under {@code not} or {@code or}
 * (their fields still count for presence, as in {@link Requirements}), repeated fields (a
 * VLAN stack), text tests. Built off the data path; one compilation on one thread.
 */
final class CrossRuleIndex
{
    /** Fewer rules than this run as before: the per-rule code is already as short as the lookups. */
    static final int MIN_RULES = 4;
    /** A field is indexed when at least this many rules need it: reading it for one rule costs more than it saves. */
    static final int MIN_RULES_PER_FIELD = 2;
    /** Bytecode for the lookups, so that {@code firstMatch} stays below the JIT limit with the chunk calls. */
    static final int LOOKUP_BUDGET_BYTES = 6_000;
    /** Above this many intervals × tested rules, a field's rows cost too much to build; its tests stay in the rules. */
    static final long MAX_BUILD_WORK = 50_000_000L;
    /**
     * Up to this many words (256 rules), the code returns "no match" as soon as the candidate
     * words are all clear, before reading the remaining fields; above, the test costs more bytecode than it saves.
     */
    static final int EARLY_EXIT_MAX_WORDS = 4;

    enum Kind
    {
        PRESENCE, INTEGER, ADDRESS
    }

    /**
     * One lookup: an interval index, the rows it points into (row {@code r} is words
     * {@code rows[r * words .. r * words + words - 1]}), and which words any row changes.
     */
    record Lookup(int shift, long mask, IntervalIndex index, IntervalIndex index6, long[] rows, boolean[] changes)
    {
    }

    /**
     * One field, read once per item: the words to keep when it is absent ({@code -1} changes
     * nothing), and its lookups when present.
     */
    record FieldEntry(int fieldId, Kind kind, long[] absentKeep, List<Lookup> lookups)
    {
    }

    private final int ruleCount;
    private final int words;
    private final List<FieldEntry> fields;
    private final List<List<Condition>> remaining;
    private final long[] clearable;

    private CrossRuleIndex(
        final int ruleCount, final List<FieldEntry> fields, final List<List<Condition>> remaining, final long[] clearable)
    {
        this.ruleCount = ruleCount;
        this.words = wordsFor(ruleCount);
        this.fields = fields;
        this.remaining = remaining;
        this.clearable = clearable;
    }

    /**
     * @return whether policies are compiled with the index ({@value RuleCompiler#INDEX_PROP_NAME}).
     */
    static boolean enabled()
    {
        return Boolean.parseBoolean(System.getProperty(RuleCompiler.INDEX_PROP_NAME, Boolean.toString(RuleCompiler.INDEX_DEFAULT)));
    }

    static int wordsFor(final int ruleCount)
    {
        return (ruleCount + Long.SIZE - 1) / Long.SIZE;
    }

    int ruleCount()
    {
        return ruleCount;
    }

    int words()
    {
        return words;
    }

    /** @return the indexed fields, the one most rules need first. */
    List<FieldEntry> fields()
    {
        return fields;
    }

    /** @return per rule, the terms of its condition that no lookup decides ({@code and}ed; empty = true). */
    List<Condition> remaining(final int rule)
    {
        return remaining.get(rule);
    }

    /** @return per word, the rules whose bit some field can clear (the others are candidates for every item). */
    long[] clearable()
    {
        return clearable;
    }

    /** @return the candidate words every item starts from: one bit per rule. */
    long initialWord(final int word)
    {
        final int bits = Math.min(Long.SIZE, ruleCount - word * Long.SIZE);
        return Long.SIZE == bits ? -1L : (1L << bits) - 1;
    }

    /**
     * @param conditions one per rule, in rule order.
     * @return the plan, or null when no field is worth indexing.
     */
    static CrossRuleIndex plan(final Condition[] conditions)
    {
        final int n = conditions.length;
        if (n < MIN_RULES)
        {
            return null;
        }
        final int words = wordsFor(n);
        final List<List<Condition>> terms = new ArrayList<>(n);
        final TreeMap<Integer, List<Integer>> rulesByField = new TreeMap<>();
        for (int r = 0; r < n; r++)
        {
            final ArrayList<Condition> ruleTerms = new ArrayList<>();
            flatten(conditions[r], ruleTerms);
            terms.add(ruleTerms);
            for (final int fieldId : Requirements.of(conditions[r]).byField().keySet())
            {
                rulesByField.computeIfAbsent(fieldId, id -> new ArrayList<>()).add(r);
            }
        }

        final List<Map.Entry<Integer, List<Integer>>> candidates = new ArrayList<>(rulesByField.entrySet());
        candidates.removeIf(e -> e.getValue().size() < MIN_RULES_PER_FIELD);
        candidates.sort((a, b) -> b.getValue().size() - a.getValue().size());

        final IdentityHashMap<Condition, Boolean> indexed = new IdentityHashMap<>();
        final ArrayList<FieldEntry> fields = new ArrayList<>();
        final long[] clearable = new long[words];
        int bytes = 0;
        for (final Map.Entry<Integer, List<Integer>> candidate : candidates)
        {
            final int fieldId = candidate.getKey();
            final long[] absentKeep = new long[words];
            Arrays.fill(absentKeep, -1L);
            for (final int rule : candidate.getValue())
            {
                absentKeep[rule >>> 6] &= ~(1L << rule);
            }
            final IdentityHashMap<Condition, Boolean> fieldTerms = new IdentityHashMap<>();
            final FieldEntry entry = entry(fieldId, terms, absentKeep, fieldTerms);
            final int entryBytes = estimateBytes(entry, words);
            if (bytes + entryBytes > LOOKUP_BUDGET_BYTES)
            {
                continue;
            }
            bytes += entryBytes;
            fields.add(entry);
            indexed.putAll(fieldTerms);
            for (int w = 0; w < words; w++)
            {
                clearable[w] |= ~absentKeep[w];
            }
            for (final Lookup lookup : entry.lookups())
            {
                orChanged(lookup, words, clearable);
            }
        }
        if (fields.isEmpty())
        {
            return null;
        }

        final ArrayList<List<Condition>> remaining = new ArrayList<>(n);
        for (final List<Condition> ruleTerms : terms)
        {
            final ArrayList<Condition> left = new ArrayList<>();
            for (final Condition term : ruleTerms)
            {
                if (!indexed.containsKey(term))
                {
                    left.add(term);
                }
            }
            remaining.add(Collections.unmodifiableList(left));
        }
        return new CrossRuleIndex(n, List.copyOf(fields), List.copyOf(remaining), clearable);
    }

    private static void flatten(final Condition condition, final List<Condition> out)
    {
        if (condition instanceof AndCondition and)
        {
            and.operands().forEach(operand -> flatten(operand, out));
        }
        else
        {
            out.add(condition);
        }
    }

    /** The key of what a term looks up: field, shift and mask for integers, the field for addresses; null when not indexable. */
    private static String lookupKey(final Condition term)
    {
        return switch (term)
        {
            case IntegerComparison c when isIndexable(c.field()) -> integerKey(c.field());
            case IntegerInSet s when isIndexable(s.field()) -> integerKey(s.field());
            case IntegerTruth t when isIndexable(t.field()) -> integerKey(t.field());
            case AddressComparison c when !c.field().isRepeated() -> "a" + c.field().readFieldId();
            case AddressInSet s when !s.field().isRepeated() -> "a" + s.field().readFieldId();
            default -> null;
        };
    }

    private static boolean isIndexable(final Field field)
    {
        return !field.isRepeated();
    }

    private static String integerKey(final Field field)
    {
        return "i" + field.readFieldId() + ">>>" + field.bitShift() + "&" + field.bitMask();
    }

    private static int readFieldId(final Condition term)
    {
        return switch (term)
        {
            case IntegerComparison c -> c.field().readFieldId();
            case IntegerInSet s -> s.field().readFieldId();
            case IntegerTruth t -> t.field().readFieldId();
            case AddressComparison c -> c.field().readFieldId();
            case AddressInSet s -> s.field().readFieldId();
            default -> throw new IllegalArgumentException("not indexable: " + term);
        };
    }

    private static Field field(final Condition term)
    {
        return switch (term)
        {
            case IntegerComparison c -> c.field();
            case IntegerInSet s -> s.field();
            case IntegerTruth t -> t.field();
            default -> throw new IllegalArgumentException("not an integer test: " + term);
        };
    }

    /**
     * The field's lookups: per key, the rules' indexable terms on the field, grouped.
     */
    private static FieldEntry entry(
        final int fieldId,
        final List<List<Condition>> terms,
        final long[] absentKeep,
        final IdentityHashMap<Condition, Boolean> fieldTerms)
    {
        // key -> rule -> its terms on that key
        final LinkedHashMap<String, TreeMap<Integer, List<Condition>>> byKey = new LinkedHashMap<>();
        for (int r = 0; r < terms.size(); r++)
        {
            for (final Condition term : terms.get(r))
            {
                final String key = lookupKey(term);
                if (null != key && readFieldId(term) == fieldId)
                {
                    byKey.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(r, k -> new ArrayList<>()).add(term);
                }
            }
        }
        final int words = absentKeep.length;
        final ArrayList<Lookup> lookups = new ArrayList<>();
        Kind kind = Kind.PRESENCE;
        for (final Map.Entry<String, TreeMap<Integer, List<Condition>>> e : byKey.entrySet())
        {
            final TreeMap<Integer, List<Condition>> rules = e.getValue();
            final Lookup lookup;
            if (e.getKey().startsWith("a"))
            {
                kind = Kind.ADDRESS;
                lookup = addressLookup(fieldId, rules, words);
            }
            else
            {
                kind = Kind.INTEGER;
                lookup = integerLookup(fieldId, rules, words);
            }
            if (null != lookup)
            {
                lookups.add(lookup);
                rules.values().forEach(list -> list.forEach(term -> fieldTerms.put(term, Boolean.TRUE)));
            }
        }
        return new FieldEntry(fieldId, lookups.isEmpty() ? Kind.PRESENCE : kind, absentKeep, List.copyOf(lookups));
    }

    private static Lookup integerLookup(final int fieldId, final TreeMap<Integer, List<Condition>> rules, final int words)
    {
        final Field field = field(rules.firstEntry().getValue().getFirst());
        final TreeSet<Long> bounds = new TreeSet<>();
        bounds.add(0L);
        for (final List<Condition> list : rules.values())
        {
            for (final Condition term : list)
            {
                switch (term)
                {
                    case IntegerComparison c -> bound(bounds, c.value());
                    case IntegerInSet s ->
                    {
                        final IntegerSet set = s.set();
                        for (int i = 0; i < set.rangeCount(); i++)
                        {
                            bound(bounds, set.rangeLow(i));
                            bound(bounds, set.rangeHigh(i));
                        }
                    }
                    case IntegerTruth ignored -> bounds.add(1L);
                    default -> throw new IllegalArgumentException("not an integer test: " + term);
                }
            }
        }
        if ((long)bounds.size() * rules.size() > MAX_BUILD_WORK)
        {
            return null;
        }
        final long[] starts = bounds.stream().mapToLong(Long::longValue).toArray();
        final ProbeReader probe = new ProbeReader();
        final int shift = field.bitShift();
        final long mask = field.bitMask();
        final Rows rows = new Rows(words);
        final int[] offsets = new int[starts.length];
        for (int i = 0; i < starts.length; i++)
        {
            // The raw value whose view (value >>> shift & mask) is the interval's start; starts above the mask are never reached.
            probe.integer(fieldId, 0 == shift ? starts[i] : starts[i] << shift);
            offsets[i] = rows.add(row(rules, probe, words));
        }
        return new Lookup(shift, mask, new IntervalIndex(new long[starts.length], starts, offsets), null,
            rows.toArray(), rows.changes());
    }

    /** Both ends of a value's interval: v and v + 1 (ranges: low and high + 1). */
    private static void bound(final TreeSet<Long> bounds, final long value)
    {
        if (value >= 0)
        {
            bounds.add(value);
            if (value < Long.MAX_VALUE)
            {
                bounds.add(value + 1);
            }
        }
    }

    private static Lookup addressLookup(final int fieldId, final TreeMap<Integer, List<Condition>> rules, final int words)
    {
        final TreeSet<Long> starts4 = new TreeSet<>();
        final TreeSet<long[]> starts6 = new TreeSet<>((a, b) ->
            0 != Long.compareUnsigned(a[0], b[0]) ? Long.compareUnsigned(a[0], b[0]) : Long.compareUnsigned(a[1], b[1]));
        starts4.add(0L);
        starts6.add(new long[]{ 0, 0 });
        for (final List<Condition> list : rules.values())
        {
            for (final Condition term : list)
            {
                final List<AddressPrefix> prefixes = switch (term)
                {
                    case AddressComparison c -> List.of(c.prefix());
                    case AddressInSet s -> s.set().prefixes();
                    default -> throw new IllegalArgumentException("not an address test: " + term);
                };
                for (final AddressPrefix prefix : prefixes)
                {
                    if (4 == prefix.version())
                    {
                        starts4.add(prefix.low());
                        if (prefix.lastLow() < 0xFFFF_FFFFL)
                        {
                            starts4.add(prefix.lastLow() + 1);
                        }
                    }
                    else
                    {
                        starts6.add(new long[]{ prefix.high(), prefix.low() });
                        final long nextLow = prefix.lastLow() + 1;
                        final long nextHigh = 0 == nextLow ? prefix.lastHigh() + 1 : prefix.lastHigh();
                        if (!(0 == nextLow && 0 == nextHigh))
                        {
                            starts6.add(new long[]{ nextHigh, nextLow });
                        }
                    }
                }
            }
        }
        if ((long)(starts4.size() + starts6.size()) * rules.size() > MAX_BUILD_WORK)
        {
            return null;
        }
        final ProbeReader probe = new ProbeReader();
        final Rows rows = new Rows(words);
        final long[] low4 = starts4.stream().mapToLong(Long::longValue).toArray();
        final int[] offsets4 = new int[low4.length];
        for (int i = 0; i < low4.length; i++)
        {
            offsets4[i] = rows.add(row(rules, probe.address(fieldId, 4, 0, low4[i]), words));
        }
        final long[] high6 = new long[starts6.size()];
        final long[] low6 = new long[starts6.size()];
        final int[] offsets6 = new int[starts6.size()];
        int i = 0;
        for (final long[] start : starts6)
        {
            high6[i] = start[0];
            low6[i] = start[1];
            offsets6[i] = rows.add(row(rules, probe.address(fieldId, 6, start[0], start[1]), words));
            i++;
        }
        return new Lookup(0, -1L, new IntervalIndex(new long[low4.length], low4, offsets4),
            new IntervalIndex(high6, low6, offsets6), rows.toArray(), rows.changes());
    }

    /** A row: every rule's bit set, but for the rules whose terms on the probed value fail. */
    private static long[] row(final TreeMap<Integer, List<Condition>> rules, final ProbeReader probe, final int words)
    {
        final long[] row = new long[words];
        Arrays.fill(row, -1L);
        for (final Map.Entry<Integer, List<Condition>> e : rules.entrySet())
        {
            for (final Condition term : e.getValue())
            {
                if (!term.test(probe))
                {
                    row[e.getKey() >>> 6] &= ~(1L << e.getKey());
                    break;
                }
            }
        }
        return row;
    }

    private static void orChanged(final Lookup lookup, final int words, final long[] clearable)
    {
        final long[] rows = lookup.rows();
        for (int r = 0; r < rows.length; r += words)
        {
            for (int w = 0; w < words; w++)
            {
                clearable[w] |= ~rows[r + w];
            }
        }
    }

    /** What the generated code for a field costs, roughly, per {@link ConditionEmitter#estimateBytes}'s habit of erring high. */
    private static int estimateBytes(final FieldEntry entry, final int words)
    {
        int bytes = 40;
        for (final long keep : entry.absentKeep())
        {
            bytes += -1L == keep ? 0 : 12;
        }
        for (final Lookup lookup : entry.lookups())
        {
            bytes += 40;
            for (final boolean changes : lookup.changes())
            {
                bytes += changes ? 14 : 0;
            }
        }
        return bytes + (words <= EARLY_EXIT_MAX_WORDS ? 4 * words + 8 : 0);
    }

    /** Distinct rows, each stored once. */
    private static final class Rows
    {
        private final int words;
        private final HashMap<List<Long>, Integer> offsets = new HashMap<>();
        private final ArrayList<long[]> rows = new ArrayList<>();

        Rows(final int words)
        {
            this.words = words;
        }

        int add(final long[] row)
        {
            final List<Long> key = Arrays.stream(row).boxed().toList();
            return offsets.computeIfAbsent(key, k ->
            {
                rows.add(row);
                return (rows.size() - 1) * words;
            });
        }

        long[] toArray()
        {
            final long[] all = new long[rows.size() * words];
            for (int r = 0; r < rows.size(); r++)
            {
                System.arraycopy(rows.get(r), 0, all, r * words, words);
            }
            return all;
        }

        boolean[] changes()
        {
            final boolean[] changes = new boolean[words];
            for (final long[] row : rows)
            {
                for (int w = 0; w < words; w++)
                {
                    changes[w] |= -1L != row[w];
                }
            }
            return changes;
        }
    }
}
