package dev.sluice.dataplane.source.dpdk;

import java.io.IOException;

/** A DPDK setup failure (library, EAL, mempool, port); the message says what to do about it. */
public final class DpdkException extends IOException
{
    private static final long serialVersionUID = 1L;

    public DpdkException(final String message)
    {
        super(message);
    }

    public DpdkException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
