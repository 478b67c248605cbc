package dev.sluice.regional;

/**
 * Reported, not thrown, when a regional core receives {@code DataBatch} frames of a schema version
 * it does not read. Carries no stack trace: the message says everything and the cause is remote.
 * <p>
 * Immutable; any thread.
 */
public final class UnsupportedSchemaVersionException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the report.
     *
     * @param message what was received and what is read.
     */
    public UnsupportedSchemaVersionException(final String message)
    {
        super(message, null, false, false);
    }
}
