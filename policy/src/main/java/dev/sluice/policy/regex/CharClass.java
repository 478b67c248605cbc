package dev.sluice.policy.regex;

/**
 * A set of symbols, the unit one step of the automaton consumes: the characters {@code 0..255}
 * (values read from items are bytes as characters) and {@link #OTHER}, which stands for every
 * character above 255. Built at parse time only. Not thread-safe; confined to the compiling thread.
 */
final class CharClass
{
    /** The symbol of every character above 255: matched only by '.', negated classes and \D \W \S. */
    static final int OTHER = 256;

    /** Number of symbols. */
    static final int SYMBOLS = 257;

    private final long[] bits = new long[5];

    static CharClass of(final int c)
    {
        return new CharClass().add(c);
    }

    static CharClass digits()
    {
        return new CharClass().addRange('0', '9');
    }

    static CharClass wordCharacters()
    {
        return new CharClass().addRange('a', 'z').addRange('A', 'Z').addRange('0', '9').add('_');
    }

    /** As java.util.regex's \s: space, \t, \n, \x0B, \f, \r. */
    static CharClass whitespace()
    {
        return new CharClass().add(' ').addRange('\t', '\r');
    }

    /** '.': anything but a line feed. */
    static CharClass anyButNewline()
    {
        return all().remove('\n');
    }

    static CharClass all()
    {
        return new CharClass().addRange(0, OTHER);
    }

    CharClass add(final int symbol)
    {
        bits[symbol >>> 6] |= 1L << symbol;
        return this;
    }

    CharClass remove(final int symbol)
    {
        bits[symbol >>> 6] &= ~(1L << symbol);
        return this;
    }

    CharClass addRange(final int low, final int high)
    {
        for (int symbol = low; symbol <= high; symbol++)
        {
            add(symbol);
        }
        return this;
    }

    CharClass addAll(final CharClass other)
    {
        for (int i = 0; i < bits.length; i++)
        {
            bits[i] |= other.bits[i];
        }
        return this;
    }

    /** Adds {@code a-z} for every {@code A-Z} present, and the other way round. */
    CharClass addOtherCase()
    {
        for (int c = 'A'; c <= 'Z'; c++)
        {
            final int lower = c + ('a' - 'A');
            if (contains(c) || contains(lower))
            {
                add(c);
                add(lower);
            }
        }
        return this;
    }

    CharClass negate()
    {
        for (int symbol = 0; symbol < SYMBOLS; symbol++)
        {
            bits[symbol >>> 6] ^= 1L << symbol;
        }
        return this;
    }

    boolean contains(final int symbol)
    {
        return 0 != (bits[symbol >>> 6] & (1L << symbol));
    }
}
