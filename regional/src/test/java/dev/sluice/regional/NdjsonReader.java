package dev.sluice.regional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a regional core's NDJSON output back for tests: one {@link JsonNode} per line, strictly
 * (every line must be exactly one JSON object, duplicate keys are an error, the file must end in
 * a newline).
 * <p>
 * Any thread; one instance per thread.
 */
final class NdjsonReader
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private NdjsonReader()
    {
    }

    static List<JsonNode> read(final Path file)
    {
        try
        {
            if (!Files.exists(file))
            {
                return List.of();
            }

            final String text = Files.readString(file, StandardCharsets.UTF_8);
            return parse(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static List<JsonNode> parse(final String text)
    {
        final List<JsonNode> records = new ArrayList<>();
        if (text.isEmpty())
        {
            return records;
        }
        if (!text.endsWith("\n"))
        {
            throw new IllegalStateException("NDJSON does not end with a newline: ..." +
                text.substring(Math.max(0, text.length() - 80)));
        }

        for (final String line : text.split("\n", -1))
        {
            if (line.isEmpty())
            {
                continue;
            }

            try
            {
                final JsonNode node = MAPPER.readTree(line);
                if (null == node || !node.isObject())
                {
                    throw new IllegalStateException("line is not a JSON object: " + line);
                }
                records.add(node);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("line is not valid JSON: " + line, ex);
            }
        }

        return records;
    }
}
