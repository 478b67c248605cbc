package dev.sluice.dataplane.decode.event.can;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one DBC document for {@link DbcFile}: the grammar of the statements decoding needs
 * ({@code BO_}, {@code SG_}, {@code VAL_}, {@code SIG_VALTYPE_}, {@code BU_}, {@code VERSION}) over
 * {@link DbcScanner}. Every problem is reported with its position, then reading carries on at the
 * next statement so one run shows them all. Single use; one thread.
 */
final class DbcReader extends DbcScanner
{
    /** Vector's placeholder message for signals assigned to no message: read, then left out. */
    static final long INDEPENDENT_SIGNALS_ID = 0xC000_0000L;
    static final int MAX_STANDARD_ID = 0x7FF;
    static final int MAX_EXTENDED_ID = 0x1FFF_FFFF;
    /** CAN FD's largest payload; classic CAN's is 8. */
    static final int MAX_PAYLOAD_BYTES = 64;
    static final int MAX_SIGNAL_BITS = 64;
    private static final int MAX_ID_DIGITS = 10;
    private static final int MAX_SMALL_DIGITS = 4;

    private final String sourceName;

    private String version = "";
    private final List<String> nodes = new ArrayList<>();
    private final List<MessageBuilder> messages = new ArrayList<>();
    private final Map<Long, MessageBuilder> messagesByRawId = new HashMap<>();
    private final Map<String, MessageBuilder> messagesByName = new HashMap<>();
    private MessageBuilder current;

    DbcReader(final String sourceName, final String text)
    {
        super(text, new Diagnostics(null == sourceName ? "<dbc>" : sourceName));
        this.sourceName = diagnostics.sourceName();
    }

    DbcFile read()
    {
        while (skipWhitespace())
        {
            final SourcePosition at = position();
            if (!identifierStart(peek()))
            {
                diagnostics.error(at, "unexpected " + found() + " where a statement belongs",
                    "each DBC statement starts with a keyword such as BO_, SG_, CM_ or VAL_");
                skipLine();
                continue;
            }
            final String keyword = identifier();
            try
            {
                statement(keyword, at);
            }
            catch (final Stop ignore)
            {
                if ("VAL_".equals(keyword) || "SIG_VALTYPE_".equals(keyword))
                {
                    skipStatement(keyword, at);
                }
                else
                {
                    skipLine();
                }
            }
        }

        final List<DbcMessage> built = new ArrayList<>();
        for (final MessageBuilder message : messages)
        {
            final DbcMessage record = message.build(diagnostics);
            if (!message.independent)
            {
                built.add(record);
            }
        }
        if (diagnostics.hasErrors())
        {
            throw new DbcFormatException(diagnostics.sorted());
        }
        return new DbcFile(sourceName, version, nodes, built);
    }

    private void statement(final String keyword, final SourcePosition at)
    {
        if (!"SG_".equals(keyword))
        {
            current = null;
        }
        switch (keyword)
        {
            case "VERSION" ->
            {
                blanks();
                version = quoted("the version string");
                lineEnd("VERSION");
            }
            case "NS_" -> skipNewSymbols();
            case "BS_" -> skipLine();
            case "BU_" -> nodeList();
            case "BO_" -> message(at);
            case "SG_" -> signal(at);
            case "VAL_" -> valueDescriptions(at);
            case "SIG_VALTYPE_" -> signalValueType(at);
            default ->
            {
                if (TERMINATED_SECTIONS.contains(keyword))
                {
                    skipStatement(keyword, at);
                }
                else if (looksLikeKeyword(keyword))
                {
                    skipUnknownSection();
                }
                else
                {
                    diagnostics.error(at, "unknown statement '" + keyword + "'",
                        "statements start with a keyword such as BO_ or SG_; a signal line needs 'SG_' before its name");
                    skipLine();
                }
            }
        }
    }

    private void nodeList()
    {
        blanks();
        expect(':', "after BU_", "write the node list as 'BU_: ECU1 ECU2'");
        while (true)
        {
            blanks();
            if (atLineEnd())
            {
                return;
            }
            if (!identifierStart(peek()))
            {
                throw fail("expected a node name, found " + found(), "node names are C identifiers separated by spaces");
            }
            nodes.add(identifier());
        }
    }

