package dev.sluice.policy.compile;

import dev.sluice.policy.condition.AndCondition;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.NotCondition;
import dev.sluice.policy.condition.OrCondition;
import dev.sluice.policy.condition.TextComparison;
import dev.sluice.policy.condition.TextInSet;
import dev.sluice.policy.condition.TextLength;
import dev.sluice.policy.condition.TextMatch;
import dev.sluice.policy.condition.TextTruth;
import dev.sluice.policy.condition.Texts;
import dev.sluice.policy.field.FieldReader;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text tests of one rules method, grouped by field. A reader's {@code text()} may copy the
 * value out of the packet (a DNS name, a TLS server name) and its flyweight is only valid until
 * the next reader call, so the generated code reads each text field once, the first time a rule
 * needs it, and then answers every test of the method on that field in one go: bit {@code i} of
 * the field's result word is test {@code i}. An absent field gives 0, which is right for every
 * text test (each is false on an absent field, {@code !=} included). Fields with more tests than
 * bits leave the rest to the nodes' own code.
 * Used by one compilation on one thread.
 */
final class TextGroups
{
    /** Bits of a result word: 64 tests per field per method, more than a policy writes in practice. */
    static final int MAX_TESTS_PER_FIELD = Long.SIZE;

    private static final ClassDesc CD_CHAR_SEQUENCE = ClassDesc.of(CharSequence.class.getName());
    private static final ClassDesc CD_TEXTS = ClassDesc.of(Texts.class.getName());
    private static final ClassDesc CD_TEXT_SET = ClassDesc.of(dev.sluice.policy.condition.TextSet.class.getName());
    private static final MethodTypeDesc MTD_IS_PRESENT = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_TEXT = MethodTypeDesc.of(CD_CHAR_SEQUENCE, ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_LENGTH = MethodTypeDesc.of(ConstantDescs.CD_int);
    private static final MethodTypeDesc MTD_SAME_TEXT = MethodTypeDesc.of(
        ConstantDescs.CD_boolean, CD_CHAR_SEQUENCE, ConstantDescs.CD_String, ConstantDescs.CD_boolean);
    private static final MethodTypeDesc MTD_CONTAINS = MTD_SAME_TEXT;
    private static final MethodTypeDesc MTD_REGION_MATCHES = MethodTypeDesc.of(
        ConstantDescs.CD_boolean, CD_CHAR_SEQUENCE, ConstantDescs.CD_int, ConstantDescs.CD_String, ConstantDescs.CD_boolean);
    private static final MethodTypeDesc MTD_SET_CONTAINS = MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_CHAR_SEQUENCE);

    private final LinkedHashMap<Integer, List<Condition>> testsByField = new LinkedHashMap<>();
    private final IdentityHashMap<Condition, Integer> bitOf = new IdentityHashMap<>();

    TextGroups(final List<Condition> conditions)
    {
        for (final Condition condition : conditions)
        {
            collect(condition);
        }
    }

    private void collect(final Condition condition)
    {
        switch (condition)
        {
            case AndCondition and -> and.operands().forEach(this::collect);
            case OrCondition or -> or.operands().forEach(this::collect);
            case NotCondition not -> collect(not.operand());
            case TextComparison c -> add(c.field().readFieldId(), c);
            case TextMatch m -> add(m.field().readFieldId(), m);
            case TextInSet s -> add(s.field().readFieldId(), s);
            case TextLength l -> add(l.field().readFieldId(), l);
            case TextTruth t -> add(t.field().readFieldId(), t);
            default ->
            {
            }
        }
    }

    private void add(final int fieldId, final Condition test)
    {
        final List<Condition> tests = testsByField.computeIfAbsent(fieldId, id -> new ArrayList<>());
        if (tests.size() < MAX_TESTS_PER_FIELD && !bitOf.containsKey(test))
        {
            bitOf.put(test, tests.size());
            tests.add(test);
        }
    }

    /**
     * @return the fields with grouped tests, in first-use order.
     */
    Map<Integer, List<Condition>> testsByField()
    {
        return testsByField;
    }

