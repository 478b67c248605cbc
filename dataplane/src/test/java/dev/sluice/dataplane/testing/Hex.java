package dev.sluice.dataplane.testing;

import java.util.HexFormat;

/**
 * Hex strings to bytes for hand-written packets; whitespace is ignored so headers can be
 * written one field at a time.
 * <p>
 * Stateless; any thread.
 */
public final class Hex
{
    private Hex()
    {
    }

    public static byte[] bytes(final String... parts)
    {
        return HexFormat.of().parseHex(String.join("", parts).replaceAll("\\s+", ""));
    }
}
