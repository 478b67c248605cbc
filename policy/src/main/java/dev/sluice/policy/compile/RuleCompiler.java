package dev.sluice.policy.compile;

import dev.sluice.policy.condition.Condition;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles a policy's rule conditions to a hidden class implementing {@link RuleMatcher}, built
 * with the {@code java.lang.classfile} API, so the JIT sees each field test as plain compares on
 * locals instead of a virtual call per node.
 * <p>
 * The class is defined without {@code STRONG}, so it unloads once the policy that holds it is
 * gone: a gateway that swaps policy versions for months does not accumulate classes. Rules are
 * cut into methods that stay below HotSpot's limit for JIT compilation (8,000 bytes of bytecode;
 * a larger method would run interpreted for ever) and far below the class file's 64 KiB.
 * <p>
 * With several rules, a {@link CrossRuleIndex} decides the fields many rules test once per item,
 * across rules, so only the candidate rules run ({@value #INDEX_PROP_NAME}{@code =false}
 * compiles without it).
 * <p>
 * Runs off the data path, when a policy is built; any thread.
 */
public final class RuleCompiler
{
    /** System property: {@code false} makes policies run the interpreter (comparison, escape hatch). */
    public static final String COMPILE_PROP_NAME = "sluice.policy.compile";
    public static final boolean COMPILE_DEFAULT = true;
    /** System property: {@code false} compiles without the {@link CrossRuleIndex} (the matcher as before it, for comparison). */
    public static final String INDEX_PROP_NAME = "sluice.policy.index";
    public static final boolean INDEX_DEFAULT = true;

    /** HotSpot's {@code HugeMethodLimit}: methods longer than this are never JIT-compiled. */
    static final int JIT_METHOD_LIMIT_BYTES = 8_000;
    /** What one rules method aims at, from {@link ConditionEmitter#estimateBytes}; the estimate errs high. */
    static final int DEFAULT_METHOD_BUDGET_BYTES = 7_000;

    private static final ClassDesc CD_RULE_MATCHER = ClassDesc.of(RuleMatcher.class.getName());
    private static final String CLASS_NAME = RuleCompiler.class.getPackageName() + ".PolicyRules";

    private RuleCompiler()
    {
    }

    /**
     * What a policy runs: the compiled matcher, or the interpreter when compilation is switched off
     * or failed, with the reason. Never throws for a valid condition tree.
     *
     * @param conditions one per rule, in rule order.
     * @return the matcher and how it was chosen.
     */
    public static Selection select(final Condition[] conditions)
    {
        final InterpretedMatcher interpreter = new InterpretedMatcher(conditions);
        if (!Boolean.parseBoolean(System.getProperty(COMPILE_PROP_NAME, Boolean.toString(COMPILE_DEFAULT))))
        {
            return new Selection(interpreter, interpreter, false, COMPILE_PROP_NAME + "=false");
        }
        try
        {
            return new Selection(compile(conditions), interpreter, true, "compiled");
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return new Selection(interpreter, interpreter, false, "compilation failed, interpreting: " + ex);
        }
    }

    /**
     * @param matcher     what {@code firstMatch} runs.
     * @param interpreter the interpreter over the same conditions.
     * @param compiled    true when {@code matcher} is generated code.
     * @param note        "compiled", or why not.
     */
    public record Selection(RuleMatcher matcher, RuleMatcher interpreter, boolean compiled, String note)
    {
    }

    /**
     * @param conditions one per rule, in rule order.
     * @return a new matcher in its own hidden class.
     * @throws IllegalStateException when the code cannot be generated or defined.
     */
    public static RuleMatcher compile(final Condition[] conditions)
    {
        final boolean indexed = CrossRuleIndex.enabled();
        int lookupBudget = CrossRuleIndex.LOOKUP_BUDGET_BYTES;
        CrossRuleIndex index = indexed ? CrossRuleIndex.plan(conditions, lookupBudget) : null;
        int budget = DEFAULT_METHOD_BUDGET_BYTES;
        while (true)
        {
            final ClassData classData = new ClassData();
            final List<int[]> chunks = null == index ? chunks(conditions, budget) : chunks(index, budget);
            final byte[] bytes = null == index ? generate(conditions, chunks, classData) : generate(index, chunks, classData);
            if (longestMethodBytes(bytes) <= JIT_METHOD_LIMIT_BYTES)
            {
                return define(bytes, classData);
            }
            if (null != index && methodBytes(bytes, "firstMatch") > JIT_METHOD_LIMIT_BYTES)
            {
                // The lookups took more than estimated: index fewer fields.
                lookupBudget = lookupBudget * 3 / 4;
                index = CrossRuleIndex.plan(conditions, lookupBudget);
                continue;
            }
            if (budget < 64)
            {
                throw new IllegalStateException("a single rule needs more than " + JIT_METHOD_LIMIT_BYTES + " bytes of bytecode");
            }
            budget = budget * 3 / 4;
        }
    }

    /**
     * @return {@code [from, to)} rule ranges, each estimated within the budget (a rule alone may exceed it).
     */
    private static List<int[]> chunks(final Condition[] conditions, final int budgetBytes)
    {
        final ArrayList<int[]> chunks = new ArrayList<>();
        int from = 0;
        int bytes = 0;
        for (int i = 0; i < conditions.length; i++)
        {
            final int ruleBytes = ConditionEmitter.estimateBytes(conditions[i]) + 8;
            if (i > from && bytes + ruleBytes > budgetBytes)
            {
                chunks.add(new int[]{ from, i });
                from = i;
                bytes = 0;
            }
            bytes += ruleBytes;
        }
        if (from < conditions.length)
        {
            chunks.add(new int[]{ from, conditions.length });
        }
        return chunks;
    }

    /**
     * Chunks of the rules behind the index, each within one candidate word: each rule costs its
     * remaining terms and its bit test.
     */
    private static List<int[]> chunks(final CrossRuleIndex index, final int budgetBytes)
    {
        final ArrayList<int[]> chunks = new ArrayList<>();
        int from = 0;
        int bytes = 0;
        for (int i = 0; i < index.ruleCount(); i++)
        {
            int ruleBytes = 24;
            for (final Condition term : index.remaining(i))
            {
                ruleBytes += ConditionEmitter.estimateBytes(term);
            }
            if (i > from && (bytes + ruleBytes > budgetBytes || 0 == (i & (Long.SIZE - 1))))
            {
                chunks.add(new int[]{ from, i });
                from = i;
                bytes = 0;
            }
            bytes += ruleBytes;
        }
        if (from < index.ruleCount())
        {
            chunks.add(new int[]{ from, index.ruleCount() });
        }
        return chunks;
    }

    /**
     * A public final class {@code self} implementing {@link RuleMatcher}, with a no-argument
     * constructor, and the members {@code members} adds.
     */
    private static byte[] matcherClass(final ClassDesc self, final Consumer<ClassBuilder> members)
    {
        final ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofClassLoading(RuleCompiler.class.getClassLoader()))));
        return classFile.build(self, clazz ->
        {
            clazz.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER);
            clazz.withInterfaceSymbols(CD_RULE_MATCHER);
            clazz.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                code -> code.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            members.accept(clazz);
        });
    }

    private static byte[] generate(final CrossRuleIndex index, final List<int[]> chunks, final ClassData classData)
    {
        final ClassDesc self = ClassDesc.of(CLASS_NAME);
        return matcherClass(self, clazz ->
        {
            clazz.withMethodBody("firstMatch", ConditionEmitter.MTD_RULES, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                code -> new IndexEmitter(code, classData, index).emitFirstMatch(self, chunks));
            for (int k = 0; k < chunks.size(); k++)
            {
                final int from = chunks.get(k)[0];
                final int to = chunks.get(k)[1];
                final String name = "rules" + k;
                final ArrayList<Condition> terms = new ArrayList<>();
                for (int i = from; i < to; i++)
                {
                    terms.addAll(index.remaining(i));
                }
                final TextGroups textGroups = new TextGroups(terms);
                clazz.withMethodBody(name, IndexEmitter.MTD_CANDIDATE_RULES, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                    code -> new ConditionEmitter(code, classData, self, name, textGroups).emitCandidates(index, from, to - from, from >>> 6));
                textGroups.testsByField().forEach((fieldId, tests) -> clazz.withMethodBody(
                    ConditionEmitter.textHelperName(name, fieldId), ConditionEmitter.MTD_TEXT_HELPER,
                    ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                    code -> TextGroups.emitEvaluation(code, fieldId, tests, classData)));
            }
        });
    }

    private static byte[] generate(final Condition[] conditions, final List<int[]> chunks, final ClassData classData)
    {
        final ClassDesc self = ClassDesc.of(CLASS_NAME);
        return matcherClass(self, clazz ->
        {
            clazz.withMethodBody("firstMatch", ConditionEmitter.MTD_RULES, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                code -> emitFirstMatch(code, self, chunks.size()));
            for (int k = 0; k < chunks.size(); k++)
            {
                final int[] chunk = chunks.get(k);
                final List<Condition> rules = Arrays.asList(conditions).subList(chunk[0], chunk[1]);
                final String name = "rules" + k;
                final TextGroups textGroups = new TextGroups(rules);
                clazz.withMethodBody(name, ConditionEmitter.MTD_RULES, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                    code -> new ConditionEmitter(code, classData, self, name, textGroups).emitRules(rules, chunk[0]));
                textGroups.testsByField().forEach((fieldId, tests) -> clazz.withMethodBody(
                    ConditionEmitter.textHelperName(name, fieldId), ConditionEmitter.MTD_TEXT_HELPER,
                    ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                    code -> TextGroups.emitEvaluation(code, fieldId, tests, classData)));
            }
        });
    }

    private static void emitFirstMatch(final CodeBuilder code, final ClassDesc self, final int chunkCount)
    {
        final Label matched = code.newLabel();
        for (int k = 0; k < chunkCount; k++)
        {
            code.aload(1).invokestatic(self, "rules" + k, ConditionEmitter.MTD_RULES);
            code.dup().ifge(matched);
            code.pop();
        }
        code.iconst_m1().ireturn();
        code.labelBinding(matched);
        code.ireturn();
    }

    private static int methodBytes(final byte[] bytes, final String name)
    {
        final ClassModel model = ClassFile.of().parse(bytes);
        for (final MethodModel method : model.methods())
        {
            if (method.methodName().equalsString(name))
            {
                return method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
            }
        }
        return 0;
    }

    private static int longestMethodBytes(final byte[] bytes)
    {
        final ClassModel model = ClassFile.of().parse(bytes);
        int longest = 0;
        for (final MethodModel method : model.methods())
        {
            final int length = method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
            longest = Math.max(longest, length);
        }
        return longest;
    }

    private static RuleMatcher define(final byte[] bytes, final ClassData classData)
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup()
                .defineHiddenClassWithClassData(bytes, classData.values(), true);
            return (RuleMatcher)lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("cannot define the rules class", ex);
        }
    }
}
