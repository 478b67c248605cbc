package dev.sluice.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options and operands of one verb: {@code --name value}, {@code --name=value} and bare
 * {@code --flag}s, then operands. Unknown options are errors that list the known ones.
 * Main thread only.
 */
final class Arguments
{
    private final String verb;
    private final Map<String, String> options = new LinkedHashMap<>();
    /** Every value of each option, in order, for options that may be given more than once. */
    private final Map<String, List<String>> allValues = new LinkedHashMap<>();
    private final List<String> operands = new ArrayList<>();

    private Arguments(final String verb)
    {
        this.verb = verb;
    }

    /**
     * @param valued the options that take a value
     * @param flags  the options that take none
     */
    static Arguments parse(final String verb, final List<String> args, final Set<String> valued, final Set<String> flags)
    {
        final Arguments arguments = new Arguments(verb);
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            if (arg.equals("--"))
            {
                arguments.operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2)
            {
                arguments.operands.add(arg);
                continue;
            }
            final int equals = arg.indexOf('=');
            final String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            if (flags.contains(name) && equals < 0)
            {
                arguments.options.put(name, "true");
            }
            else if (valued.contains(name))
            {
                if (equals >= 0)
                {
                    arguments.put(name, arg.substring(equals + 1));
                }
                else if (i + 1 < args.size())
                {
                    arguments.put(name, args.get(++i));
                }
                else
                {
                    throw new UsageException(verb + ": option --" + name + " needs a value");
                }
            }
            else
            {
                final List<String> known = new ArrayList<>();
                valued.forEach(v -> known.add("--" + v + " VALUE"));
                flags.forEach(f -> known.add("--" + f));
                throw new UsageException(verb + ": unknown option --" + name +
                    (known.isEmpty() ? " (this verb takes no options)" : "; known: " + String.join(", ", known)));
            }
        }
        return arguments;
    }

    private void put(final String name, final String value)
    {
        options.put(name, value);
        allValues.computeIfAbsent(name, unused -> new ArrayList<>()).add(value);
    }

    /** Every value given for an option that may be repeated ({@code --core A --core B}), in order; empty when none. */
    List<String> options(final String name)
    {
        return allValues.getOrDefault(name, List.of());
    }

    String option(final String name, final String defaultValue)
    {
        return options.getOrDefault(name, defaultValue);
    }

    String option(final String name)
    {
        return options.get(name);
    }

    boolean flag(final String name)
    {
        return options.containsKey(name);
    }

    int intOption(final String name, final int defaultValue)
    {
        final String value = options.get(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(verb + ": --" + name + " must be a whole number, got '" + value + "'");
        }
    }

    List<String> operands()
    {
        return operands;
    }

    String requiredOperand(final int index, final String what)
    {
        if (operands.size() <= index)
        {
            throw new UsageException(verb + ": missing " + what);
        }
        return operands.get(index);
    }

    /** A mistake in how the command was called; printed without a stack trace, exit status 2. */
    static final class UsageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }
}