    private void message(final SourcePosition at)
    {
        blanks();
        final SourcePosition idAt = position();
        final long rawId = unsigned(MAX_ID_DIGITS, "a message id (decimal)");
        blanks();
        final String name = name("a message name");
        blanks();
        expect(':', "after the message name", "write messages as 'BO_ <id> <name>: <dlc> <transmitter>'");
        blanks();
        final SourcePosition dlcAt = position();
        final long dlc = unsigned(MAX_SMALL_DIGITS, "the message length in bytes");
        blanks();
        final String transmitter = atLineEnd() ? "Vector__XXX" : name("the transmitting node");
        lineEnd("the BO_ line");

        if (dlc > MAX_PAYLOAD_BYTES)
        {
            throw fail(dlcAt, "message " + name + " is " + dlc + " bytes long; the most a CAN FD frame carries is 64",
                "the number after ':' is the payload length in bytes");
        }
        final MessageBuilder message = new MessageBuilder();
        message.name = name;
        message.dlc = (int)dlc;
        message.transmitter = transmitter;
        message.line = at.line();
        current = message;
        if (INDEPENDENT_SIGNALS_ID == rawId)
        {
            message.independent = true;
            messages.add(message);
            return;
        }
        if (0 != (rawId & DbcMessage.EXTENDED_ID_FLAG))
        {
            final long id = rawId & ~DbcMessage.EXTENDED_ID_FLAG;
            if (id > MAX_EXTENDED_ID)
            {
                current = null;
                throw fail(idAt, "message id " + rawId + " is not a 29-bit CAN id with bit 31 set",
                    "an extended id is written as the 29-bit id + 2147483648");
            }
            message.id = (int)id;
            message.extended = true;
        }
        else
        {
            if (rawId > MAX_STANDARD_ID)
            {
                current = null;
                throw fail(idAt, "message id " + rawId + " does not fit 11 bits (at most 2047)",
                    "an extended (29-bit) id is written with bit 31 set: " + (rawId + DbcMessage.EXTENDED_ID_FLAG));
            }
            message.id = (int)rawId;
        }
        final MessageBuilder sameId = messagesByRawId.putIfAbsent(rawId, message);
        if (null != sameId)
        {
            current = null;
            throw fail(idAt, "message id " + rawId + " is already defined by " + sameId.name + " on line " + sameId.line,
                "each CAN id has one BO_");
        }
        final MessageBuilder sameName = messagesByName.putIfAbsent(name, message);
        if (null != sameName)
        {
            messagesByRawId.remove(rawId);
            current = null;
            throw fail(at, "message name " + name + " is already used on line " + sameName.line,
                "message names are unique in a DBC file");
        }
        messages.add(message);
    }

