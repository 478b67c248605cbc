package dev.sluice.regional;

import org.agrona.SystemUtil;

import java.util.List;

/**
 * Reads the regional core's settings from system properties: a value that does not parse is
 * reported in {@code errors} (all of a context's errors are shown at once) and the default is kept.
 */
public final class SystemProperties
{
    private SystemProperties()
    {
    }

    public static int intProperty(final String name, final int defaultValue, final List<String> errors)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            errors.add(name + " must be an integer, was '" + value + "'");
            return defaultValue;
        }
    }

    public static int sizeProperty(final String name, final int defaultValue, final List<String> errors)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            final long size = SystemUtil.parseSize(name, value.trim());
            if (size > Integer.MAX_VALUE)
            {
                errors.add(name + " is too large: '" + value + "'");
                return defaultValue;
            }
            return (int)size;
        }
        catch (final RuntimeException ex)
        {
            errors.add(name + " must be a size such as 1m or 65536, was '" + value + "'");
            return defaultValue;
        }
    }

    public static long durationProperty(final String name, final long defaultValueNs, final List<String> errors)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValueNs;
        }

        try
        {
            return SystemUtil.parseDuration(name, value.trim());
        }
        catch (final RuntimeException ex)
        {
            errors.add(name + " must be a duration such as 1ms or 500us, was '" + value + "'");
            return defaultValueNs;
        }
    }
}
