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
import dev.sluice.policy.condition.OrCondition;
import dev.sluice.policy.field.Field;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides each field once for all rules (bit-vector classification, after Lakshman and
 * Stiliadis): for a field that several rules test in a conjunctive position (the whole condition
 * or a top-level {@code and} term), the field's value space is cut into intervals at every
 * bound of every such test, and each interval gets a row of bits, one per rule, set when the
 * rule's tests on the field hold there (and for every rule that does not test the field). An
 * absent field keeps only the rules that do not need it. Per item, the generated code
 * ({@link IndexEmitter}) reads each indexed field at most once, looks its row up (the
 * {@link IntervalIndex} search, inline) and {@code and}s it into the candidate words; only
 * candidates then run, in rule order, and only their terms that no row decided. A candidate
 * whose remaining terms fail falls through to the next, so first match is unchanged; a rule
 * whose bit is clear is exactly one whose indexed terms, decided {@code or} or required fields fail.
 * <p>
 * Indexed: integer comparisons, {@code in} sets and truth tests on fields that are not
 * repeated (bit fields through their shift and mask), and address {@code ==}, {@code !=} and
 * {@code in}; and one {@code or} term per rule whose operands are all such tests (an alias:
 * {@code tcp.port == 443} is {@code tcp.srcport == 443 or tcp.dstport == 443}), through a
 * second set of words that collects, field by field, the rules one of whose operands holds. Not
 * indexed, left to the rule's own code: anything under {@code not}, other {@code or} terms
 * (their fields still count for presence, as in {@link Requirements}), repeated fields (a VLAN
 * stack), text tests. Built off the data path; one compilation on one thread.
 */
final class CrossRuleIndex
{
    /** Fewer rules than this run as before: the per-rule code is already as short as the lookups. */
    static final int MIN_RULES = 4;
    /** A field is indexed when at least this many rules need it: reading it for one rule costs more than it saves. */
    static final int MIN_RULES_PER_FIELD = 2;
    /**
     * Bytecode for the lookups, so that {@code firstMatch} stays below the JIT limit with the
     * chunk calls; the compiler plans again with less when the method comes out too long.
     */
    static final int LOOKUP_BUDGET_BYTES = 6_800;
    /** Above this many intervals × tested rules, a field's rows cost too much to build; its tests stay in the rules. */
    static final long MAX_BUILD_WORK = 50_000_000L;

    enum Kind
    {
        PRESENCE, INTEGER, ADDRESS
    }

    /**
     * One lookup: an interval index (and one for IPv6), the rows it points into (a row is
     * {@code width} longs from its offset: the {@code and} words, then, when the field has
     * {@code or} operands, the {@code or} words), the row for an absent field (the rules that
     * need it cleared, on the field's first lookup), and which words any row changes. A field
     * tested for presence only has one lookup with no index: row 0 present, the absent row.
     */
    record Lookup(
        int shift,
        long mask,
        IntervalIndex index,
        IntervalIndex index6,
        long[] rows,
        int width,
        int absentOffset,
        boolean[] changes,
        boolean[] orChanges)
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
    private final long[] hasOr;
    private final List<List<Condition>> remaining;
    private final long[] clearable;

    private CrossRuleIndex(
        final int ruleCount,
        final List<FieldEntry> fields,
        final long[] hasOr,
        final List<List<Condition>> remaining,
        final long[] clearable)
    {
        this.ruleCount = ruleCount;
        this.words = wordsFor(ruleCount);
        this.fields = fields;
        this.hasOr = hasOr;
        this.remaining = remaining;
        this.clearable = clearable;
    }

    /** @return per word, the rules with an {@code or} term the lookups decide: one of its operands' bits must be set. */
    long[] hasOr()
    {
        return hasOr;
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
        return plan(conditions, LOOKUP_BUDGET_BYTES);
    }

