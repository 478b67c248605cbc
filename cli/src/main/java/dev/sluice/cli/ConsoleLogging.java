package dev.sluice.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on standard error ({@code 12:00:01.234 INFO  component: message}),
 * installed once by the command before anything logs. Main thread, at start.
 */
final class ConsoleLogging
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private ConsoleLogging()
    {
    }

    static void install(final Level level)
    {
        LogManager.getLogManager().reset();
        final Logger root = Logger.getLogger("");
        final ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new OneLineFormatter());
        root.addHandler(handler);
        root.setLevel(level);
        // Aeron's and Agrona's own logging is not needed on the console.
        Logger.getLogger("io.aeron").setLevel(Level.WARNING);
    }

    private static final class OneLineFormatter extends Formatter
    {
        @Override
        public String format(final LogRecord record)
        {
            final String name = record.getLoggerName() == null ? "" : record.getLoggerName();
            final String component = name.substring(name.lastIndexOf('.') + 1);
            final StringBuilder line = new StringBuilder(128)
                .append(LocalTime.now().format(TIME)).append(' ')
                .append(String.format("%-5s", record.getLevel() == Level.WARNING ? "WARN" :
                    record.getLevel() == Level.SEVERE ? "ERROR" : record.getLevel().getName()))
                .append(' ').append(component).append(": ").append(formatMessage(record)).append('\n');
            if (record.getThrown() != null)
            {
                line.append("    ").append(record.getThrown()).append('\n');
                for (final StackTraceElement element : record.getThrown().getStackTrace())
                {
                    line.append("        at ").append(element).append('\n');
                }
            }
            return line.toString();
        }
    }
}
