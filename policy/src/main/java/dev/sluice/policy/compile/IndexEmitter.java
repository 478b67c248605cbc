package dev.sluice.policy.compile;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.Arrays;
import java.util.List;

/**
 * Generates {@code firstMatch} for a policy compiled with a {@link CrossRuleIndex}: the
 * candidate words start with every rule's bit set, each indexed field is read once and its row
 * {@code and}ed in (or, absent, the rules that need it cleared; the fields with {@code or}
 * operands first, their hits collected in a second set of words and applied once they are all
 * read, after which an item left without candidates returns at once), and then each rules method
 * whose rules still have a bit set is called with its words as {@code long} arguments. The
 * words live in locals, so an item allocates nothing, whatever the number of rules.
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
    private static final int READER_SLOT = 1;

    private final CodeBuilder code;
    private final ClassData classData;
    private final CrossRuleIndex index;
    private final int[] wordSlots;
    private final int[] orSlots;
    /** The field's value, and (at {@code rawSlot + 2}) a bit field's value after its shift and mask. */
    private final int rawSlot;
    private final int searchSlot;
    private final int offsetSlot;

    IndexEmitter(final CodeBuilder code, final ClassData classData, final CrossRuleIndex index)
    {
        this.code = code;
        this.classData = classData;
        this.index = index;
        this.wordSlots = new int[index.words()];
        for (int w = 0; w < wordSlots.length; w++)
        {
            wordSlots[w] = code.allocateLocal(TypeKind.LONG);
        }
        this.orSlots = new int[index.words()];
        for (int w = 0; w < orSlots.length; w++)
        {
            orSlots[w] = 0 == index.hasOr()[w] ? -1 : code.allocateLocal(TypeKind.LONG);
        }
        this.rawSlot = code.allocateLocal(TypeKind.LONG);
        code.allocateLocal(TypeKind.LONG);
        this.searchSlot = code.allocateLocal(TypeKind.INT);
        this.offsetSlot = code.allocateLocal(TypeKind.INT);
    }

    /**
     * @return the descriptor of a rules method over rules in words {@code [firstWord, lastWord]}.
     */
    static MethodTypeDesc rulesType(final int firstWord, final int lastWord)
    {
        final ClassDesc[] parameters = new ClassDesc[1 + lastWord - firstWord + 1];
        parameters[0] = ConditionEmitter.CD_FIELD_READER;
        Arrays.fill(parameters, 1, parameters.length, ConstantDescs.CD_long);
        return MethodTypeDesc.of(ConstantDescs.CD_int, parameters);
    }

    /**
     * @param owner  the generated class.
     * @param chunks {@code [from, to)} rule ranges, one rules method each, named {@code rulesK}.
     */
    void emitFirstMatch(final ClassDesc owner, final List<int[]> chunks)
    {
        for (int w = 0; w < wordSlots.length; w++)
        {
            code.loadConstant(index.initialWord(w)).lstore(wordSlots[w]);
            if (orSlots[w] >= 0)
            {
                code.lconst_0().lstore(orSlots[w]);
            }
        }
        final List<CrossRuleIndex.FieldEntry> fields = index.fields();
        for (int f = 0; f < fields.size(); f++)
        {
            emitField(fields.get(f));
            if (f + 1 == index.fieldsWithOr())
            {
                // Every 'or' operand has been looked up: a rule with a decided 'or' stays only if one held.
                final long[] hasOr = index.hasOr();
                for (int w = 0; w < wordSlots.length; w++)
                {
                    if (orSlots[w] >= 0)
                    {
                        code.lload(wordSlots[w]).lload(orSlots[w]).loadConstant(~hasOr[w]).lor().land().lstore(wordSlots[w]);
                    }
                }
            }
            if (f + 1 >= index.fieldsWithOr() && wordSlots.length <= CrossRuleIndex.EARLY_EXIT_MAX_WORDS)
            {
                final Label any = code.newLabel();
                code.lload(wordSlots[0]);
                for (int w = 1; w < wordSlots.length; w++)
                {
                    code.lload(wordSlots[w]).lor();
                }
                code.lconst_0().lcmp().ifne(any);
                code.iconst_m1().ireturn();
                code.labelBinding(any);
            }
        }

        final Label matched = code.newLabel();
        for (int k = 0; k < chunks.size(); k++)
        {
            final int from = chunks.get(k)[0];
            final int to = chunks.get(k)[1];
            final int firstWord = from >>> 6;
            final int lastWord = (to - 1) >>> 6;
            final Label call = code.newLabel();
            final Label skip = code.newLabel();
            for (int w = firstWord; w <= lastWord; w++)
            {
                final int low = Math.max(from, w * Long.SIZE) - w * Long.SIZE;
                final int high = Math.min(to, (w + 1) * Long.SIZE) - w * Long.SIZE;
                final long bits = (Long.SIZE == high - low ? -1L : (1L << (high - low)) - 1) << low;
                code.lload(wordSlots[w]);
                if (-1L != bits)
                {
                    code.loadConstant(bits).land();
                }
                code.lconst_0().lcmp().ifne(call);
            }
            code.goto_(skip);
            code.labelBinding(call);
            code.aload(READER_SLOT);
            for (int w = firstWord; w <= lastWord; w++)
            {
                code.lload(wordSlots[w]);
            }
            code.invokestatic(owner, "rules" + k, rulesType(firstWord, lastWord));
            code.dup().ifge(matched);
            code.pop();
            code.labelBinding(skip);
        }
        code.iconst_m1().ireturn();
        code.labelBinding(matched);
        code.ireturn();
    }

    private void emitField(final CrossRuleIndex.FieldEntry field)
    {
        final int id = field.fieldId();
        final Label absent = code.newLabel();
        final Label done = code.newLabel();
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        code.ifeq(absent);
        switch (field.kind())
        {
            case PRESENCE ->
            {
            }
            case INTEGER ->
            {
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "integer", MTD_INTEGER);
                code.lstore(rawSlot);
                for (final CrossRuleIndex.Lookup lookup : field.lookups())
                {
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
                    emitRowOffset(lookup.index(), rawSlot + 2);
                    andRow(lookup);
                }
            }
            case ADDRESS ->
            {
                final CrossRuleIndex.Lookup lookup = field.lookups().getFirst();
                final Label version6 = code.newLabel();
                final Label found = code.newLabel();
                code.aload(READER_SLOT).loadConstant(id)
                    .invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressVersion", MTD_ADDRESS_VERSION);
                code.iconst_4().if_icmpne(version6);
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressLow", MTD_ADDRESS_PART);
                code.lstore(rawSlot);
                emitRowOffset(lookup.index(), rawSlot);
                code.iload(offsetSlot);
                code.goto_(found);
                code.labelBinding(version6);
                code.ldc(classData.constant(lookup.index6()));
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressHigh", MTD_ADDRESS_PART);
                code.aload(READER_SLOT).loadConstant(id).invokeinterface(ConditionEmitter.CD_FIELD_READER, "addressLow", MTD_ADDRESS_PART);
                code.invokevirtual(CD_INTERVAL_INDEX, "rowOffset", MTD_ROW6);
                code.labelBinding(found);
                code.istore(offsetSlot);
                andRow(lookup);
            }
        }
        code.goto_(done);
        code.labelBinding(absent);
        final long[] keep = field.absentKeep();
        for (int w = 0; w < keep.length; w++)
        {
            if (-1L != keep[w])
            {
                code.lload(wordSlots[w]).loadConstant(keep[w]).land().lstore(wordSlots[w]);
            }
        }
        code.labelBinding(done);
    }

    /**
     * Store the row offset of the value in {@code valueSlot} (non-negative) into the offset local,
     * inline rather than through {@link IntervalIndex#rowOffset(long)}: a call in a method this
     * large is not inlined by C2 (measured: "callee is too large"), and a call per field per
     * item is what the index is meant to save. A direct table for small value spaces; else a
     * binary search unrolled over the known number of intervals, each step a compare and a
     * conditional add the JIT turns into a conditional move.
     */
    private void emitRowOffset(final IntervalIndex index, final int valueSlot)
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

    /** {@code and} the row's first words into the candidates, {@code or} its second words (if any) into the operand hits. */
    private void andRow(final CrossRuleIndex.Lookup lookup)
    {
        final boolean[] changes = lookup.changes();
        final boolean[] orChanges = lookup.orChanges();
        final int words = wordSlots.length;
        for (int w = 0; w < words; w++)
        {
            if (changes[w])
            {
                loadRowWord(lookup, w);
                code.lload(wordSlots[w]).land().lstore(wordSlots[w]);
            }
            if (null != orChanges && orChanges[w])
            {
                loadRowWord(lookup, words + w);
                code.lload(orSlots[w]).lor().lstore(orSlots[w]);
            }
        }
    }

    private void loadRowWord(final CrossRuleIndex.Lookup lookup, final int position)
    {
        code.ldc(classData.constant(lookup.rows()));
        code.iload(offsetSlot);
        if (0 != position)
        {
            code.loadConstant(position).iadd();
        }
        code.laload();
    }
}