    /**
     * @param conditions  one per rule, in rule order.
     * @param budgetBytes the bytecode the lookups may take in {@code firstMatch}, by this class's estimate.
     * @return the plan, or null when no field is worth indexing.
     */
    static CrossRuleIndex plan(final Condition[] conditions, final int budgetBytes)
    {
        final int n = conditions.length;
        if (n < MIN_RULES)
        {
            return null;
        }
        final int words = wordsFor(n);
        final List<List<Condition>> terms = new ArrayList<>(n);
        final Condition[] orTerms = new Condition[n];
        final List<List<Condition>> orOperands = new ArrayList<>(n);
        // field -> rules that need it present; field -> rules that test it in an indexable 'or'
        final TreeMap<Integer, TreeSet<Integer>> requiring = new TreeMap<>();
        final TreeMap<Integer, TreeSet<Integer>> involved = new TreeMap<>();
        for (int r = 0; r < n; r++)
        {
            final ArrayList<Condition> ruleTerms = new ArrayList<>();
            flatten(conditions[r], ruleTerms);
            terms.add(ruleTerms);
            for (final int fieldId : Requirements.of(conditions[r]).byField().keySet())
            {
                requiring.computeIfAbsent(fieldId, id -> new TreeSet<>()).add(r);
                involved.computeIfAbsent(fieldId, id -> new TreeSet<>()).add(r);
            }
            orOperands.add(List.of());
            for (final Condition term : ruleTerms)
            {
                if (term instanceof OrCondition)
                {
                    final ArrayList<Condition> operands = new ArrayList<>();
                    flattenOr(term, operands);
                    if (operands.stream().allMatch(operand -> null != lookupKey(operand)))
                    {
                        orTerms[r] = term;
                        orOperands.set(r, operands);
                        for (final Condition operand : operands)
                        {
                            involved.computeIfAbsent(readFieldId(operand), id -> new TreeSet<>()).add(r);
                        }
                        break;
                    }
                }
            }
        }

        // The fields most rules involve, within the bytecode budget.
        final List<Integer> candidates = new ArrayList<>(involved.keySet());
        candidates.removeIf(id -> involved.get(id).size() < MIN_RULES_PER_FIELD);
        candidates.sort((a, b) -> involved.get(b).size() - involved.get(a).size());
        final TreeSet<Integer> selected = new TreeSet<>();
        int bytes = 0;
        for (final int fieldId : candidates)
        {
            final int fieldBytes = estimateBytes(fieldId, terms, orOperands, words);
            if (fieldBytes >= 0 && bytes + fieldBytes <= budgetBytes)
            {
                bytes += fieldBytes;
                selected.add(fieldId);
            }
        }
        if (selected.isEmpty())
        {
            return null;
        }
        // An 'or' is decided by the lookups only when every operand's field is read.
        final long[] hasOr = new long[words];
        for (int r = 0; r < n; r++)
        {
            if (null != orTerms[r] && orOperands.get(r).stream().allMatch(operand -> selected.contains(readFieldId(operand))))
            {
                hasOr[r >>> 6] |= 1L << r;
            }
            else
            {
                orTerms[r] = null;
                orOperands.set(r, List.of());
            }
        }

        final IdentityHashMap<Condition, Boolean> indexed = new IdentityHashMap<>();
        final ArrayList<FieldEntry> fields = new ArrayList<>();
        final long[] clearable = hasOr.clone();
        for (final int fieldId : candidates)
        {
            if (!selected.contains(fieldId))
            {
                continue;
            }
            final long[] absentKeep = new long[words];
            Arrays.fill(absentKeep, -1L);
            for (final int rule : requiring.getOrDefault(fieldId, new TreeSet<>()))
            {
                absentKeep[rule >>> 6] &= ~(1L << rule);
            }
            final FieldEntry entry = entry(fieldId, terms, orOperands, absentKeep, indexed);
            fields.add(entry);
            for (int w = 0; w < words; w++)
            {
                clearable[w] |= ~absentKeep[w];
            }
            for (final Lookup lookup : entry.lookups())
            {
                orChanged(lookup, words, clearable);
            }
        }
        final ArrayList<List<Condition>> remaining = new ArrayList<>(n);
        for (int r = 0; r < n; r++)
        {
            final ArrayList<Condition> left = new ArrayList<>();
            for (final Condition term : terms.get(r))
            {
                // The same node may sit in several rules; only this rule's own decided 'or' is left out.
                if (!indexed.containsKey(term) && term != orTerms[r])
                {
                    left.add(term);
                }
            }
            remaining.add(Collections.unmodifiableList(left));
        }
        return new CrossRuleIndex(n, List.copyOf(fields), hasOr, List.copyOf(remaining), clearable);
    }

