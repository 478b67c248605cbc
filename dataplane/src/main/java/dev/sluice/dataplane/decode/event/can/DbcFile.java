package dev.sluice.dataplane.decode.event.can;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Vector DBC file as far as decoding needs it: the messages ({@code BO_}), their signals
 * ({@code SG_}, multiplexing included), value descriptions ({@code VAL_}) and IEEE signal types
 * ({@code SIG_VALTYPE_}). Comments, attributes and the other sections are read past.
 * <p>
 * Users supply these files, so every problem is reported at load time with file:line:column and a
 * hint ({@link DbcFormatException}). Compile the result with {@link CanDatabase#compile} for the
 * data path. Immutable; any thread. Loading allocates and is meant for startup, not the data path.
 */
public final class DbcFile
{
    private final String sourceName;
    private final String version;
    private final List<String> nodes;
    private final List<DbcMessage> messages;

    DbcFile(final String sourceName, final String version, final List<String> nodes, final List<DbcMessage> messages)
    {
        this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
        this.version = Objects.requireNonNull(version, "version");
        this.nodes = List.copyOf(nodes);
        this.messages = List.copyOf(messages);
    }

    /**
     * Reads a DBC file (UTF-8; bytes that are not UTF-8, as in files saved as Windows-1252, only
     * matter inside comments and strings, where they are kept as replacement characters).
     *
     * @param file the DBC file.
     * @return the file's messages.
     * @throws IOException          when the file cannot be read.
     * @throws DbcFormatException   listing every problem as {@code file:line:column: error: ...}.
     */
    public static DbcFile load(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * @param sourceName the name diagnostics give the document (a file name).
     * @param text       the DBC text.
     * @return the document's messages.
     * @throws DbcFormatException listing every problem as {@code source:line:column: error: ...}.
     */
    public static DbcFile parse(final String sourceName, final String text)
    {
        return new DbcReader(sourceName, text).read();
    }

    /**
     * @return the name the document was loaded under.
     */
    public String sourceName()
    {
        return sourceName;
    }

    /**
     * @return the {@code VERSION} string, empty when none.
     */
    public String version()
    {
        return version;
    }

    /**
     * @return the nodes of {@code BU_}.
     */
    public List<String> nodes()
    {
        return nodes;
    }

    /**
     * @return the messages in file order (the {@code VECTOR__INDEPENDENT_SIG_MSG} placeholder left out).
     */
    public List<DbcMessage> messages()
    {
        return messages;
    }

    /**
     * @param id       a CAN identifier.
     * @param extended true for a 29-bit identifier.
     * @return the message, or null.
     */
    public DbcMessage message(final int id, final boolean extended)
    {
        for (final DbcMessage message : messages)
        {
            if (message.id() == id && message.extended() == extended)
            {
                return message;
            }
        }
        return null;
    }

    /**
     * @param name a message name.
     * @return the message, or null.
     */
    public DbcMessage message(final String name)
    {
        for (final DbcMessage message : messages)
        {
            if (message.name().equals(name))
            {
                return message;
            }
        }
        return null;
    }
}