    private void signal(final SourcePosition at)
    {
        if (null == current)
        {
            throw fail(at, "SG_ outside a message",
                "put each SG_ line right after its message's BO_ line (or after another SG_ of it)");
        }
        final SignalBuilder signal = new SignalBuilder();
        signal.line = at.line();
        blanks();
        final SourcePosition nameAt = position();
        signal.name = name("a signal name");
        blanks();
        if (':' != peek())
        {
            multiplexIndicator(signal);
            blanks();
        }
        expect(':', "after the signal name", "write 'SG_ <name> : <start>|<length>@<order><sign> (<factor>,<offset>) [<min>|<max>] \"<unit>\" <receivers>'");
        blanks();
        final SourcePosition startAt = position();
        signal.startBit = (int)unsigned(MAX_SMALL_DIGITS, "the start bit");
        blanks();
        expect('|', "after the start bit", "write '<start>|<length>@<order><sign>', e.g. 7|16@0+");
        blanks();
        final SourcePosition lengthAt = position();
        signal.length = (int)unsigned(MAX_SMALL_DIGITS, "the signal length in bits");
        blanks();
        expect('@', "after the signal length", "write '<start>|<length>@<order><sign>', e.g. 7|16@0+");
        final char order = peek();
        if ('0' != order && '1' != order)
        {
            throw fail("expected the byte order 1 (Intel, little-endian) or 0 (Motorola, big-endian), found " + found(),
                "write '@1+' for an unsigned little-endian signal, '@0-' for a signed big-endian one");
        }
        next();
        signal.littleEndian = '1' == order;
        final char sign = peek();
        if ('+' != sign && '-' != sign)
        {
            throw fail("expected '+' (unsigned) or '-' (signed), found " + found(),
                "the sign follows the byte order directly, as in '@1+'");
        }
        next();
        signal.signed = '-' == sign;
        blanks();
        expect('(', "before the factor", "write the scaling as '(<factor>,<offset>)'");
        blanks();
        signal.factor = number("the factor");
        blanks();
        expect(',', "between factor and offset", "write the scaling as '(<factor>,<offset>)'");
        blanks();
        signal.offset = number("the offset");
        blanks();
        expect(')', "after the offset", "write the scaling as '(<factor>,<offset>)'");
        blanks();
        expect('[', "before the minimum", "write the range as '[<min>|<max>]'");
        blanks();
        signal.minimum = number("the minimum");
        blanks();
        expect('|', "between minimum and maximum", "write the range as '[<min>|<max>]'");
        blanks();
        signal.maximum = number("the maximum");
        blanks();
        expect(']', "after the maximum", "write the range as '[<min>|<max>]'");
        blanks();
        signal.unit = quoted("the unit");
        while (true)
        {
            blanks();
            if (atLineEnd())
            {
                break;
            }
            if (',' == peek())
            {
                next();
                continue;
            }
            if (!identifierStart(peek()))
            {
                throw fail("expected a receiving node or the end of the line, found " + found(),
                    "receivers are node names separated by ','; use Vector__XXX for none");
            }
            signal.receivers.add(identifier());
        }

        if (signal.length < 1 || signal.length > MAX_SIGNAL_BITS)
        {
            throw fail(lengthAt, "signal " + signal.name + " is " + signal.length + " bits long; signals are 1 to 64 bits",
                "split a longer field into several signals");
        }
        final int lastByte = signal.lastByte();
        if (signal.startBit >= MAX_PAYLOAD_BYTES * 8 || lastByte >= MAX_PAYLOAD_BYTES || lastByte < 0)
        {
            throw fail(startAt, "signal " + signal.name + " does not fit a 64-byte payload",
                signal.littleEndian ? "with @1 (Intel) the start bit is the least significant bit"
                    : "with @0 (Motorola) the start bit is the most significant bit and the signal grows "
                        + "towards the next byte");
        }
        if (lastByte >= current.dlc && !current.independent)
        {
            throw fail(startAt, "signal " + signal.name + " reaches byte " + lastByte + " but message " + current.name +
                " is " + current.dlc + " bytes long", signal.littleEndian
                    ? "with @1 (Intel) the start bit is the least significant bit; check the start bit, the length or the DLC"
                    : "with @0 (Motorola) the start bit is the most significant bit (bit 7 is the top of byte 0); "
                        + "check the start bit, the length or the DLC");
        }
        for (final SignalBuilder other : current.signals)
        {
            if (other.name.equals(signal.name))
            {
                throw fail(nameAt, "signal " + signal.name + " is already defined in message " + current.name +
                    " on line " + other.line, "signal names are unique within their message");
            }
            if (signal.multiplexer && other.multiplexer)
            {
                throw fail(nameAt, "message " + current.name + " already has a multiplexer, " + other.name +
                    " (line " + other.line + ")", "one signal per message is marked 'M'; the multiplexed ones 'm<value>'");
            }
        }
        current.signals.add(signal);
    }

    private void multiplexIndicator(final SignalBuilder signal)
    {
        final SourcePosition at = position();
        if (!identifierStart(peek()))
        {
            throw fail("expected ':' or a multiplexer indicator (M or m<value>) after the signal name, found " + found(),
                "write 'SG_ <name> : ...', 'SG_ <name> M : ...' or 'SG_ <name> m3 : ...'");
        }
        final String indicator = identifier();
        if ("M".equals(indicator))
        {
            signal.multiplexer = true;
            return;
        }
        int end = indicator.length();
        if (indicator.endsWith("M"))
        {
            signal.multiplexer = true;
            end--;
        }
        if (indicator.charAt(0) != 'm' || end < 2 || end > 1 + MAX_ID_DIGITS)
        {
            throw fail(at, "'" + indicator + "' is not a multiplexer indicator",
                "write M for the multiplexer, m<value> (e.g. m3) for a signal present when the multiplexer is <value>");
        }
        long value = 0;
        for (int i = 1; i < end; i++)
        {
            final char c = indicator.charAt(i);
            if (c < '0' || c > '9')
            {
                throw fail(at, "'" + indicator + "' is not a multiplexer indicator",
                    "write M for the multiplexer, m<value> (e.g. m3) for a signal present when the multiplexer is <value>");
            }
            value = value * 10 + (c - '0');
        }
        if (value > Integer.MAX_VALUE)
        {
            throw fail(at, "multiplexer value " + value + " is too large", "multiplexer values are at most 2147483647");
        }
        signal.multiplexValue = (int)value;
    }