    /** @return how many words hold the rules' bits. */
    private static int wordsOf(final Set<Integer> rules)
    {
        return (int)rules.stream().map(rule -> rule >>> 6).distinct().count();
    }

    private static void flattenOr(final Condition condition, final List<Condition> out)
    {
        if (condition instanceof OrCondition or)
        {
            or.operands().forEach(operand -> flattenOr(operand, out));
        }
        else
        {
            out.add(condition);
        }
    }

    /** The indexable tests on a field, per lookup key: rule -> its {@code and} terms, rule -> its {@code or} operands. */
    private static LinkedHashMap<String, TreeMap<Integer, List<Condition>>[]> byKey(
        final int fieldId, final List<List<Condition>> terms, final List<List<Condition>> orOperands)
    {
        final LinkedHashMap<String, TreeMap<Integer, List<Condition>>[]> byKey = new LinkedHashMap<>();
        for (int r = 0; r < terms.size(); r++)
        {
            for (int part = 0; part < 2; part++)
            {
                for (final Condition term : 0 == part ? terms.get(r) : orOperands.get(r))
                {
                    final String key = lookupKey(term);
                    if (null != key && readFieldId(term) == fieldId)
                    {
                        @SuppressWarnings("unchecked")
                        final TreeMap<Integer, List<Condition>>[] parts = byKey.computeIfAbsent(key, k -> new TreeMap[]{ new TreeMap<>(), new TreeMap<>() });
                        parts[part].computeIfAbsent(r, k -> new ArrayList<>()).add(term);
                    }
                }
            }
        }
        return byKey;
    }

