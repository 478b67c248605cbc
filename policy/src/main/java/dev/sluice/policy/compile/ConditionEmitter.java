package dev.sluice.policy.compile;

import dev.sluice.policy.condition.AddressComparison;
import dev.sluice.policy.condition.AddressInSet;
import dev.sluice.policy.condition.AddressPrefix;
import dev.sluice.policy.condition.AddressSet;
import dev.sluice.policy.condition.AndCondition;
import dev.sluice.policy.condition.ComparisonOperator;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConstantCondition;
import dev.sluice.policy.condition.FieldPresence;
import dev.sluice.policy.condition.IntegerComparison;
import dev.sluice.policy.condition.IntegerInSet;
import dev.sluice.policy.condition.IntegerSet;
import dev.sluice.policy.condition.IntegerTruth;
import dev.sluice.policy.condition.NotCondition;
import dev.sluice.policy.condition.OrCondition;
import dev.sluice.policy.condition.TextComparison;
import dev.sluice.policy.condition.TextInSet;
import dev.sluice.policy.condition.TextLength;
import dev.sluice.policy.condition.TextMatch;
import dev.sluice.policy.condition.TextTruth;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Generates the body of one static method {@code int rulesN(FieldReader)} that tests a run of
 * rules in order and returns the index of the first that holds, or -1.
 * <p>
 * Integer and address fields are read at most once per call, lazily, into locals with a state
 * flag (0 not read yet, 1 present, -1 absent), so many rules on a few fields become compares on
 * locals; bit fields (tcp flags, dscp) shift and mask the local. Text tests, repeated fields and
 * large sets delegate to the condition node's own code (an {@code invokevirtual} on a constant
 * the JIT inlines) rather than re-implementing it, so both paths share one definition.
 * <p>
 * Used by one compilation on one thread.
 */
final class ConditionEmitter
{
    static final ClassDesc CD_FIELD_READER = ClassDesc.of(FieldReader.class.getName());
    static final MethodTypeDesc MTD_RULES = MethodTypeDesc.of(ConstantDescs.CD_int, CD_FIELD_READER);

    /** Sets of at most this many ranges become inline compares; larger ones call {@link IntegerSet#contains}. */
    static final int INLINE_SET_RANGES = 4;