    private void valueDescriptions(final SourcePosition at)
    {
        blanks();
        if (!isAsciiDigit(peek()))
        {
            // VAL_ of an environment variable: nothing to decode.
            skipStatement("VAL_", at);
            return;
        }
        final SignalBuilder signal = referencedSignal("VAL_");
        final Map<Long, String> names = new LinkedHashMap<>();
        while (true)
        {
            skipWhitespace();
            if (';' == peek())
            {
                next();
                break;
            }
            if (eof())
            {
                throw fail(at, "VAL_ is not ended by ';'", "end each VAL_ statement with ';'");
            }
            final SourcePosition valueAt = position();
            final double value = number("a raw value");
            if (value != Math.rint(value) || Math.abs(value) > 0x1p63)
            {
                throw fail(valueAt, "value " + value + " of a VAL_ is not an integer", "VAL_ maps raw integer values to text");
            }
            skipWhitespace();
            names.put((long)value, quoted("the value's description"));
        }
        signal.valueNames = names;
    }

    private void signalValueType(final SourcePosition at)
    {
        blanks();
        final SignalBuilder signal = referencedSignal("SIG_VALTYPE_");
        blanks();
        if (':' == peek())
        {
            next();
            blanks();
        }
        final SourcePosition typeAt = position();
        final long type = unsigned(1, "the value type (0 integer, 1 float, 2 double)");
        skipWhitespace();
        expect(';', "after SIG_VALTYPE_", "end each SIG_VALTYPE_ statement with ';'");
        final int needed = 1 == type ? 32 : 64;
        if (type > 2)
        {
            throw fail(typeAt, "value type " + type + " is not 0 (integer), 1 (IEEE float) or 2 (IEEE double)", null);
        }
        if (0 != type && signal.length != needed)
        {
            throw fail(typeAt, "signal " + signal.name + " is " + signal.length + " bits long; an IEEE " +
                (1 == type ? "float" : "double") + " is " + needed, "make the SG_ " + needed + " bits long");
        }
        if (0 != type && signal.multiplexer)
        {
            throw fail(typeAt, "multiplexer " + signal.name + " cannot be a floating-point value", null);
        }
        signal.valueType = 0 == type ? DbcSignal.ValueType.INTEGER
            : 1 == type ? DbcSignal.ValueType.FLOAT32 : DbcSignal.ValueType.FLOAT64;
    }

    private SignalBuilder referencedSignal(final String keyword)
    {
        final SourcePosition idAt = position();
        final long rawId = unsigned(MAX_ID_DIGITS, "a message id");
        final MessageBuilder message = messagesByRawId.get(rawId);
        if (null == message)
        {
            throw fail(idAt, keyword + " names message id " + rawId + ", which no BO_ defines",
                "use the decimal id of a BO_ (extended ids with bit 31 set, as in the BO_)");
        }
        blanks();
        final SourcePosition nameAt = position();
        final String name = name("a signal name");
        for (final SignalBuilder signal : message.signals)
        {
            if (signal.name.equals(name))
            {
                return signal;
            }
        }
        throw fail(nameAt, keyword + " names signal " + name + ", which message " + message.name + " does not have",
            "check the spelling against the message's SG_ lines");
    }

    private static final class MessageBuilder
    {
        int id;
        boolean extended;
        boolean independent;
        String name;
        int dlc;
        String transmitter;
        int line;
        final List<SignalBuilder> signals = new ArrayList<>();

        DbcMessage build(final Diagnostics diagnostics)
        {
            boolean hasMultiplexer = false;
            for (final SignalBuilder signal : signals)
            {
                hasMultiplexer |= signal.multiplexer;
            }
            final List<DbcSignal> built = new ArrayList<>(signals.size());
            for (final SignalBuilder signal : signals)
            {
                if (signal.multiplexValue >= 0 && !hasMultiplexer && !independent)
                {
                    diagnostics.error(new SourcePosition(signal.line, 1), "signal " + signal.name + " of message " +
                        name + " is multiplexed (m" + signal.multiplexValue + ") but the message has no multiplexer",
                        "mark the signal that selects the variant with 'M'");
                }
                built.add(signal.build());
            }
            return new DbcMessage(id, extended, name, dlc, transmitter, built, line);
        }
    }

    private static final class SignalBuilder
    {
        String name;
        boolean multiplexer;
        int multiplexValue = -1;
        int startBit;
        int length;
        boolean littleEndian;
        boolean signed;
        double factor;
        double offset;
        double minimum;
        double maximum;
        String unit;
        final List<String> receivers = new ArrayList<>();
        DbcSignal.ValueType valueType = DbcSignal.ValueType.INTEGER;
        Map<Long, String> valueNames = Map.of();
        int line;

        int lastByte()
        {
            return CanSignalLayout.lastByte(startBit, length, littleEndian);
        }

        DbcSignal build()
        {
            return new DbcSignal(name, multiplexer, multiplexValue, startBit, length, littleEndian, signed, factor,
                offset, minimum, maximum, unit, receivers, valueType, valueNames, line);
        }
    }
}
