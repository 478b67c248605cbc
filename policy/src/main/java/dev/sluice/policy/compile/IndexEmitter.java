package dev.sluice.policy.compile;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates {@code firstMatch} for a policy compiled with a {@link CrossRuleIndex}. First each
 * indexed field is read once and looked up: the result is an offset into the lookup's rows (the
 * absent row when the field is absent). Then, word by word in rule order, the candidate word is
 * the {@code and} of the word in every lookup's row (and, for rules with a decided {@code or},
 * of the {@code or} of their operands' words), and a word with candidates calls the rules
 * methods of its rules with it. Working a word at a time keeps one {@code long} live instead of
 * one per 64 rules, so 1,000 rules do not spill registers; an item allocates nothing.
 * Used by one compilation on one thread.
 */
final class IndexEmitter
{
    private static final ClassDesc CD_INTERVAL_INDEX = ClassDesc.of(IntervalIndex.class.getName());
    private static final MethodTypeDesc MTD_IS_PRESENT = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_INTEGER = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_ADDRESS_VERSION = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_ADDRESS_PART = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_ROW6 = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_long, ConstantDescs.CD_long);
    /** A rules method: the reader and the candidate word its rules are in. */
    static final MethodTypeDesc MTD_CANDIDATE_RULES = MethodTypeDesc.of(
        ConstantDescs.CD_int, ConditionEmitter.CD_FIELD_READER, ConstantDescs.CD_long);
    private static final int READER_SLOT = 1;
    /**
     * Up to this many words (256 rules) the candidate words stay in locals while the fields are
     * read ({@link #emitProgressive}); above, they are formed a word at a time after all reads.
     */
    static final int PROGRESSIVE_MAX_WORDS = 4;

    private final CodeBuilder code;
    private final ClassData classData;
    private final CrossRuleIndex index;
    private final ArrayList<CrossRuleIndex.Lookup> lookups = new ArrayList<>();
    private final ArrayList<Integer> offsetSlots = new ArrayList<>();
    /** The field's value, and (at {@code rawSlot + 2}) a bit field's value after its shift and mask. */
    private final int rawSlot;
    private final int searchSlot;
    private final int wordSlot;

    IndexEmitter(final CodeBuilder code, final ClassData classData, final CrossRuleIndex index)
    {
        this.code = code;
        this.classData = classData;
        this.index = index;
        for (final CrossRuleIndex.FieldEntry field : index.fields())
        {
            for (final CrossRuleIndex.Lookup lookup : field.lookups())
            {
                lookups.add(lookup);
                offsetSlots.add(code.allocateLocal(TypeKind.INT));
            }
        }
        this.rawSlot = code.allocateLocal(TypeKind.LONG);
        code.allocateLocal(TypeKind.LONG);
        this.searchSlot = code.allocateLocal(TypeKind.INT);
        this.wordSlot = code.allocateLocal(TypeKind.LONG);
    }

    /**
     * @param owner  the generated class.
     * @param chunks {@code [from, to)} rule ranges, each within one word, one rules method each, named {@code rulesK}.
     */
    void emitFirstMatch(final ClassDesc owner, final List<int[]> chunks)
    {
        if (index.words() <= PROGRESSIVE_MAX_WORDS)
        {
            emitProgressive(owner, chunks);
            return;
        }
        int lookup = 0;
        for (final CrossRuleIndex.FieldEntry field : index.fields())
        {
            emitField(field, lookup);
            lookup += field.lookups().size();
        }

        final Label matched = code.newLabel();
        final int words = index.words();
        final long[] hasOr = index.hasOr();
        int chunk = 0;
        for (int w = 0; w < words; w++)
        {
            code.loadConstant(index.initialWord(w));
            for (int l = 0; l < lookups.size(); l++)
            {
                if (lookups.get(l).changes()[w])
                {
                    loadRowWord(l, w);
                    code.land();
                }
            }
            if (0 != hasOr[w])
            {
                // A rule with a decided 'or' stays only if one of its operands held.
                code.loadConstant(~hasOr[w]);
                for (int l = 0; l < lookups.size(); l++)
                {
                    final boolean[] orChanges = lookups.get(l).orChanges();
                    if (null != orChanges && orChanges[w])
                    {
                        loadRowWord(l, words + w);
                        code.lor();
                    }
                }
                code.land();
            }
            code.lstore(wordSlot);
            final Label nextWord = code.newLabel();
            code.lload(wordSlot).lconst_0().lcmp().ifeq(nextWord);
            for (; chunk < chunks.size() && (chunks.get(chunk)[0] >>> 6) == w; chunk++)
            {
                emitChunkCall(owner, chunks, chunk, wordSlot, matched);
            }
            code.labelBinding(nextWord);
        }
        code.iconst_m1().ireturn();
        code.labelBinding(matched);
        code.ireturn();
    }

    /**
     * Up to {@link #PROGRESSIVE_MAX_WORDS} words: the candidate words stay in locals and each
     * field's rows are applied as soon as it is read, so a field none of whose rules is still a
     * candidate (the SCTP port once the protocol ruled SCTP out, the TCP flags once the port
     * did) is not read at all: one test of the words against the field's rules.
     */
    private void emitProgressive(final ClassDesc owner, final List<int[]> chunks)
    {
        final int words = index.words();
        final long[] hasOr = index.hasOr();
        final int[] wordSlots = new int[words];
        final int[] orSlots = new int[words];
        for (int w = 0; w < words; w++)
        {
            wordSlots[w] = code.allocateLocal(TypeKind.LONG);
            code.loadConstant(index.initialWord(w)).lstore(wordSlots[w]);
            orSlots[w] = -1;
            if (0 != hasOr[w])
            {
                orSlots[w] = code.allocateLocal(TypeKind.LONG);
                code.lconst_0().lstore(orSlots[w]);
            }
        }
        int lookup = 0;
        for (final CrossRuleIndex.FieldEntry field : index.fields())
        {
            final Label skip = code.newLabel();
            final long[] involved = involved(field, words);
            boolean first = true;
            for (int w = 0; w < words; w++)
            {
                if (0 != involved[w])
                {
                    code.lload(wordSlots[w]).loadConstant(involved[w]).land();
                    if (!first)
                    {
                        code.lor();
                    }
                    first = false;
                }
            }
            if (first)
            {
                // The field can change no candidate.
                lookup += field.lookups().size();
                continue;
            }
            code.lconst_0().lcmp().ifeq(skip);
            emitField(field, lookup);
            for (int l = lookup; l < lookup + field.lookups().size(); l++)
            {
                final boolean[] changes = lookups.get(l).changes();
                final boolean[] orChanges = lookups.get(l).orChanges();
                for (int w = 0; w < words; w++)
                {
                    if (changes[w])
                    {
                        loadRowWord(l, w);
                        code.lload(wordSlots[w]).land().lstore(wordSlots[w]);
                    }
                    if (null != orChanges && orChanges[w])
                    {
                        loadRowWord(l, words + w);
                        code.lload(orSlots[w]).lor().lstore(orSlots[w]);
                    }
                }
            }
            code.labelBinding(skip);
            lookup += field.lookups().size();
        }

        final Label matched = code.newLabel();
        int chunk = 0;
        for (int w = 0; w < words; w++)
        {
            if (orSlots[w] >= 0)
            {
                // A rule with a decided 'or' stays only if one of its operands held.
                code.lload(wordSlots[w]).lload(orSlots[w]).loadConstant(~hasOr[w]).lor().land().lstore(wordSlots[w]);
            }
            final Label nextWord = code.newLabel();
            code.lload(wordSlots[w]).lconst_0().lcmp().ifeq(nextWord);
            for (; chunk < chunks.size() && (chunks.get(chunk)[0] >>> 6) == w; chunk++)
            {
                emitChunkCall(owner, chunks, chunk, wordSlots[w], matched);
            }
            code.labelBinding(nextWord);
        }
        code.iconst_m1().ireturn();
        code.labelBinding(matched);
        code.ireturn();
    }

    /** Per word, the rules a field's lookups can clear or whose {@code or} they feed: with none left, the field is not read. */
    private static long[] involved(final CrossRuleIndex.FieldEntry field, final int words)
    {
        final long[] involved = new long[words];
        for (int w = 0; w < words; w++)
        {
            involved[w] = ~field.absentKeep()[w];
        }
        for (final CrossRuleIndex.Lookup lookup : field.lookups())
        {
            final long[] rows = lookup.rows();
            for (int r = 0; r < rows.length; r += lookup.width())
            {
                for (int w = 0; w < words; w++)
                {
                    involved[w] |= ~rows[r + w];
                    if (lookup.width() > words)
                    {
                        involved[w] |= rows[r + words + w];
                    }
                }
            }
        }
        return involved;
    }

    private void emitChunkCall(final ClassDesc owner, final List<int[]> chunks, final int chunk, final int slot, final Label matched)
    {
        final int from = chunks.get(chunk)[0] & (Long.SIZE - 1);
        final int count = chunks.get(chunk)[1] - chunks.get(chunk)[0];
        final long bits = (Long.SIZE == count ? -1L : (1L << count) - 1) << from;
        final Label skip = code.newLabel();
        if (-1L != bits)
        {
            code.lload(slot).loadConstant(bits).land().lconst_0().lcmp().ifeq(skip);
        }
        code.aload(READER_SLOT).lload(slot);
        code.invokestatic(owner, "rules" + chunk, MTD_CANDIDATE_RULES);
        code.dup().ifge(matched);
        code.pop();
        code.labelBinding(skip);
    }

    /** Read the field once and store each of its lookups' row offsets. */
    private void emitField(final CrossRuleIndex.FieldEntry field, final int firstLookup)
    {
        final int id = field.fieldId();
        final List<CrossRuleIndex.Lookup> fieldLookups = field.lookups();
        final Label absent = code.newLabel();
        final Label done = code.newLabel();
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        code.ifeq(absent);
        switch (field.kind())
        {
            case PRESENCE -> code.iconst_0().istore(offsetSlots.get(firstLookup));
            case INTEGER ->
            {
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "integer", MTD_INTEGER);
                code.lstore(rawSlot);
                for (int l = 0; l < fieldLookups.size(); l++)
                {
                    final CrossRuleIndex.Lookup lookup = fieldLookups.get(l);
                    code.lload(rawSlot);
                    if (0 != lookup.shift())
                    {
                        code.loadConstant(lookup.shift()).lushr();
                    }
                    if (-1L != lookup.mask())
                    {
                        code.loadConstant(lookup.mask()).land();
                    }
                    code.lstore(rawSlot + 2);
                    emitRowOffset(lookup.index(), rawSlot + 2, offsetSlots.get(firstLookup + l));
                }
            }
            case ADDRESS ->
            {
                final CrossRuleIndex.Lookup lookup = fieldLookups.getFirst();
                final int offsetSlot = offsetSlots.get(firstLookup);
                final Label version6 = code.newLabel();
                code.aload(READER_SLOT).loadConstant(id)
                    .invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressVersion", MTD_ADDRESS_VERSION);
                code.iconst_4().if_icmpne(version6);
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressLow", MTD_ADDRESS_PART);
                code.lstore(rawSlot);
                emitRowOffset(lookup.index(), rawSlot, offsetSlot);
                code.goto_(done);
                code.labelBinding(version6);
                code.ldc(classData.constant(lookup.index6()));
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressHigh", MTD_ADDRESS_PART);
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressLow", MTD_ADDRESS_PART);
                code.invokevirtual(CD_INTERVAL_INDEX, "rowOffset", MTD_ROW6);
                code.istore(offsetSlot);
            }
        }
        code.goto_(done);
        code.labelBinding(absent);
        for (int l = 0; l < fieldLookups.size(); l++)
        {
            code.loadConstant(fieldLookups.get(l).absentOffset()).istore(offsetSlots.get(firstLookup + l));
        }
        code.labelBinding(done);
    }

    /**
     * Store the row offset of the value in {@code valueSlot} (non-negative) into {@code offsetSlot},
     * inline rather than through a method of {@link IntervalIndex}: a call in a method this
     * large is not inlined by C2 (measured: "callee is too large"), and a call per field per
     * item is what the index is meant to save. A direct table for small value spaces; else a
     * binary search unrolled over the known number of intervals, each step a compare and a
     * conditional add.
     */
    private void emitRowOffset(final IntervalIndex index, final int valueSlot, final int offsetSlot)
    {
        final char[] direct = index.direct();
        if (null != direct)
        {
            final Label other = code.newLabel();
            final Label done = code.newLabel();
            code.lload(valueSlot).loadConstant((long)direct.length).lcmp().ifge(other);
            code.ldc(classData.constant(direct)).lload(valueSlot).l2i().caload().istore(offsetSlot).goto_(done);
            code.labelBinding(other);
            code.loadConstant(index.lastOffset()).istore(offsetSlot);
            code.labelBinding(done);
            return;
        }
        final long[] starts = index.starts();
        code.iconst_0().istore(searchSlot);
        int n = starts.length;
        while (n > 1)
        {
            final int half = n >>> 1;
            final Label above = code.newLabel();
            code.ldc(classData.constant(starts)).iload(searchSlot).loadConstant(half).iadd().laload();
            code.lload(valueSlot).lcmp().ifgt(above);
            if (half <= Short.MAX_VALUE)
            {
                code.iinc(searchSlot, half);
            }
            else
            {
                code.iload(searchSlot).loadConstant(half).iadd().istore(searchSlot);
            }
            code.labelBinding(above);
            n -= half;
        }
        code.ldc(classData.constant(index.offsets())).iload(searchSlot).iaload().istore(offsetSlot);
    }

    private void loadRowWord(final int lookup, final int position)
    {
        code.ldc(classData.constant(lookups.get(lookup).rows()));
        code.iload(offsetSlots.get(lookup));
        if (0 != position)
        {
            code.loadConstant(position).iadd();
        }
        code.laload();
    }
}
