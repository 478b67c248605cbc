package dev.sluice.regional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Base64 against the JDK's encoder and RFC 4648's test vectors.
 */
@Timeout(300)
class Base64AsciiTest
{
    @Test
    void encodesTheRfc4648Vectors()
    {
        final String[][] vectors = {
            { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
            { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
        for (final String[] vector : vectors)
        {
            assertEquals(vector[1], encode(vector[0].getBytes(StandardCharsets.US_ASCII), 0));
        }
    }

    @FuzzTest(maxDuration = "2m")
    void fuzzMatchesTheJdkEncoder(final byte[] input)
    {
        final int offset = input.length > 0 ? (input[0] & 0x3) : 0;
        assertEquals(Base64.getEncoder().encodeToString(input), encode(input, offset));
        assertEquals(Base64Ascii.encodedLength(input.length), Base64.getEncoder().encode(input).length);
    }

    /**
     * Encodes from offset 0 of a copy that starts at {@code srcShift}, into an output at an offset
     * too, so that offsets are exercised.
     */
    private static String encode(final byte[] input, final int srcShift)
    {
        final byte[] shifted = new byte[input.length + srcShift];
        System.arraycopy(input, 0, shifted, srcShift, input.length);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[(int)Base64Ascii.encodedLength(input.length) + 3]);
        final int length = Base64Ascii.encode(new UnsafeBuffer(shifted), srcShift, input.length, dst, 3);
        assertEquals(Base64Ascii.encodedLength(input.length), length);
        return dst.getStringWithoutLengthAscii(3, length);
    }
}
