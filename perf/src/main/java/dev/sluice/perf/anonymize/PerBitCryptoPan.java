package dev.sluice.perf.anonymize;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Baseline for the Crypto-PAn benchmark: a direct transcription of the reference sample.cpp, one
 * AES call per address bit; benchmark thread only (not thread-safe).
 * <p>
 * Two flavours: {@link #anonymizeIpv4Naive(int)} calls {@code doFinal(byte[])} per bit and gets a
 * new output array each time, as straightforward Java ports do; {@link #anonymizeIpv4PerBit(int)}
 * reuses preallocated arrays, so the only difference left to {@code CryptoPan} is one call per bit
 * instead of one per address.
 */
final class PerBitCryptoPan
{
    private static final int BLOCK_LENGTH_BYTES = 16;

    private final Cipher cipher;
    private final byte[] pad;
    private final long padHigh;
    private final long padLow;
    private final byte[] input = new byte[BLOCK_LENGTH_BYTES];
    private final byte[] output = new byte[BLOCK_LENGTH_BYTES];
    private final ByteBuffer inputView = ByteBuffer.wrap(input);

    /** Result of the last {@link #anonymizeIpv6PerBit(long, long)}. */
    long lastHigh;
    long lastLow;

    PerBitCryptoPan(final byte[] key)
    {
        try
        {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 16, "AES"));
            pad = cipher.doFinal(key, 16, 16);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        padHigh = ByteBuffer.wrap(pad).getLong(0);
        padLow = ByteBuffer.wrap(pad).getLong(8);
    }

    int anonymizeIpv4Naive(final int address)
    {
        final int padHigh32 = ByteBuffer.wrap(pad).getInt(0);
        final byte[] block = pad.clone();
        int flips = 0;
        for (int position = 0; position < 32; position++)
        {
            final int keepOriginal = 0 == position ? 0 : -1 << (32 - position);
            final int first4Bytes = (address & keepOriginal) | (padHigh32 & ~keepOriginal);
            block[0] = (byte)(first4Bytes >>> 24);
            block[1] = (byte)(first4Bytes >>> 16);
            block[2] = (byte)(first4Bytes >>> 8);
            block[3] = (byte)first4Bytes;
            final byte[] encrypted = doFinal(block);
            flips |= ((encrypted[0] & 0x80) >>> 7) << (31 - position);
        }
        return address ^ flips;
    }

    int anonymizeIpv4PerBit(final int address)
    {
        final ByteBuffer view = inputView;
        final int padHigh32 = (int)(padHigh >>> 32);
        System.arraycopy(pad, 4, input, 4, BLOCK_LENGTH_BYTES - 4);
        int flips = 0;
        for (int position = 0; position < 32; position++)
        {
            final int keepOriginal = 0 == position ? 0 : -1 << (32 - position);
            view.putInt(0, (address & keepOriginal) | (padHigh32 & ~keepOriginal));
            update(input, output);
            flips |= ((output[0] & 0x80) >>> 7) << (31 - position);
        }
        return address ^ flips;
    }

    /** IPv6, one call per bit with preallocated arrays; returns the result's high half XOR low half. */
    long anonymizeIpv6PerBit(final long high, final long low)
    {
        final ByteBuffer view = inputView;
        long flipsHigh = 0;
        long flipsLow = 0;
        for (int position = 0; position < 128; position++)
        {
            if (position < 64)
            {
                final long keepOriginal = 0 == position ? 0 : -1L << (64 - position);
                view.putLong(0, (high & keepOriginal) | (padHigh & ~keepOriginal));
                view.putLong(8, padLow);
            }
            else
            {
                final long keepOriginal = 64 == position ? 0 : -1L << (128 - position);
                view.putLong(0, high);
                view.putLong(8, (low & keepOriginal) | (padLow & ~keepOriginal));
            }
            update(input, output);
            final long bit = (output[0] & 0x80) >>> 7;
            if (position < 64)
            {
                flipsHigh |= bit << (63 - position);
            }
            else
            {
                flipsLow |= bit << (127 - position);
            }
        }
        lastHigh = high ^ flipsHigh;
        lastLow = low ^ flipsLow;
        return lastHigh ^ lastLow;
    }

    private byte[] doFinal(final byte[] block)
    {
        try
        {
            return cipher.doFinal(block);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void update(final byte[] in, final byte[] out)
    {
        try
        {
            cipher.update(in, 0, BLOCK_LENGTH_BYTES, out, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