    /**
     * @param test a condition node.
     * @return its bit in its field's result word, or -1 when the node is left to its own code.
     */
    int bitOf(final Condition test)
    {
        return bitOf.getOrDefault(test, -1);
    }

    /**
     * The body of {@code static long name(FieldReader)}: one {@code isPresent}, one {@code text},
     * then every test on the value, before any other reader call can reuse the flyweight.
     */
    static void emitEvaluation(final CodeBuilder code, final int fieldId, final List<Condition> tests, final ClassData classData)
    {
        final ClassDesc reader = ConditionEmitter.CD_FIELD_READER;
        final Label present = code.newLabel();
        code.aload(0).loadConstant(fieldId).invokeinterface(reader, "isPresent", MTD_IS_PRESENT);
        code.ifne(present);
        code.lconst_0().lreturn();
        code.labelBinding(present);

        final int text = code.allocateLocal(TypeKind.REFERENCE);
        final int bits = code.allocateLocal(TypeKind.LONG);
        code.aload(0).loadConstant(fieldId).invokeinterface(reader, "text", MTD_TEXT).astore(text);
        code.lconst_0().lstore(bits);
        for (int i = 0; i < tests.size(); i++)
        {
            final Label fails = code.newLabel();
            emitTest(code, tests.get(i), text, classData);
            code.ifeq(fails);
            code.lload(bits).loadConstant(1L << i).lor().lstore(bits);
            code.labelBinding(fails);
        }
        code.lload(bits).lreturn();
    }

    /** Push 1 when the test holds for the text in local {@code text}, else 0. */
    private static void emitTest(final CodeBuilder code, final Condition test, final int text, final ClassData classData)
    {
        switch (test)
        {
            case TextComparison c ->
            {
                code.aload(text).ldc(c.value()).loadConstant(c.ignoresAsciiCase() ? 1 : 0);
                code.invokestatic(CD_TEXTS, "sameText", MTD_SAME_TEXT);
                if (!c.isEqual())
                {
                    code.iconst_1().ixor();
                }
            }
            case TextMatch m ->
            {
                final int ignoreCase = m.ignoresAsciiCase() ? 1 : 0;
                switch (m.operator())
                {
                    case CONTAINS -> code.aload(text).ldc(m.value()).loadConstant(ignoreCase)
                        .invokestatic(CD_TEXTS, "contains", MTD_CONTAINS);
                    case STARTS_WITH -> code.aload(text).iconst_0().ldc(m.value()).loadConstant(ignoreCase)
                        .invokestatic(CD_TEXTS, "regionMatches", MTD_REGION_MATCHES);
                    case ENDS_WITH -> code.aload(text)
                        .aload(text).invokeinterface(CD_CHAR_SEQUENCE, "length", MTD_LENGTH)
                        .loadConstant(m.value().length()).isub()
                        .ldc(m.value()).loadConstant(ignoreCase)
                        .invokestatic(CD_TEXTS, "regionMatches", MTD_REGION_MATCHES);
                }
            }
            case TextInSet s -> code.ldc(classData.constant(s.set())).aload(text)
                .invokevirtual(CD_TEXT_SET, "contains", MTD_SET_CONTAINS);
            case TextLength l ->
            {
                final Label holds = code.newLabel();
                final Label done = code.newLabel();
                code.aload(text).invokeinterface(CD_CHAR_SEQUENCE, "length", MTD_LENGTH).i2l();
                code.loadConstant(l.value()).lcmp();
                code.branch(ConditionEmitter.ifOpcode(l.operator()), holds);
                code.iconst_0().goto_(done);
                code.labelBinding(holds);
                code.iconst_1();
                code.labelBinding(done);
            }
            case TextTruth ignored -> code.aload(text).invokeinterface(CD_CHAR_SEQUENCE, "length", MTD_LENGTH);
            default -> throw new IllegalArgumentException("not a text test: " + test);
        }
    }
}
