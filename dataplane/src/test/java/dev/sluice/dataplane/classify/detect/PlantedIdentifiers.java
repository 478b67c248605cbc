package dev.sluice.dataplane.classify.detect;

import java.util.Random;

/**
 * Makes valid identifiers of each kind, and filler text that holds none, for the property and
 * agreement tests and the benchmarks. Deterministic for a seed. One thread.
 */
final class PlantedIdentifiers
{
    private static final String VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    private static final String VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ";
    private static final int[] VIN_WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final String FILLER_LETTERS = "ghijklmnopqrstuvwxyz";

    private final Random random;

    PlantedIdentifiers(final long seed)
    {
        random = new Random(seed);
    }

    /** A valid identifier of {@code kind}, alone, as the detector reports it. */
    String of(final IdentifierKind kind)
    {
        return switch (kind)
        {
            case IPV4 -> random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            case IPV6 -> ipv6();
            case EMAIL -> word(1 + random.nextInt(8)) + (random.nextBoolean() ? "." + word(3) : "") + "@" + word(2 + random.nextInt(6)) + "." +
                (random.nextBoolean() ? "example." : "") + word(2 + random.nextInt(3));
            case MAC -> mac();
            case IMSI -> imsi();
            case IMEI -> withLuhn((random.nextBoolean() ? "35" : "86") + digits(12));
            case VIN -> vin();
            case PHONE -> phone();
            case PAYMENT_CARD -> card();
        };
    }

    /** Filler words: letters g-z only, so no identifier of any kind. */
    String filler(final int words)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++)
        {
            text.append(i > 0 ? (random.nextInt(8) == 0 ? ", " : " ") : "").append(word(1 + random.nextInt(9)));
        }
        return text.toString();
    }

    Random random()
    {
        return random;
    }

    private String word(final int length)
    {
        final StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            word.append(FILLER_LETTERS.charAt(random.nextInt(FILLER_LETTERS.length())));
        }
        return word.toString();
    }

    private String digits(final int count)
    {
        final StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            digits.append((char)('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private String ipv6()
    {
        final StringBuilder text = new StringBuilder();
        if (random.nextBoolean())
        {
            for (int g = 0; g < 8; g++)
            {
                text.append(g > 0 ? ":" : "").append(Integer.toHexString(1 + random.nextInt(0xFFFF)));
            }
            return text.toString();
        }
        return "2001:db8:" + Integer.toHexString(random.nextInt(0x10000)) + "::" + Integer.toHexString(1 + random.nextInt(0xFFFF));
    }

    private String mac()
    {
        final int style = random.nextInt(3);
        final StringBuilder text = new StringBuilder();
        if (2 == style)
        {
            for (int g = 0; g < 3; g++)
            {
                text.append(g > 0 ? "." : "").append(String.format("%04x", random.nextInt(0x10000)));
            }
            return text.toString();
        }
        for (int g = 0; g < 6; g++)
        {
            text.append(g > 0 ? (0 == style ? ":" : "-") : "").append(String.format(random.nextBoolean() ? "%02x" : "%02X", random.nextInt(256)));
        }
        return text.toString();
    }

    private String imsi()
    {
        while (true)
        {
            final String candidate = (char)('2' + random.nextInt(6)) + digits(14);
            if (!luhn(candidate))
            {
                return candidate;
            }
        }
    }

    private String vin()
    {
        while (true)
        {
            final char[] vin = new char[17];
            for (int i = 0; i < vin.length; i++)
            {
                vin[i] = VIN_CHARS.charAt(random.nextInt(VIN_CHARS.length()));
            }
            vin[0] = VIN_LETTERS.charAt(random.nextInt(VIN_LETTERS.length()));
            vin[8] = '0';
            int sum = 0;
            for (int i = 0; i < vin.length; i++)
            {
                sum += vinValue(vin[i]) * VIN_WEIGHTS[i];
            }
            final int check = sum % 11;
            vin[8] = 10 == check ? 'X' : (char)('0' + check);
            return new String(vin);
        }
    }

    private static int vinValue(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        return "12345678.12345.7.923456789".charAt(c - 'A') - '0';
    }

    private String phone()
    {
        final String country = String.valueOf(1 + random.nextInt(9)) + digits(random.nextInt(3));
        final int rest = 8 + random.nextInt(15 - 8 + 1) - country.length();
        final String number = digits(Math.max(rest, 7));
        return switch (random.nextInt(3))
        {
            case 0 -> "+" + country + number;
            case 1 -> "+" + country + " " + number.substring(0, 3) + " " + number.substring(3);
            default -> "+" + country + " (" + number.substring(0, 2) + ") " + number.substring(2, 5) + "-" + number.substring(5);
        };
    }

    private String card()
    {
        final String number = withLuhn(random.nextBoolean() ? "4" + digits(14) : "5" + (1 + random.nextInt(5)) + digits(13));
        return switch (random.nextInt(3))
        {
            case 0 -> number;
            case 1 -> number.substring(0, 4) + " " + number.substring(4, 8) + " " + number.substring(8, 12) + " " + number.substring(12);
            default -> number.substring(0, 4) + "-" + number.substring(4, 8) + "-" + number.substring(8, 12) + "-" + number.substring(12);
        };
    }

    static String withLuhn(final String digits)
    {
        for (char check = '0'; check <= '9'; check++)
        {
            if (luhn(digits + check))
            {
                return digits + check;
            }
        }
        throw new AssertionError();
    }

    static boolean luhn(final String digits)
    {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            int digit = digits.charAt(digits.length() - 1 - i) - '0';
            if (1 == (i & 1))
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }
            sum += digit;
        }
        return 0 == sum % 10;
    }
}