    private static final MethodTypeDesc MTD_IS_PRESENT = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_INTEGER = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_ADDRESS_VERSION = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_ADDRESS_PART = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_int);
    static final MethodTypeDesc MTD_TEXT_HELPER = MethodTypeDesc.of(ConstantDescs.CD_long, CD_FIELD_READER);
    private static final MethodTypeDesc MTD_OCCURRENCES = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_TEST = MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_FIELD_READER);
    private static final MethodTypeDesc MTD_INTEGER_SET_CONTAINS = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_long);
    private static final MethodTypeDesc MTD_ADDRESS_SET_CONTAINS = MethodTypeDesc.of(
        ConstantDescs.CD_boolean, ConstantDescs.CD_int, ConstantDescs.CD_long, ConstantDescs.CD_long);
    private static final ClassDesc CD_INTEGER_SET = ClassDesc.of(IntegerSet.class.getName());
    private static final ClassDesc CD_ADDRESS_SET = ClassDesc.of(AddressSet.class.getName());

    private static final int READER_SLOT = 0;
    /** Below this many rules in a group, trying each in turn costs less than building the mask. */
    private static final int MIN_RULES_FOR_DISPATCH = 4;
    private static final int MIN_RULES_PER_DISPATCH_FIELD = 2;
    private static final int MAX_DISPATCH_FIELDS = 8;
    private static final int SKIP_BLOCK_RULES = 8;

    private final CodeBuilder code;
    private final ClassData classData;
    private final ClassDesc owner;
    private final String methodName;
    private final TextGroups textGroups;
    private final HashMap<Integer, IntegerSlots> integers = new HashMap<>();
    private final HashMap<Integer, Integer> occurrenceSlots = new HashMap<>();
    private final HashMap<Integer, AddressSlots> addresses = new HashMap<>();
    private final HashMap<Integer, TextSlots> texts = new HashMap<>();

    private record IntegerSlots(int fieldId, int state, int value)
    {
    }

    private record AddressSlots(int fieldId, int state, int version, int high, int low)
    {
    }

    private record TextSlots(int fieldId, int state, int bits)
    {
    }

    /**
     * @param code       the method being written.
     * @param classData  constants of the class.
     * @param owner      the class, for calls to the text helpers.
     * @param methodName the method's name; its text helpers are named after it.
     * @param textGroups the method's text tests, whose helpers the caller generates with
     *                   {@link #textHelperName}.
     */
    ConditionEmitter(
        final CodeBuilder code, final ClassData classData, final ClassDesc owner, final String methodName, final TextGroups textGroups)
    {
        this.code = code;
        this.classData = classData;
        this.owner = owner;
        this.methodName = methodName;
        this.textGroups = textGroups;
    }

    /**
     * @return the name of the helper {@code static long (FieldReader)} that evaluates a method's
     * text tests on one field.
     */
    static String textHelperName(final String methodName, final int fieldId)
    {
        return methodName + "$text" + fieldId;
    }

    /**
     * Emit the whole method body.
     *
     * @param conditions the rules' conditions, in order.
     * @param firstIndex the rule index of {@code conditions.get(0)}.
     */
    void emitRules(final List<Condition> conditions, final int firstIndex)
    {
        for (final Condition condition : conditions)
        {
            declareLocals(condition);
        }
        for (final int fieldId : textGroups.testsByField().keySet())
        {
            final int state = code.allocateLocal(TypeKind.INT);
            final int bits = code.allocateLocal(TypeKind.LONG);
            code.iconst_0().istore(state).lconst_0().lstore(bits);
            texts.put(fieldId, new TextSlots(fieldId, state, bits));
        }

        for (int from = 0; from < conditions.size(); from += Long.SIZE)
        {
            final List<Condition> group = conditions.subList(from, Math.min(conditions.size(), from + Long.SIZE));
            emitGroup(group, firstIndex + from);
        }
        code.iconst_m1();
        code.ireturn();
    }

    /**
     * Emit the body of a rules method behind the cross-rule index: the method's parameter after
     * the reader is the candidate word its rules are in (a {@code long}, word {@code firstWord});
     * each rule runs only when its bit is set, and then only its terms that
     * no lookup decided. A word, and a block of eight rules, whose bits are all clear is passed
     * with one test, so an item that the lookups left few candidates costs a handful of tests.
     *
     * @param index      the plan the words were computed with.
     * @param firstIndex the rule index of the method's first rule.
     * @param count      how many rules, from {@code firstIndex}.
     * @param firstWord  the word of rule {@code firstIndex}, the first word parameter.
     */
    void emitCandidates(final CrossRuleIndex index, final int firstIndex, final int count, final int firstWord)
    {
        for (int i = 0; i < count; i++)
        {
            index.remaining(firstIndex + i).forEach(this::declareLocals);
        }
        for (final int fieldId : textGroups.testsByField().keySet())
        {
            final int state = code.allocateLocal(TypeKind.INT);
            final int bits = code.allocateLocal(TypeKind.LONG);
            code.iconst_0().istore(state).lconst_0().lstore(bits);
            texts.put(fieldId, new TextSlots(fieldId, state, bits));
        }

        final long[] clearable = index.clearable();
        Label wordEnd = null;
        Label blockEnd = null;
        for (int i = 0; i < count; i++)
        {
            final int rule = firstIndex + i;
            final int word = rule >>> 6;
            final int bit = rule & (Long.SIZE - 1);
            final int slot = 1 + 2 * (word - firstWord);
            if (0 == i || 0 == bit % SKIP_BLOCK_RULES)
            {
                if (null != blockEnd)
                {
                    code.labelBinding(blockEnd);
                }
                if (0 == i || 0 == bit)
                {
                    if (null != wordEnd)
                    {
                        code.labelBinding(wordEnd);
                    }
                    wordEnd = code.newLabel();
                    skipIfClear(slot, bits(bit, Math.min(Long.SIZE - bit, count - i)), clearable[word], wordEnd);
                }
                blockEnd = code.newLabel();
                final int blockSize = Math.min(SKIP_BLOCK_RULES - bit % SKIP_BLOCK_RULES, count - i);
                if (blockSize < Long.SIZE)
                {
                    skipIfClear(slot, bits(bit, blockSize), clearable[word], blockEnd);
                }
            }
            final Label next = code.newLabel();
            if (0 != (clearable[word] & (1L << bit)))
            {
                code.lload(slot).loadConstant(1L << bit).land().lconst_0().lcmp().ifeq(next);
            }
            for (final Condition term : index.remaining(rule))
            {
                branch(term, next, false);
            }
            code.loadConstant(rule);
            code.ireturn();
            code.labelBinding(next);
        }
        code.labelBinding(blockEnd);
        code.labelBinding(wordEnd);
        code.iconst_m1();
        code.ireturn();
    }

    private static long bits(final int from, final int count)
    {
        return (Long.SIZE == count ? -1L : (1L << count) - 1) << from;
    }

    /** One test that passes a run of rules when all their bits are clear; only for runs of several rules that can all be cleared. */
    private void skipIfClear(final int slot, final long bits, final long clearable, final Label skip)
    {
        if (Long.bitCount(bits) > 1 && bits == (clearable & bits))
        {
            code.lload(slot);
            if (-1L != bits)
            {
                code.loadConstant(bits).land();
            }
            code.lconst_0().lcmp().ifeq(skip);
        }
    }

    /**
     * Up to 64 rules. Each rule's {@link Requirements} (fields it needs present, values an integer
     * field must take) become, per field that several rules depend on, a mask of the rules the
     * item's value leaves possible: a presence check and a {@code lookupswitch} per field, and
     * an {@code and} of masks. The rules then run in order, each behind one test of its bit (and
     * each block of eight behind one test), so a packet to port 443 passes the rules about other
     * ports, UDP, DNS names or VLANs without evaluating them. (Jumping from set bit to set bit
     * through a {@code tableswitch} in a loop was measured: about twice slower than the linear
     * code, the loop's back edge merging every cached field local.)
     */
    private void emitGroup(final List<Condition> rules, final int firstIndex)
    {
        final int n = rules.size();
        final Requirements[] requirements = new Requirements[n];
        final HashMap<Integer, Integer> rulesPerField = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            requirements[i] = Requirements.of(rules.get(i));
            requirements[i].byField().keySet().forEach(id -> rulesPerField.merge(id, 1, Integer::sum));
        }
        final List<Integer> dispatch = rulesPerField.entrySet().stream()
            .filter(e -> e.getValue() >= MIN_RULES_PER_DISPATCH_FIELD)
            .sorted((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey() - b.getKey())
            .limit(MAX_DISPATCH_FIELDS)
            .map(e -> e.getKey())
            .toList();
        if (n < MIN_RULES_FOR_DISPATCH || dispatch.isEmpty())
        {
            for (int i = 0; i < n; i++)
            {
                final Label next = code.newLabel();
                branch(rules.get(i), next, false);
                code.loadConstant(firstIndex + i);
                code.ireturn();
                code.labelBinding(next);
            }
            return;
        }

        final int mask = code.allocateLocal(TypeKind.LONG);
        code.loadConstant(64 == n ? -1L : (1L << n) - 1).lstore(mask);
        for (final int fieldId : dispatch)
        {
            emitFieldMask(fieldId, requirements, mask);
        }

        long dispatched = 0;
        for (int i = 0; i < n; i++)
        {
            for (final int fieldId : dispatch)
            {
                if (requirements[i].byField().containsKey(fieldId))
                {
                    dispatched |= 1L << i;
                }
            }
        }
        // Rules in order; one whose bit the masks cleared is skipped with a single test, and a
        // block of rules whose bits are all clear with one test for the block.
        Label blockEnd = null;
        for (int i = 0; i < n; i++)
        {
            if (0 == i % SKIP_BLOCK_RULES)
            {
                if (null != blockEnd)
                {
                    code.labelBinding(blockEnd);
                }
                final int blockSize = Math.min(SKIP_BLOCK_RULES, n - i);
                final long blockBits = ((1L << blockSize) - 1) << i;
                blockEnd = code.newLabel();
                if (blockSize > 1 && blockBits == (dispatched & blockBits))
                {
                    code.lload(mask).loadConstant(blockBits).land().lconst_0().lcmp().ifeq(blockEnd);
                }
            }
            final Label next = code.newLabel();
            if (0 != (dispatched & (1L << i)))
            {
                code.lload(mask).loadConstant(1L << i).land().lconst_0().lcmp().ifeq(next);
            }
            branch(rules.get(i), next, false);
            code.loadConstant(firstIndex + i);
            code.ireturn();
            code.labelBinding(next);
        }
        code.labelBinding(blockEnd);
    }

    private void emitFieldMask(final int fieldId, final Requirements[] requirements, final int mask)
    {
        long requiring = 0;
        long valueRules = 0;
        final TreeSet<Long> values = new TreeSet<>();
        for (int i = 0; i < requirements.length; i++)
        {
            final Map<Integer, TreeSet<Long>> byField = requirements[i].byField();
            if (byField.containsKey(fieldId))
            {
                requiring |= 1L << i;
                final TreeSet<Long> ruleValues = byField.get(fieldId);
                if (null != ruleValues)
                {
                    valueRules |= 1L << i;
                    values.addAll(ruleValues);
                }
            }
        }

        final Label absent = code.newLabel();
        final Label next = code.newLabel();
        pushPresence(fieldId);
        code.ifle(absent);
        final IntegerSlots slots = integers.get(fieldId);
        if (0 != valueRules && null != slots)
        {
            final Label other = code.newLabel();
            final ArrayList<SwitchCase> cases = new ArrayList<>();
            final ArrayList<Label> labels = new ArrayList<>();
            for (final long value : values)
            {
                final Label label = code.newLabel();
                labels.add(label);
                cases.add(SwitchCase.of((int)value, label));
            }
            code.lload(slots.value()).loadConstant((long)Integer.MAX_VALUE).lcmp().ifgt(other);
            code.lload(slots.value()).l2i().lookupswitch(other, cases);
            int k = 0;
            for (final long value : values)
            {
                long excluded = 0;
                for (int i = 0; i < requirements.length; i++)
                {
                    final TreeSet<Long> ruleValues = requirements[i].byField().get(fieldId);
                    if (0 != (valueRules & (1L << i)) && !ruleValues.contains(value))
                    {
                        excluded |= 1L << i;
                    }
                }
                code.labelBinding(labels.get(k++));
                code.lload(mask).loadConstant(~excluded).land().lstore(mask).goto_(next);
            }
            code.labelBinding(other);
            code.lload(mask).loadConstant(~valueRules).land().lstore(mask).goto_(next);
        }
        else
        {
            code.goto_(next);
        }
        code.labelBinding(absent);
        code.lload(mask).loadConstant(~requiring).land().lstore(mask);
        code.labelBinding(next);
    }

    /** Push a value above 0 when the field is present, 0 or below when not, through the field's cached state where it has one. */
    private void pushPresence(final int fieldId)
    {
        final IntegerSlots integer = integers.get(fieldId);
        final AddressSlots address = addresses.get(fieldId);
        final Integer count = occurrenceSlots.get(fieldId);
        if (null != integer)
        {
            loadInteger(integer);
            code.iload(integer.state());
        }
        else if (null != address)
        {
            loadAddress(address);
            code.iload(address.state());
        }
        else if (null != count)
        {
            final Label counted = code.newLabel();
            code.iload(count).ifge(counted);
            code.aload(READER_SLOT).loadConstant(fieldId).invokeinterface(CD_FIELD_READER, "occurrences", MTD_OCCURRENCES);
            code.istore(count);
            code.labelBinding(counted);
            code.iload(count);
        }
        else
        {
            code.aload(READER_SLOT).loadConstant(fieldId).invokeinterface(CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        }
    }

    /**
     * A rough upper bound of the bytecode a condition becomes, to cut rules into methods that
     * stay below HotSpot's 8,000-byte limit for JIT compilation (and the 64 KiB class file limit).
     */
    static int estimateBytes(final Condition condition)
    {
        return switch (condition)
        {
            case ConstantCondition ignored -> 4;
            case AndCondition and -> and.operands().stream().mapToInt(ConditionEmitter::estimateBytes).sum() + 8;
            case OrCondition or -> or.operands().stream().mapToInt(ConditionEmitter::estimateBytes).sum() + 8;
            case NotCondition not -> estimateBytes(not.operand());
            case IntegerComparison c -> c.field().isRepeated() ? 40 : 56;
            case IntegerTruth t -> t.field().isRepeated() ? 40 : 56;
            case IntegerInSet s -> s.field().isRepeated() || s.set().rangeCount() > INLINE_SET_RANGES ? 64 :
                48 + 28 * s.set().rangeCount();
            case AddressComparison ignored -> 120;
            case AddressInSet ignored -> 96;
            case FieldPresence ignored -> 24;
            default -> 40;
        };
    }

    private void declareLocals(final Condition condition)
    {
        switch (condition)
        {
            case AndCondition and -> and.operands().forEach(this::declareLocals);
            case OrCondition or -> or.operands().forEach(this::declareLocals);
            case NotCondition not -> declareLocals(not.operand());
            case IntegerComparison c -> declareInteger(c.field());
            case IntegerTruth t -> declareInteger(t.field());
            case IntegerInSet s -> declareInteger(s.field());
            case AddressComparison c -> declareAddress(c.field().readFieldId());
            case AddressInSet s -> declareAddress(s.field().readFieldId());
            default ->
            {
            }
        }
    }

    private void declareInteger(final Field field)
    {
        if (field.isRepeated())
        {
            if (!occurrenceSlots.containsKey(field.readFieldId()))
            {
                final int count = code.allocateLocal(TypeKind.INT);
                code.iconst_m1().istore(count);
                occurrenceSlots.put(field.readFieldId(), count);
            }
            return;
        }
        if (integers.containsKey(field.readFieldId()))
        {
            return;
        }
        final int state = code.allocateLocal(TypeKind.INT);
        final int value = code.allocateLocal(TypeKind.LONG);
        // Every local is assigned on entry so that the verifier accepts reads on any path.
        code.iconst_0().istore(state).lconst_0().lstore(value);
        integers.put(field.readFieldId(), new IntegerSlots(field.readFieldId(), state, value));
    }

    private void declareAddress(final int fieldId)
    {
        if (addresses.containsKey(fieldId))
        {
            return;
        }
        final int state = code.allocateLocal(TypeKind.INT);
        final int version = code.allocateLocal(TypeKind.INT);
        final int high = code.allocateLocal(TypeKind.LONG);
        final int low = code.allocateLocal(TypeKind.LONG);
        code.iconst_0().istore(state).iconst_0().istore(version).lconst_0().lstore(high).lconst_0().lstore(low);
        addresses.put(fieldId, new AddressSlots(fieldId, state, version, high, low));
    }

    /**
     * Jump to {@code target} when the condition's value equals {@code jumpIf}; otherwise fall through.
     */
    void branch(final Condition condition, final Label target, final boolean jumpIf)
    {
        switch (condition)
        {
            case ConstantCondition constant ->
            {
                if (constant.value() == jumpIf)
                {
                    code.goto_(target);
                }
            }
            case AndCondition and -> junction(and.operands(), target, jumpIf, false);
            case OrCondition or -> junction(or.operands(), target, jumpIf, true);
            case NotCondition not -> branch(not.operand(), target, !jumpIf);
            case IntegerComparison c when !c.field().isRepeated() -> integerComparison(c, target, jumpIf);
            case IntegerTruth t when !t.field().isRepeated() -> integerTruth(t, target, jumpIf);
            case IntegerInSet s when !s.field().isRepeated() -> integerInSet(s, target, jumpIf);
            case AddressComparison c -> addressComparison(c, target, jumpIf);
            case AddressInSet s -> addressInSet(s, target, jumpIf);
            case FieldPresence p -> presence(p, target, jumpIf);
            case IntegerComparison c -> repeated(c, c.field(), target, jumpIf);
            case IntegerTruth t -> repeated(t, t.field(), target, jumpIf);
            case IntegerInSet s -> repeated(s, s.field(), target, jumpIf);
            default ->
            {
                final int bit = textGroups.bitOf(condition);
                if (bit >= 0)
                {
                    textBit(condition, bit, target, jumpIf);
                }
                else
                {
                    delegate(condition, target, jumpIf);
                }
            }
        }
    }

    /**
     * {@code and} (shortCircuit false) or {@code or} (true): the operand value that decides the
     * whole without looking further is {@code shortCircuit}.
     */
    private void junction(final List<Condition> operands, final Label target, final boolean jumpIf, final boolean shortCircuit)
    {
        if (jumpIf == shortCircuit)
        {
            // The first deciding operand jumps straight to the target.
            for (final Condition operand : operands)
            {
                branch(operand, target, jumpIf);
            }
            return;
        }

        // The target is reached only when every operand fails to decide: a deciding one skips past.
        final Label skip = code.newLabel();
        for (int i = 0; i < operands.size() - 1; i++)
        {
            branch(operands.get(i), skip, shortCircuit);
        }
        branch(operands.getLast(), target, jumpIf);
        code.labelBinding(skip);
    }

    /**
     * A test on a repeated field: false without occurrences (most packets carry no VLAN tag or
     * MPLS label), so the count is read once per call and the node's own loop runs only when
     * there is something to loop over.
     */
    private void repeated(final Condition condition, final Field field, final Label target, final boolean jumpIf)
    {
        final int count = occurrenceSlots.get(field.readFieldId());
        final Label counted = code.newLabel();
        code.iload(count).ifge(counted);
        code.aload(READER_SLOT).loadConstant(field.readFieldId()).invokeinterface(CD_FIELD_READER, "occurrences", MTD_OCCURRENCES);
        code.istore(count);
        code.labelBinding(counted);
        final Label skip = code.newLabel();
        code.iload(count).ifle(jumpIf ? skip : target);
        delegate(condition, target, jumpIf);
        code.labelBinding(skip);
    }

    private void textBit(final Condition condition, final int bit, final Label target, final boolean jumpIf)
    {
        final int fieldId = textFieldId(condition);
        final TextSlots slots = texts.get(fieldId);
        final Label evaluated = code.newLabel();
        code.iload(slots.state()).ifne(evaluated);
        code.aload(READER_SLOT).invokestatic(owner, textHelperName(methodName, fieldId), MTD_TEXT_HELPER);
        code.lstore(slots.bits()).iconst_1().istore(slots.state());
        code.labelBinding(evaluated);
        code.lload(slots.bits()).loadConstant(1L << bit).land().lconst_0().lcmp();
        code.branch(jumpIf ? Opcode.IFNE : Opcode.IFEQ, target);
    }

    private static int textFieldId(final Condition condition)
    {
        return switch (condition)
        {
            case TextComparison c -> c.field().readFieldId();
            case TextMatch m -> m.field().readFieldId();
            case TextInSet s -> s.field().readFieldId();
            case TextLength l -> l.field().readFieldId();
            case TextTruth t -> t.field().readFieldId();
            default -> throw new IllegalArgumentException("not a text test: " + condition);
        };
    }

    private void delegate(final Condition condition, final Label target, final boolean jumpIf)
    {
        final ClassDesc owner = ClassDesc.of(condition.getClass().getName());
        code.ldc(classData.constant(condition));
        code.aload(READER_SLOT);
        code.invokevirtual(owner, "test", MTD_TEST);
        code.branch(jumpIf ? Opcode.IFNE : Opcode.IFEQ, target);
    }

    private void presence(final FieldPresence presence, final Label target, final boolean jumpIf)
    {
        final int id = presence.field().readFieldId();
        final IntegerSlots integer = integers.get(id);
        final AddressSlots address = addresses.get(id);
        if (null != integer)
        {
            loadInteger(integer);
            code.iload(integer.state());
        }
        else if (null != address)
        {
            loadAddress(address);
            code.iload(address.state());
        }
        else
        {
            code.aload(READER_SLOT).loadConstant(id).invokeinterface(CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        }
        code.branch(jumpIf ? Opcode.IFGT : Opcode.IFLE, target);
    }

    /**
     * Read the field into its locals unless this call has already: the only reader calls the
     * generated code makes for integer fields.
     */
    private void loadInteger(final IntegerSlots slots)
    {
        final Label loaded = code.newLabel();
        final Label absent = code.newLabel();
        code.iload(slots.state()).ifne(loaded);
        code.aload(READER_SLOT).loadConstant(slots.fieldId()).invokeinterface(CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        code.ifeq(absent);
        code.aload(READER_SLOT).loadConstant(slots.fieldId()).invokeinterface(CD_FIELD_READER, "integer", MTD_INTEGER);
        code.lstore(slots.value()).iconst_1().istore(slots.state()).goto_(loaded);
        code.labelBinding(absent);
        code.iconst_m1().istore(slots.state());
        code.labelBinding(loaded);
    }

    private void loadAddress(final AddressSlots slots)
    {
        final Label loaded = code.newLabel();
        final Label absent = code.newLabel();
        final int id = slots.fieldId();
        code.iload(slots.state()).ifne(loaded);
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(CD_FIELD_READER, "isPresent", MTD_IS_PRESENT);
        code.ifeq(absent);
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(CD_FIELD_READER, "addressVersion", MTD_ADDRESS_VERSION);
        code.istore(slots.version());
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(CD_FIELD_READER, "addressHigh", MTD_ADDRESS_PART);
        code.lstore(slots.high());
        code.aload(READER_SLOT).loadConstant(id).invokeinterface(CD_FIELD_READER, "addressLow", MTD_ADDRESS_PART);
        code.lstore(slots.low());
        code.iconst_1().istore(slots.state()).goto_(loaded);
        code.labelBinding(absent);
        code.iconst_m1().istore(slots.state());
        code.labelBinding(loaded);
    }

    /**
     * Load the field and, when it is absent, decide: absent makes every integer and address test
     * false, so jump to the target when looking for false, else past the test (returned, to bind
     * after it).
     */
    private Label presentOrDecide(final int state, final Label target, final boolean jumpIf)
    {
        final Label skip = code.newLabel();
        code.iload(state).ifle(jumpIf ? skip : target);
        return skip;
    }

    private void pushIntegerValue(final IntegerSlots slots, final Field field)
    {
        code.lload(slots.value());
        if (0 != field.bitShift())
        {
            code.loadConstant(field.bitShift()).lushr();
        }
        if (-1L != field.bitMask())
        {
            code.loadConstant(field.bitMask()).land();
        }
    }

    private void integerComparison(final IntegerComparison comparison, final Label target, final boolean jumpIf)
    {
        final IntegerSlots slots = integers.get(comparison.field().readFieldId());
        loadInteger(slots);
        final Label skip = presentOrDecide(slots.state(), target, jumpIf);
        pushIntegerValue(slots, comparison.field());
        code.loadConstant(comparison.value()).lcmp();
        final ComparisonOperator operator = jumpIf ? comparison.operator() : negate(comparison.operator());
        code.branch(ifOpcode(operator), target);
        code.labelBinding(skip);
    }

    private void integerTruth(final IntegerTruth truth, final Label target, final boolean jumpIf)
    {
        final IntegerSlots slots = integers.get(truth.field().readFieldId());
        loadInteger(slots);
        final Label skip = presentOrDecide(slots.state(), target, jumpIf);
        pushIntegerValue(slots, truth.field());
        code.lconst_0().lcmp();
        code.branch(jumpIf ? Opcode.IFNE : Opcode.IFEQ, target);
        code.labelBinding(skip);
    }

    private void integerInSet(final IntegerInSet inSet, final Label target, final boolean jumpIf)
    {
        final IntegerSlots slots = integers.get(inSet.field().readFieldId());
        final IntegerSet set = inSet.set();
        loadInteger(slots);
        final Label skip = presentOrDecide(slots.state(), target, jumpIf);
        if (set.rangeCount() > INLINE_SET_RANGES)
        {
            code.ldc(classData.constant(set));
            pushIntegerValue(slots, inSet.field());
            code.invokevirtual(CD_INTEGER_SET, "contains", MTD_INTEGER_SET_CONTAINS);
            code.branch(jumpIf ? Opcode.IFNE : Opcode.IFEQ, target);
        }
        else
        {
            // Jump to "in" when a range holds the value; fall out of the loop when none does.
            final Label in = jumpIf ? target : code.newLabel();
            for (int i = 0; i < set.rangeCount(); i++)
            {
                final long low = set.rangeLow(i);
                final long high = set.rangeHigh(i);
                pushIntegerValue(slots, inSet.field());
                if (low == high)
                {
                    code.loadConstant(low).lcmp().ifeq(in);
                }
                else
                {
                    final Label nextRange = code.newLabel();
                    code.loadConstant(low).lcmp().iflt(nextRange);
                    pushIntegerValue(slots, inSet.field());
                    code.loadConstant(high).lcmp().ifle(in);
                    code.labelBinding(nextRange);
                }
            }
            if (!jumpIf)
            {
                code.goto_(target);
                code.labelBinding(in);
            }
        }
        code.labelBinding(skip);
    }

    private void addressComparison(final AddressComparison comparison, final Label target, final boolean jumpIf)
    {
        final AddressSlots slots = addresses.get(comparison.field().readFieldId());
        final AddressPrefix prefix = comparison.prefix();
        loadAddress(slots);
        final Label skip = presentOrDecide(slots.state(), target, jumpIf);

        // Present: the test is (prefix holds the address) == equal.
        final boolean jumpWhenHeld = jumpIf == comparison.isEqual();
        final Label notHeld = jumpWhenHeld ? code.newLabel() : target;
        code.iload(slots.version()).loadConstant(prefix.version()).if_icmpne(notHeld);
        if (0 != prefix.maskHigh() || 0 != prefix.high())
        {
            code.lload(slots.high()).loadConstant(prefix.maskHigh()).land().loadConstant(prefix.high()).lcmp().ifne(notHeld);
        }
        if (0 != prefix.maskLow() || 0 != prefix.low())
        {
            code.lload(slots.low()).loadConstant(prefix.maskLow()).land().loadConstant(prefix.low()).lcmp().ifne(notHeld);
        }
        if (jumpWhenHeld)
        {
            code.goto_(target);
            code.labelBinding(notHeld);
        }
        code.labelBinding(skip);
    }

    private void addressInSet(final AddressInSet inSet, final Label target, final boolean jumpIf)
    {
        final AddressSlots slots = addresses.get(inSet.field().readFieldId());
        loadAddress(slots);
        final Label skip = presentOrDecide(slots.state(), target, jumpIf);
        code.ldc(classData.constant(inSet.set()));
        code.iload(slots.version()).lload(slots.high()).lload(slots.low());
        code.invokevirtual(CD_ADDRESS_SET, "contains", MTD_ADDRESS_SET_CONTAINS);
        code.branch(jumpIf ? Opcode.IFNE : Opcode.IFEQ, target);
        code.labelBinding(skip);
    }

    private static ComparisonOperator negate(final ComparisonOperator operator)
    {
        return switch (operator)
        {
            case EQ -> ComparisonOperator.NE;
            case NE -> ComparisonOperator.EQ;
            case LT -> ComparisonOperator.GE;
            case LE -> ComparisonOperator.GT;
            case GT -> ComparisonOperator.LE;
            case GE -> ComparisonOperator.LT;
        };
    }

    /** The branch that follows {@code lcmp} (-1, 0, 1 on the stack) for {@code actual OP literal}. */
    static Opcode ifOpcode(final ComparisonOperator operator)
    {
        return switch (operator)
        {
            case EQ -> Opcode.IFEQ;
            case NE -> Opcode.IFNE;
            case LT -> Opcode.IFLT;
            case LE -> Opcode.IFLE;
            case GT -> Opcode.IFGT;
            case GE -> Opcode.IFGE;
        };
    }
}
