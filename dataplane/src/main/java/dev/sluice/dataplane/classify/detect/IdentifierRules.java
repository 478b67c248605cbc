package dev.sluice.dataplane.classify.detect;

import dev.sluice.dataplane.decode.event.cef.AddressText;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What an identifier is: the rules both engines apply, so they agree by construction. The DFA engine
 * runs {@link #scanAll()}; the Hyperscan engine lets Hyperscan find where a candidate may be and
 * hands each match to {@link #confirmRun} or {@link #phoneAt}, which apply the very same rules to the
 * same bytes. The detector's thread only; allocates nothing per call once its copy of the text has
 * grown to the longest text seen.
 * <p>
 * <b>Units.</b> The text is cut four ways into <i>runs</i>, maximal runs of one character set, and
 * each run is judged as a whole, so token boundaries follow from maximality: an IMSI inside a
 * longer digit run is not an IMSI.
 * <ul>
 *   <li><b>Word</b> {@code [0-9A-Za-z:.]}, the words {@code TextAddressAnonymizer} rewrites
 *   addresses in, with its rules: the whole word (less trailing dots, or one trailing colon) as
 *   IPv6 ({@link AddressText}), else each piece between {@code ':'}s that starts with a dotted quad
 *   ending the piece, or followed by dots then the end or a letter, as IPv4. A word that is not IPv6
 *   is then cut at {@code ':'} and {@code '.'} into alphanumeric pieces: six two-hex pieces joined by
 *   {@code ':'} and no more on either side are a MAC; three four-hex pieces joined by {@code '.'}
 *   a Cisco MAC; a piece of 15 digits an IMEI (Luhn passes) or an IMSI (Luhn fails, first digit
 *   2-7); a piece of 13-19 digits in a card brand's issuer range and length, passing Luhn, a card
 *   (a 15-digit American Express number is also an IMEI); a piece of 17
 *   upper-case VIN characters (no I, O, Q) holding a letter, with a valid check digit, a VIN. Digits
 *   right after a {@code '+'} are a phone number (or nothing), never an IMSI, IMEI or card, and
 *   digits after {@code '_'}, {@code "_-"} or {@code '#'} neither.</li>
 *   <li><b>Dash word</b> {@code [0-9A-Za-z-]}, cut at {@code '-'}: six two-hex pieces in a row, a
 *   MAC; two or more digit pieces in a row, all of four digits but the last (1-4), 13-19 digits in
 *   all, in a card brand's range, passing Luhn, a card.</li>
 *   <li><b>Digit groups</b> {@code [0-9 ]}, cut at single spaces (two spaces break a chain): the
 *   same card rule; a chain glued to a letter before or after is not a card.</li>
 *   <li><b>Address</b> {@code [A-Za-z0-9._%+@-]}: one {@code '@'} (after dropping trailing dots);
 *   a local part of 1-64 bytes neither starting nor ending with a dot nor holding {@code ".."}; a
 *   domain of at most 253 bytes, two or more labels of 1-63 {@code [A-Za-z0-9-]} not starting or
 *   ending with a dash, the last all letters and at least two long.</li>
 * </ul>
 * <b>Phone</b> numbers start at a {@code '+'} not preceded by a letter, digit or {@code '+'}: a
 * digit 1-9, then digits, with runs of one or two of {@code " ().-"} between digits; 8-15 digits in
 * all, and no letter right after the last digit. A run of more than 15 digits is no phone. Not
 * detected: national forms without {@code '+'} ({@code 030 1234567}, {@code (555) 123-4567}), the
 * {@code 00} international prefix, extensions.
 * <p>
 * Not detected either: 4-6-5 grouped American Express numbers, cards in longer chains of digit
 * groups (an order number before a card, with one space between), lower-case VINs, VINs without a
 * valid check digit (most European VINs do not use position 9 as a check digit: we prefer missing
 * those to flagging every 17-character part number), IMSIs of 14 digits. A 15-digit number is
 * ambiguous between IMSI and IMEI; the Luhn check decides (an IMSI passes it one time in ten and is
 * then reported as an IMEI: both are subscriber identifiers of the same restriction).
 */
final class IdentifierRules
{
    static final int UNIT_WORD = 0;
    static final int UNIT_DASH = 1;
    static final int UNIT_SPACE = 2;
    static final int UNIT_EMAIL = 3;
    /** Not a run unit: Hyperscan's pattern id for phone numbers, confirmed by {@link #phoneAt}. */
    static final int UNIT_PHONE = 4;
    static final int RUN_UNITS = 4;

    private static final int WORD = 1 << UNIT_WORD;
    private static final int DASH = 1 << UNIT_DASH;
    private static final int SPACE = 1 << UNIT_SPACE;
    private static final int EMAIL = 1 << UNIT_EMAIL;
    /** Per byte: the run units it belongs to. */
    private static final byte[] UNITS = new byte[256];

    private static final byte ALNUM = 1;
    private static final byte HEX = 2;
    private static final byte DIGIT = 4;
    private static final byte VIN_CHAR = 8;
    private static final byte LETTER = 16;
    private static final byte PHONE_SEPARATOR = 32;
    private static final byte IPV6_CHAR = 64;
    private static final byte[] CHARS = new byte[256];
    /** ISO 3779 transliteration of a VIN character to its value. */
    private static final byte[] VIN_VALUE = new byte[256];
    private static final int[] VIN_WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

    private static final int INITIAL_TEXT_CAPACITY = 2048;
    private static final int MIN_WORD_LENGTH = 3;
    private static final int MIN_IPV6_LENGTH = 3;
    private static final int MIN_IPV4_LENGTH = 7;
    private static final int MAX_IPV4_LENGTH = 15;
    /** The shortest grouped card, {@code dddd-dddd-dddd-d}. */
    private static final int MIN_GROUPED_CARD_LENGTH = 16;
    private static final int MIN_EMAIL_LENGTH = 6;
    /** {@code abcd.abcd.abcd}: the shortest identifier with neither a digit nor a colon. */
    private static final int MIN_LETTERS_ONLY_IDENTIFIER = 14;
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_LABEL = 63;
    private static final int MIN_TLD = 2;
    private static final int MAC_PAIRS = 6;
    private static final int CISCO_GROUPS = 3;
    private static final int CARD_GROUP = 4;
    private static final int MIN_CARD_DIGITS = 13;
    private static final int MAX_CARD_DIGITS = 19;
    private static final int IMSI_DIGITS = 15;
    private static final int VIN_LENGTH = 17;
    private static final int VIN_CHECK_INDEX = 8;
    private static final int MIN_PHONE_DIGITS = 8;
    private static final int MAX_PHONE_DIGITS = 15;
    private static final int MAX_PHONE_SEPARATORS = 2;

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            UNITS[c] = WORD | DASH | SPACE | EMAIL;
            CHARS[c] = ALNUM | HEX | DIGIT | VIN_CHAR | IPV6_CHAR;
            VIN_VALUE[c] = (byte)(c - '0');
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            final int upper = c - 'a' + 'A';
            UNITS[c] = WORD | DASH | EMAIL;
            UNITS[upper] = WORD | DASH | EMAIL;
            final int hex = c <= 'f' ? HEX | IPV6_CHAR : 0;
            CHARS[c] = (byte)(ALNUM | LETTER | hex);
            CHARS[upper] = (byte)(ALNUM | LETTER | hex | ('I' == upper || 'O' == upper || 'Q' == upper ? 0 : VIN_CHAR));
        }
        UNITS[':'] = WORD;
        UNITS['.'] = WORD | EMAIL;
        UNITS['-'] = DASH | EMAIL;
        UNITS[' '] = SPACE;
        UNITS['_'] = EMAIL;
        UNITS['%'] = EMAIL;
        UNITS['+'] = EMAIL;
        UNITS['@'] = EMAIL;
        CHARS[':'] = IPV6_CHAR;
        CHARS['.'] = IPV6_CHAR | PHONE_SEPARATOR;
        CHARS[' '] = PHONE_SEPARATOR;
        CHARS['-'] = PHONE_SEPARATOR;
        CHARS['('] = PHONE_SEPARATOR;
        CHARS[')'] = PHONE_SEPARATOR;
        final String letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
        final int[] values = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int i = 0; i < letters.length(); i++)
        {
            VIN_VALUE[letters.charAt(i)] = (byte)values[i];
        }
    }

    private final AddressText addressText = new AddressText();
    /** A copy of the text, from index 0; grows to the longest text seen. */
    private byte[] text = new byte[INITIAL_TEXT_CAPACITY];
    private MemorySegment source;
    private long sourceOffset;
    private int length;
    private IdentifierMatchHandler handler;
    private int found;
    /** The run each unit last confirmed, so Hyperscan's many matches in one run cost one judgement. */
    private final int[] confirmedStart = new int[RUN_UNITS];
    private final int[] confirmedEnd = new int[RUN_UNITS];
    private int confirmedPhone;

    /**
     * Takes a copy of the text and forgets the last one's results.
     *
     * @throws IllegalArgumentException when the range lies outside the segment (a caller's bug).
     */
    void load(final MemorySegment segment, final long offset, final int length, final IdentifierMatchHandler handler)
    {
        if (length < 0 || offset < 0 || offset > segment.byteSize() - length)
        {
            throw new IllegalArgumentException(
                "bad range: [" + offset + ", +" + length + ") of a " + segment.byteSize() + "-byte segment");
        }
        if (text.length < length)
        {
            text = new byte[Math.max(length, (int)Math.min(Integer.MAX_VALUE - 8, 2L * text.length))];
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, text, 0, length);
        this.source = segment;
        this.sourceOffset = offset;
        this.length = length;
        this.handler = handler;
        found = 0;
        for (int unit = 0; unit < RUN_UNITS; unit++)
        {
            confirmedStart[unit] = -1;
            confirmedEnd[unit] = -1;
        }
        confirmedPhone = -1;
    }

    /**
     * Drops the references to the caller's text and handler.
     *
     * @return the kinds found since {@link #load}.
     */
    int finish()
    {
        source = null;
        handler = null;
        return found;
    }

    /**
     * The DFA engine: one pass, one table look-up per byte, tracking which units' runs are open; a
     * run is judged when it closes. Phone numbers are judged at each {@code '+'}.
     */
    void scanAll()
    {
        final byte[] text = this.text;
        final int length = this.length;
        int open = 0;
        int wordStart = 0;
        int dashStart = 0;
        int spaceStart = 0;
        int emailStart = 0;
        for (int i = 0; i < length; i++)
        {
            final int b = text[i] & 0xFF;
            final int units = UNITS[b];
            if (units != open)
            {
                final int closed = open & ~units;
                if (0 != closed)
                {
                    close(closed, wordStart, dashStart, spaceStart, emailStart, i);
                }
                final int opened = units & ~open;
                wordStart = 0 != (opened & WORD) ? i : wordStart;
                dashStart = 0 != (opened & DASH) ? i : dashStart;
                spaceStart = 0 != (opened & SPACE) ? i : spaceStart;
                emailStart = 0 != (opened & EMAIL) ? i : emailStart;
                open = units;
            }
            if ('+' == b)
            {
                phoneAt(i);
            }
        }
        if (0 != open)
        {
            close(open, wordStart, dashStart, spaceStart, emailStart, length);
        }
    }

    private void close(final int closed, final int wordStart, final int dashStart, final int spaceStart, final int emailStart, final int end)
    {
        if (0 != (closed & WORD))
        {
            word(wordStart, end);
        }
        if (0 != (closed & DASH))
        {
            dashWord(dashStart, end);
        }
        if (0 != (closed & SPACE))
        {
            digitGroups(spaceStart, end);
        }
        if (0 != (closed & EMAIL))
        {
            email(emailStart, end);
        }
    }

    /**
     * The Hyperscan engine's confirmation: judges the run of {@code unit} holding the byte at
     * {@code index}, unless that run was judged already.
     */
    void confirmRun(final int unit, final int index)
    {
        if (index < 0 || index >= length || (index >= confirmedStart[unit] && index < confirmedEnd[unit]))
        {
            return;
        }
        final byte[] text = this.text;
        final int bit = 1 << unit;
        if (0 == (UNITS[text[index] & 0xFF] & bit))
        {
            return;
        }
        int start = index;
        while (start > 0 && 0 != (UNITS[text[start - 1] & 0xFF] & bit))
        {
            start--;
        }
        int end = index + 1;
        while (end < length && 0 != (UNITS[text[end] & 0xFF] & bit))
        {
            end++;
        }
        confirmedStart[unit] = start;
        confirmedEnd[unit] = end;
        switch (unit)
        {
            case UNIT_WORD -> word(start, end);
            case UNIT_DASH -> dashWord(start, end);
            case UNIT_SPACE -> digitGroups(start, end);
            default -> email(start, end);
        }
    }

    /**
     * Judges a phone number starting at the {@code '+'} at {@code plus}, once.
     */
    void phoneAt(final int plus)
    {
        if (plus == confirmedPhone || plus < 0 || plus >= length)
        {
            return;
        }
        confirmedPhone = plus;
        final byte[] text = this.text;
        final int length = this.length;
        if ('+' != text[plus] || (plus > 0 && (isChar(text[plus - 1], ALNUM) || '+' == text[plus - 1])))
        {
            return;
        }
        int i = plus + 1;
        if (i >= length || text[i] < '1' || text[i] > '9')
        {
            return;
        }
        int digits = 0;
        int end;
        while (true)
        {
            while (i < length && isChar(text[i], DIGIT))
            {
                digits++;
                i++;
            }
            if (digits > MAX_PHONE_DIGITS)
            {
                return;
            }
            end = i;
            int separators = 0;
            int j = i;
            while (j < length && separators <= MAX_PHONE_SEPARATORS && isChar(text[j], PHONE_SEPARATOR))
            {
                separators++;
                j++;
            }
            if (separators >= 1 && separators <= MAX_PHONE_SEPARATORS && j < length && isChar(text[j], DIGIT))
            {
                i = j;
                continue;
            }
            break;
        }
        if (digits >= MIN_PHONE_DIGITS && (end == length || !isChar(text[end], ALNUM)))
        {
            report(IdentifierKind.PHONE, plus, end);
        }
    }

    private void word(final int start, final int end)
    {
        if (end - start < MIN_WORD_LENGTH)
        {
            return;
        }
        final byte[] text = this.text;
        boolean colon = false;
        boolean digit = false;
        boolean ipv6Chars = true;
        for (int i = start; i < end; i++)
        {
            final byte b = text[i];
            colon |= ':' == b;
            digit |= isChar(b, DIGIT);
            ipv6Chars &= isChar(b, IPV6_CHAR);
        }
        if (colon && ipv6Chars && AddressText.mayBeIpv6(text, start, end) && ipv6(start, end))
        {
            return;
        }
        if (digit)
        {
            ipv4Pieces(start, end);
        }
        // Most words are letters only: of those, only a Cisco MAC (14 bytes) or a VIN (17) may hold an identifier.
        if (digit || colon || end - start >= MIN_LETTERS_ONLY_IDENTIFIER)
        {
            pieces(start, end);
        }
    }

    /** The whole word, less trailing dots or one trailing colon, as IPv6 text. */
    private boolean ipv6(final int start, final int end)
    {
        int addressEnd = trimDots(start, end);
        int version = parse(start, addressEnd);
        if (0 == version && addressEnd - start > MIN_IPV6_LENGTH && ':' == text[addressEnd - 1])
        {
            addressEnd--;
            version = parse(start, addressEnd);
        }
        if (6 == version && addressEnd - start >= MIN_IPV6_LENGTH)
        {
            report(IdentifierKind.IPV6, start, addressEnd);
            return true;
        }
        return false;
    }

    /** The anonymizer's IPv4 walk ({@link AddressText#ipv4Piece}), so both find the same addresses. */
    private void ipv4Pieces(final int start, final int end)
    {
        int pieceStart = start;
        while (pieceStart < end)
        {
            final long piece = AddressText.ipv4Piece(text, pieceStart, end);
            final int addressEnd = AddressText.candidateEnd(piece);
            final int addressLength = addressEnd - pieceStart;
            if (addressLength >= MIN_IPV4_LENGTH && addressLength <= MAX_IPV4_LENGTH && 4 == parse(pieceStart, addressEnd))
            {
                report(IdentifierKind.IPV4, pieceStart, addressEnd);
            }
            pieceStart = AddressText.pieceEnd(piece) + 1;
        }
    }

    /** The alphanumeric pieces of a word: MAC chains, digit runs, VINs. */
    private void pieces(final int start, final int end)
    {
        final byte[] text = this.text;
        int colonChain = 0;
        int colonStart = 0;
        int colonEnd = 0;
        int dotChain = 0;
        int dotStart = 0;
        int dotEnd = 0;
        byte separatorBefore = 0;
        int p = start;
        while (true)
        {
            int q = p;
            int digits = 0;
            int hex = 0;
            byte b;
            while (q < end && isChar(b = text[q], ALNUM))
            {
                digits += isChar(b, DIGIT) ? 1 : 0;
                hex += isChar(b, HEX) ? 1 : 0;
                q++;
            }
            final int pieceLength = q - p;
            if (2 == pieceLength && 2 == hex)
            {
                if (colonChain > 0 && ':' == separatorBefore)
                {
                    colonChain++;
                }
                else
                {
                    macChain(colonChain, MAC_PAIRS, colonStart, colonEnd);
                    colonChain = 1;
                    colonStart = p;
                }
                colonEnd = q;
            }
            else
            {
                macChain(colonChain, MAC_PAIRS, colonStart, colonEnd);
                colonChain = 0;
            }
            if (CARD_GROUP == pieceLength && CARD_GROUP == hex)
            {
                if (dotChain > 0 && '.' == separatorBefore)
                {
                    dotChain++;
                }
                else
                {
                    macChain(dotChain, CISCO_GROUPS, dotStart, dotEnd);
                    dotChain = 1;
                    dotStart = p;
                }
                dotEnd = q;
            }
            else
            {
                macChain(dotChain, CISCO_GROUPS, dotStart, dotEnd);
                dotChain = 0;
            }
            if (digits == pieceLength && !(p == start && isPrefixed(start)))
            {
                digitPiece(p, q);
            }
            else if (VIN_LENGTH == pieceLength)
            {
                vin(p, q);
            }
            if (q >= end)
            {
                break;
            }
            separatorBefore = text[q];
            p = q + 1;
        }
        macChain(colonChain, MAC_PAIRS, colonStart, colonEnd);
        macChain(dotChain, CISCO_GROUPS, dotStart, dotEnd);
    }

    /**
     * Digits right after a {@code '+'} are a phone number, not an IMSI, IMEI or card; digits joined
     * to a name by {@code '_'} (HDFS's {@code blk_-1608999687919862906}) or {@code '#'} (a candump
     * frame's data, {@code 51A#4309000000000000}) are something else.
     */
    private boolean isPrefixed(final int start)
    {
        final byte[] text = this.text;
        if (start == 0)
        {
            return false;
        }
        final byte before = text[start - 1];
        return '+' == before || '_' == before || '#' == before || ('-' == before && start > 1 && '_' == text[start - 2]);
    }

    private void macChain(final int chain, final int wanted, final int start, final int end)
    {
        if (chain == wanted)
        {
            report(IdentifierKind.MAC, start, end);
        }
    }

    private void digitPiece(final int start, final int end)
    {
        final int digits = end - start;
        if (digits < MIN_CARD_DIGITS || digits > MAX_CARD_DIGITS)
        {
            return;
        }
        final byte[] text = this.text;
        final boolean luhn = luhn(start, end);
        if (IMSI_DIGITS == digits)
        {
            if (luhn)
            {
                report(IdentifierKind.IMEI, start, end);
                if (isCardPrefix(start, end, end - start))
                {
                    report(IdentifierKind.PAYMENT_CARD, start, end);
                }
            }
            else if (text[start] >= '2' && text[start] <= '7')
            {
                report(IdentifierKind.IMSI, start, end);
            }
        }
        else if (luhn && isCardPrefix(start, end, end - start))
        {
            report(IdentifierKind.PAYMENT_CARD, start, end);
        }
    }

    private void vin(final int start, final int end)
    {
        final byte[] text = this.text;
        boolean letter = false;
        int sum = 0;
        for (int i = start; i < end; i++)
        {
            final byte b = text[i];
            if (!isChar(b, VIN_CHAR))
            {
                return;
            }
            letter |= isChar(b, LETTER);
            sum += VIN_VALUE[b] * VIN_WEIGHTS[i - start];
        }
        final int check = sum % 11;
        final byte expected = (byte)(10 == check ? 'X' : '0' + check);
        if (letter && expected == text[start + VIN_CHECK_INDEX])
        {
            report(IdentifierKind.VIN, start, end);
        }
    }

    /** A run of {@code [0-9A-Za-z-]}: MACs and cards joined by dashes. */
    private void dashWord(final int start, final int end)
    {
        if (end - start < MIN_GROUPED_CARD_LENGTH)
        {
            return;
        }
        groups(start, end, (byte)'-', false, false);
    }

    /** A run of {@code [0-9 ]}: cards in groups joined by single spaces. */
    private void digitGroups(final int start, final int end)
    {
        if (end - start < MIN_GROUPED_CARD_LENGTH)
        {
            return;
        }
        final byte[] text = this.text;
        final boolean gluedBefore = start > 0 && isChar(text[start], DIGIT) && isChar(text[start - 1], ALNUM);
        final boolean gluedAfter = end < length && isChar(text[end - 1], DIGIT) && isChar(text[end], ALNUM);
        groups(start, end, (byte)' ', gluedBefore, gluedAfter);
    }

    /**
     * Chains of pieces joined by single {@code separator}s: two-hex pieces (a MAC, with dashes) and
     * digit groups (a card).
     */
    private void groups(final int start, final int end, final byte separator, final boolean gluedBefore, final boolean gluedAfter)
    {
        final byte[] text = this.text;
        final boolean macs = '-' == separator;
        int macChain = 0;
        int macStart = 0;
        int macEnd = 0;
        int cardGroups = 0;
        int cardStart = 0;
        int cardEnd = 0;
        int cardDigits = 0;
        int lastGroup = 0;
        boolean fours = true;
        boolean cardGlued = gluedBefore;
        int p = start;
        while (true)
        {
            int q = p;
            int digits = 0;
            int hex = 0;
            byte b;
            while (q < end && (b = text[q]) != separator)
            {
                digits += isChar(b, DIGIT) ? 1 : 0;
                hex += isChar(b, HEX) ? 1 : 0;
                q++;
            }
            final int pieceLength = q - p;
            if (macs && 2 == pieceLength && 2 == hex)
            {
                if (0 == macChain)
                {
                    macStart = p;
                }
                macChain++;
                macEnd = q;
            }
            else
            {
                macChain(macChain, MAC_PAIRS, macStart, macEnd);
                macChain = 0;
            }
            if (pieceLength > 0 && digits == pieceLength)
            {
                if (0 == cardGroups)
                {
                    cardStart = p;
                    cardDigits = 0;
                    fours = true;
                }
                else
                {
                    fours &= CARD_GROUP == lastGroup;
                }
                cardGroups++;
                cardDigits += digits;
                lastGroup = digits;
                cardEnd = q;
            }
            else
            {
                groupedCard(cardGroups, fours, lastGroup, cardDigits, cardStart, cardEnd, cardGlued);
                cardGroups = 0;
                cardGlued = false;
            }
            if (q >= end)
            {
                break;
            }
            p = q + 1;
        }
        macChain(macChain, MAC_PAIRS, macStart, macEnd);
        groupedCard(cardGroups, fours, lastGroup, cardDigits, cardStart, cardEnd, cardGlued || gluedAfter);
    }

    private void groupedCard(
        final int groups,
        final boolean fours,
        final int lastGroup,
        final int digits,
        final int start,
        final int end,
        final boolean glued)
    {
        if (groups >= 2 && !glued && fours && lastGroup <= CARD_GROUP &&
            digits >= MIN_CARD_DIGITS && digits <= MAX_CARD_DIGITS && isCardPrefix(start, end, digits) && luhn(start, end))
        {
            report(IdentifierKind.PAYMENT_CARD, start, end);
        }
    }

    private void email(final int start, final int end)
    {
        if (end - start < MIN_EMAIL_LENGTH)
        {
            return;
        }
        final byte[] text = this.text;
        final int trimmed = trimDots(start, end);
        int at = -1;
        for (int i = start; i < trimmed; i++)
        {
            if ('@' == text[i])
            {
                if (at >= 0)
                {
                    return;
                }
                at = i;
            }
        }
        final int localLength = at - start;
        if (localLength < 1 || localLength > MAX_LOCAL_PART || '.' == text[start] || '.' == text[at - 1])
        {
            return;
        }
        for (int i = start + 1; i < at; i++)
        {
            if ('.' == text[i] && '.' == text[i - 1])
            {
                return;
            }
        }
        if (trimmed - at - 1 > MAX_DOMAIN)
        {
            return;
        }
        int labels = 0;
        int labelStart = at + 1;
        boolean lettersOnly = true;
        for (int i = at + 1; i <= trimmed; i++)
        {
            final byte b = i < trimmed ? text[i] : (byte)'.';
            if ('.' == b)
            {
                final int labelLength = i - labelStart;
                if (labelLength < 1 || labelLength > MAX_LABEL || '-' == text[labelStart] || '-' == text[i - 1])
                {
                    return;
                }
                labels++;
                if (i == trimmed && (!lettersOnly || labelLength < MIN_TLD))
                {
                    return;
                }
                labelStart = i + 1;
                lettersOnly = true;
            }
            else if (isChar(b, ALNUM) || '-' == b)
            {
                lettersOnly &= isChar(b, LETTER);
            }
            else
            {
                return;
            }
        }
        if (labels >= 2)
        {
            report(IdentifierKind.EMAIL, start, trimmed);
        }
    }

    private boolean luhn(final int start, final int end)
    {
        final byte[] text = this.text;
        int sum = 0;
        boolean doubled = false;
        for (int i = end - 1; i >= start; i--)
        {
            final byte b = text[i];
            if (!isChar(b, DIGIT))
            {
                continue;
            }
            int digit = b - '0';
            if (doubled)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }
            sum += digit;
            doubled = !doubled;
        }
        return 0 == sum % 10;
    }

    /**
     * The issuer ranges and lengths of the card brands in use: Visa (4; 13, 16, 19 digits),
     * Mastercard (51-55, 2221-2720; 16), American Express (34, 37; 15), Diners (300-305, 36, 38,
     * 39; 14-16), JCB (3528-3589; 16-19), Discover (6011, 644-649, 65; 16-19), UnionPay (62;
     * 16-19). Random 13-19 digit numbers (ids, timestamps) pass Luhn one time in ten; this cuts them
     * further.
     */
    private boolean isCardPrefix(final int start, final int end, final int digits)
    {
        final byte[] text = this.text;
        int prefix = 0;
        int read = 0;
        for (int i = start; i < end && read < CARD_GROUP; i++)
        {
            final byte b = text[i];
            if (isChar(b, DIGIT))
            {
                prefix = prefix * 10 + b - '0';
                read++;
            }
        }
        final int two = prefix / 100;
        final int three = prefix / 10;
        return switch (two / 10)
        {
            case 4 -> 13 == digits || 16 == digits || 19 == digits;
            case 5 -> two >= 51 && two <= 55 && 16 == digits;
            case 2 -> prefix >= 2221 && prefix <= 2720 && 16 == digits;
            case 3 -> 34 == two || 37 == two ? 15 == digits :
                prefix >= 3528 && prefix <= 3589 ? digits >= 16 :
                (three >= 300 && three <= 305) || 36 == two || 38 == two || 39 == two ? digits >= 14 && digits <= 16 : false;
            case 6 -> (6011 == prefix || 65 == two || (three >= 644 && three <= 649) || 62 == two) && digits >= 16;
            default -> false;
        };
    }

    private int parse(final int start, final int end)
    {
        return addressText.parse(source, sourceOffset + start, end - start);
    }

    private int trimDots(final int start, final int end)
    {
        int trimmed = end;
        while (trimmed > start && '.' == text[trimmed - 1])
        {
            trimmed--;
        }
        return trimmed;
    }

    private void report(final IdentifierKind kind, final int start, final int end)
    {
        found |= kind.bit();
        if (null != handler)
        {
            handler.onMatch(kind, start, end);
        }
    }

    private static boolean isChar(final byte b, final byte charClass)
    {
        return 0 != (CHARS[b & 0xFF] & charClass);
    }

    /**
     * @return the copy of the text (valid up to {@link #length()}).
     */
    byte[] text()
    {
        return text;
    }

    int length()
    {
        return length;
    }
}