    /**
     * The bytecode a field's lookups become, erring high (a binary search step is about 18
     * bytes, a row word 14), or -1 when a lookup would cost more than {@link #MAX_BUILD_WORK} to build.
     */
    private static int estimateBytes(
        final int fieldId, final List<List<Condition>> terms, final List<List<Condition>> orOperands, final int words)
    {
        int bytes = 40 + 12 * words;
        for (final Map.Entry<String, TreeMap<Integer, List<Condition>>[]> e : byKey(fieldId, terms, orOperands).entrySet())
        {
            final ArrayList<Condition> all = new ArrayList<>();
            e.getValue()[0].values().forEach(all::addAll);
            e.getValue()[1].values().forEach(all::addAll);
            final long rules = e.getValue()[0].size() + e.getValue()[1].size();
            final long intervals = e.getKey().startsWith("a") ? addressStarts4(all).size() + addressStarts6(all).size() :
                integerStarts(all).length;
            if (intervals * rules > MAX_BUILD_WORK)
            {
                return -1;
            }
            final int steps = 64 - Long.numberOfLeadingZeros(intervals);
            bytes += 40 + 18 * steps + 14 * (wordsOf(e.getValue()[0].keySet()) + wordsOf(e.getValue()[1].keySet()));
        }
        return bytes;
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
     * The field's lookups: per key, the rules' indexable {@code and} terms and {@code or}
     * operands on the field; every term a lookup decides goes into {@code indexed}.
     */
    private static FieldEntry entry(
        final int fieldId,
        final List<List<Condition>> terms,
        final List<List<Condition>> orOperands,
        final long[] absentKeep,
        final IdentityHashMap<Condition, Boolean> indexed)
    {
        final int words = absentKeep.length;
        final ArrayList<Lookup> lookups = new ArrayList<>();
        Kind kind = Kind.PRESENCE;
        for (final Map.Entry<String, TreeMap<Integer, List<Condition>>[]> e : byKey(fieldId, terms, orOperands).entrySet())
        {
            final TreeMap<Integer, List<Condition>> and = e.getValue()[0];
            final TreeMap<Integer, List<Condition>> or = e.getValue()[1];
            final boolean address = e.getKey().startsWith("a");
            kind = address ? Kind.ADDRESS : Kind.INTEGER;
            final long[] absentRow = new long[or.isEmpty() ? words : 2 * words];
            if (lookups.isEmpty())
            {
                System.arraycopy(absentKeep, 0, absentRow, 0, words);
            }
            else
            {
                Arrays.fill(absentRow, 0, words, -1L);
            }
            lookups.add(address ? addressLookup(fieldId, and, or, words, absentRow) : integerLookup(fieldId, and, or, words, absentRow));
            and.values().forEach(list -> list.forEach(term -> indexed.put(term, Boolean.TRUE)));
        }
        if (lookups.isEmpty())
        {
            final Rows rows = new Rows(words, false);
            final long[] present = new long[words];
            Arrays.fill(present, -1L);
            rows.add(present);
            final int absentOffset = rows.add(absentKeep.clone());
            lookups.add(new Lookup(0, -1L, null, null, rows.toArray(), words, absentOffset, rows.changes(false), null));
        }
        return new FieldEntry(fieldId, kind, absentKeep, List.copyOf(lookups));
    }

    private static long[] integerStarts(final List<Condition> tests)
    {
        final TreeSet<Long> bounds = new TreeSet<>();
        bounds.add(0L);
        for (final Condition term : tests)
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
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<Condition> all(final TreeMap<Integer, List<Condition>> and, final TreeMap<Integer, List<Condition>> or)
    {
        final ArrayList<Condition> all = new ArrayList<>();
        and.values().forEach(all::addAll);
        or.values().forEach(all::addAll);
        return all;
    }

    private static Lookup integerLookup(
        final int fieldId,
        final TreeMap<Integer, List<Condition>> and,
        final TreeMap<Integer, List<Condition>> or,
        final int words,
        final long[] absentRow)
    {
        final List<Condition> all = all(and, or);
        final Field field = field(all.getFirst());
        final long[] starts = integerStarts(all);
        final ProbeReader probe = new ProbeReader();
        final int shift = field.bitShift();
        final long mask = field.bitMask();
        final Rows rows = new Rows(words, !or.isEmpty());
        final int[] offsets = new int[starts.length];
        for (int i = 0; i < starts.length; i++)
        {
            // The raw value whose view (value >>> shift & mask) is the interval's start; starts above the mask are never reached.
            probe.integer(fieldId, 0 == shift ? starts[i] : starts[i] << shift);
            offsets[i] = rows.add(row(and, or, probe, words));
        }
        final int absentOffset = rows.add(absentRow);
        return new Lookup(shift, mask, new IntervalIndex(new long[starts.length], starts, offsets), null,
            rows.toArray(), rows.width(), absentOffset, rows.changes(false), rows.changes(true));
    }

    private static TreeSet<Long> addressStarts4(final List<Condition> tests)
    {
        final TreeSet<Long> starts4 = new TreeSet<>();
        starts4.add(0L);
        for (final AddressPrefix prefix : prefixes(tests))
        {
            if (4 == prefix.version())
            {
                starts4.add(prefix.low());
                if (prefix.lastLow() < 0xFFFF_FFFFL)
                {
                    starts4.add(prefix.lastLow() + 1);
                }
            }
        }
        return starts4;
    }

    private static TreeSet<long[]> addressStarts6(final List<Condition> tests)
    {
        final TreeSet<long[]> starts6 = new TreeSet<>((a, b) ->
            0 != Long.compareUnsigned(a[0], b[0]) ? Long.compareUnsigned(a[0], b[0]) : Long.compareUnsigned(a[1], b[1]));
        starts6.add(new long[]{ 0, 0 });
        for (final AddressPrefix prefix : prefixes(tests))
        {
            if (6 == prefix.version())
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
        return starts6;
    }

    private static List<AddressPrefix> prefixes(final List<Condition> tests)
    {
        final ArrayList<AddressPrefix> prefixes = new ArrayList<>();
        for (final Condition term : tests)
        {
            switch (term)
            {
                case AddressComparison c -> prefixes.add(c.prefix());
                case AddressInSet s -> prefixes.addAll(s.set().prefixes());
                default -> throw new IllegalArgumentException("not an address test: " + term);
            }
        }
        return prefixes;
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

    private static Lookup addressLookup(
        final int fieldId,
        final TreeMap<Integer, List<Condition>> and,
        final TreeMap<Integer, List<Condition>> or,
        final int words,
        final long[] absentRow)
    {
        final List<Condition> all = all(and, or);
        final ProbeReader probe = new ProbeReader();
        final Rows rows = new Rows(words, !or.isEmpty());
        final long[] low4 = addressStarts4(all).stream().mapToLong(Long::longValue).toArray();
        final int[] offsets4 = new int[low4.length];
        for (int i = 0; i < low4.length; i++)
        {
            offsets4[i] = rows.add(row(and, or, probe.address(fieldId, 4, 0, low4[i]), words));
        }
        final TreeSet<long[]> starts6 = addressStarts6(all);
        final long[] high6 = new long[starts6.size()];
        final long[] low6 = new long[starts6.size()];
        final int[] offsets6 = new int[starts6.size()];
        int i = 0;
        for (final long[] start : starts6)
        {
            high6[i] = start[0];
            low6[i] = start[1];
            offsets6[i] = rows.add(row(and, or, probe.address(fieldId, 6, start[0], start[1]), words));
            i++;
        }
        final int absentOffset = rows.add(absentRow);
        return new Lookup(0, -1L, new IntervalIndex(new long[low4.length], low4, offsets4),
            new IntervalIndex(high6, low6, offsets6), rows.toArray(), rows.width(), absentOffset, rows.changes(false), rows.changes(true));
    }

    /**
     * A row: {@code words} words with every rule's bit set but for the rules whose {@code and}
     * terms on the probed value fail; then, for a lookup with {@code or} operands, {@code words}
     * words with the bits of the rules one of whose operands holds.
     */
    private static long[] row(
        final TreeMap<Integer, List<Condition>> and, final TreeMap<Integer, List<Condition>> or, final ProbeReader probe, final int words)
    {
        final long[] row = new long[or.isEmpty() ? words : 2 * words];
        Arrays.fill(row, 0, words, -1L);
        for (final Map.Entry<Integer, List<Condition>> e : and.entrySet())
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
        for (final Map.Entry<Integer, List<Condition>> e : or.entrySet())
        {
            for (final Condition operand : e.getValue())
            {
                if (operand.test(probe))
                {
                    row[words + (e.getKey() >>> 6)] |= 1L << e.getKey();
                    break;
                }
            }
        }
        return row;
    }

    private static void orChanged(final Lookup lookup, final int words, final long[] clearable)
    {
        final long[] rows = lookup.rows();
        for (int r = 0; r < rows.length; r += lookup.width())
        {
            for (int w = 0; w < words; w++)
            {
                clearable[w] |= ~rows[r + w];
            }
        }
    }

    /** Distinct rows, each stored once. */
    private static final class Rows
    {
        private final int words;
        private final int width;
        private final HashMap<List<Long>, Integer> offsets = new HashMap<>();
        private final ArrayList<long[]> rows = new ArrayList<>();

        Rows(final int words, final boolean withOr)
        {
            this.words = words;
            this.width = withOr ? 2 * words : words;
        }

        int width()
        {
            return width;
        }

        int add(final long[] row)
        {
            final List<Long> key = Arrays.stream(row).boxed().toList();
            return offsets.computeIfAbsent(key, k ->
            {
                rows.add(row);
                return (rows.size() - 1) * width;
            });
        }

        long[] toArray()
        {
            final long[] all = new long[rows.size() * width];
            for (int r = 0; r < rows.size(); r++)
            {
                System.arraycopy(rows.get(r), 0, all, r * width, width);
            }
            return all;
        }

        /** Per word, whether a row changes it: an {@code and} word other than all ones, an {@code or} word other than 0; null for no {@code or} part. */
        boolean[] changes(final boolean or)
        {
            if (or && width == words)
            {
                return null;
            }
            final boolean[] changes = new boolean[words];
            for (final long[] row : rows)
            {
                for (int w = 0; w < words; w++)
                {
                    changes[w] |= or ? 0 != row[words + w] : -1L != row[w];
                }
            }
            return changes;
        }
    }
}
