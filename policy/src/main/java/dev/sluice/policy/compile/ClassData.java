package dev.sluice.policy.compile;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The objects generated code needs (condition nodes it delegates to, sets, the cross-rule index's lookups and row arrays), handed to the hidden
 * class as its class data and loaded with {@code ldc} of a dynamic constant whose bootstrap is
 * {@link java.lang.invoke.MethodHandles#classDataAt}: resolved once, then a true constant the JIT
 * folds, with no reflection and no static field on the data path.
 * Used by one compilation on one thread.
 */
final class ClassData
{
    private final ArrayList<Object> values = new ArrayList<>();
    private final IdentityHashMap<Object, DynamicConstantDesc<?>> descs = new IdentityHashMap<>();

    /**
     * @param value an object the code uses; the same object always gets the same constant.
     * @return what {@code ldc} loads it with, typed as the object's own (public) class or array type.
     */
    DynamicConstantDesc<?> constant(final Object value)
    {
        return descs.computeIfAbsent(value, v ->
        {
            values.add(v);
            final ClassDesc type = ClassDesc.ofDescriptor(v.getClass().descriptorString());
            return DynamicConstantDesc.ofNamed(
                ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, values.size() - 1);
        });
    }

    /**
     * @return the class data: every value, at the index its constant names.
     */
    List<Object> values()
    {
        return List.copyOf(values);
    }
}
