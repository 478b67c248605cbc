package dev.sluice.dataplane.anonymize;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key file content of any shape is a key or a clear IOException, never anything else.
 */
class CryptoPanKeyFileFuzzTest
{
    private static final Path KEY_FILE = Path.of("fuzz.key");

    @FuzzTest(maxDuration = "2m")
    void parsesKeyFileContent(final byte[] content)
    {
        final byte[] original = content.clone();
        try
        {
            final byte[] key = CryptoPanKeyFile.parse(KEY_FILE, content);
            assertEquals(CryptoPan.KEY_LENGTH_BYTES, key.length);
            if (content.length == CryptoPan.KEY_LENGTH_BYTES)
            {
                assertArrayEquals(content, key);
            }
            else
            {
                final String text = new String(content, StandardCharsets.ISO_8859_1).strip();
                assertEquals(text.toLowerCase(), HexFormat.of().formatHex(key));
            }
            new CryptoPan(key, 0).anonymizeIpv4(0x0A00_0001);
        }
        catch (final IOException ex)
        {
            assertTrue(ex.getMessage().startsWith("Crypto-PAn key file " + KEY_FILE + " "), ex.getMessage());
        }
        assertArrayEquals(original, content, "the parser must not modify its input");
    }
}
