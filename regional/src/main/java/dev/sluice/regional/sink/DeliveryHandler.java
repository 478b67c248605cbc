package dev.sluice.regional.sink;

/**
 * Told how far a sink has delivered a stream, by {@link Sink#pollDelivered}.
 * <p>
 * Called on the thread that polls.
 */
@FunctionalInterface
public interface DeliveryHandler
{
    /**
     * A stream's delivered sequence advanced.
     *
     * @param stream            the stream.
     * @param deliveredSequence its highest sequence now delivered, with every earlier one.
     */
    void onDelivered(SinkStream stream, long deliveredSequence);
}
