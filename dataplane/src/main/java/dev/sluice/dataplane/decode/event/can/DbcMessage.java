package dev.sluice.dataplane.decode.event.can;

import java.util.List;
import java.util.Objects;

/**
 * One {@code BO_} of a DBC file with its signals. Immutable; any thread.
 *
 * @param id          the CAN identifier (11 or 29 bits), without the DBC's extended flag.
 * @param extended    true for a 29-bit identifier (written with bit 31 set in the file).
 * @param name        the message's name, unique in the file.
 * @param dlc         the payload length in bytes the file declares (0 to 64).
 * @param transmitter the sending node ({@code Vector__XXX} when none).
 * @param signals     the signals in file order.
 * @param line        the line of the {@code BO_} in the file, for diagnostics.
 */
public record DbcMessage(int id, boolean extended, String name, int dlc, String transmitter, List<DbcSignal> signals, int line)
{
    /** The DBC encoding of a 29-bit identifier: bit 31 set. */
    public static final long EXTENDED_ID_FLAG = 0x8000_0000L;

    public DbcMessage
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(transmitter, "transmitter");
        signals = List.copyOf(signals);
    }

    /**
     * @param name a signal's name.
     * @return the signal, or null when the message has none by that name.
     */
    public DbcSignal signal(final String name)
    {
        for (final DbcSignal signal : signals)
        {
            if (signal.name().equals(name))
            {
                return signal;
            }
        }
        return null;
    }
}
