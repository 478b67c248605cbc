package dev.sluice.policy.keys;

import dev.sluice.policy.diagnostic.SourcePosition;

import java.time.Instant;
import java.util.Objects;

/**
 * One key epoch of one region, as a policy's {@code keys:} section declares it: metadata only.
 * The key itself never travels with the policy; a gateway of {@link #region()} reads it from its
 * own key directory as {@code <key-dir>/<region>/<id>.key}. Immutable.
 *
 * @param region   a region the policy declares.
 * @param id       names the epoch and its key file; letters, digits, '.', '_' and '-' only.
 * @param from     when the epoch's key becomes the active one.
 * @param position where the epoch is declared, for messages.
 */
public record KeyEpoch(String region, String id, Instant from, SourcePosition position)
{
    public KeyEpoch
    {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
    }

    /**
     * @return {@link #from()} in nanoseconds since the Unix epoch, saturated at {@code Long.MIN_VALUE}
     * and {@code Long.MAX_VALUE} for instants a long cannot hold.
     */
    public long fromEpochNs()
    {
        try
        {
            return Math.addExact(Math.multiplyExact(from.getEpochSecond(), 1_000_000_000L), from.getNano());
        }
        catch (final ArithmeticException ex)
        {
            return from.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The name used in messages and logs: {@code region/id}. */
    public String label()
    {
        return region + "/" + id;
    }
}
