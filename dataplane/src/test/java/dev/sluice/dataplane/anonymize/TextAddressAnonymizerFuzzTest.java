package dev.sluice.dataplane.anonymize;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link TextAddressAnonymizer}: no input makes it throw or read or write outside its
 * ranges (the text sits at the very end of its off-heap memory and the target is exactly
 * {@link TextAddressAnonymizer#maxOutputLength(int)} bytes, bounds-checked); the output fits that
 * bound; it equals what {@link TextAddressModel} (strings, regular expressions and the JDK's address
 * parser) writes, so every byte outside an address is preserved and every address is replaced by its
 * image; a target one byte short gives -1. Input: the text. Seeds:
 * {@code TextAddressAnonymizerFuzzTestInputs/rewritesAnyBytes}.
 * Fuzz locally: {@code JAZZER_FUZZ=1 mvn -pl dataplane test -Dtest=TextAddressAnonymizerFuzzTest}.
 */
class TextAddressAnonymizerFuzzTest
{
    private final Arena arena = Arena.ofAuto();
    private final TextAddressAnonymizer anonymizer;
    private final TextAddressModel model;

    TextAddressAnonymizerFuzzTest() throws IOException
    {
        anonymizer = new TextAddressAnonymizer(new CryptoPan(CryptoPanVectors.referenceKey()));
        model = new TextAddressModel(new CryptoPan(CryptoPanVectors.referenceKey()), false);
    }

    @FuzzTest(maxDuration = "2m")
    void rewritesAnyBytes(final byte[] input)
    {
        final MemorySegment memory = arena.allocate(input.length + 8L);
        MemorySegment.copy(input, 0, memory, ValueLayout.JAVA_BYTE, 8, input.length);
        final int capacity = TextAddressAnonymizer.maxOutputLength(input.length);
        final UnsafeBuffer target = new UnsafeBuffer(new byte[capacity]);

        final int length = anonymizer.rewrite(memory, 8, input.length, target, 0, capacity);
        assertTrue(length >= 0 && length <= capacity, "length " + length + " of at most " + capacity);
        final byte[] output = new byte[length];
        target.getBytes(0, output);

        final String text = new String(input, StandardCharsets.ISO_8859_1);
        assertEquals(model.rewrite(text), new String(output, StandardCharsets.ISO_8859_1), text);
        assertEquals(model.find(text).size(), anonymizer.addressesRewritten(), text);

        if (length > 0)
        {
            final UnsafeBuffer shortTarget = new UnsafeBuffer(new byte[length - 1]);
            assertEquals(-1, anonymizer.rewrite(memory, 8, input.length, shortTarget, 0, length - 1));
        }
    }
}
