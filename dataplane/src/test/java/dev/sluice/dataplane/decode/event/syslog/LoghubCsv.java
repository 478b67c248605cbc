package dev.sluice.dataplane.decode.event.syslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads loghub's {@code *_structured.csv} (RFC 4180 quoting), header skipped; test thread only.
 */
final class LoghubCsv
{
    private LoghubCsv()
    {
    }

    static List<String[]> read(final Path file) throws IOException
    {
        final String content = Files.readString(file, StandardCharsets.UTF_8);
        final List<String[]> rows = new ArrayList<>();
        final List<String> row = new ArrayList<>();
        final StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < content.length(); i++)
        {
            final char c = content.charAt(i);
            if (quoted)
            {
                if (c == '"' && i + 1 < content.length() && content.charAt(i + 1) == '"')
                {
                    cell.append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.add(cell.toString());
                cell.setLength(0);
            }
            else if (c == '\n')
            {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row.toArray(new String[0]));
                row.clear();
            }
            else if (c != '\r')
            {
                cell.append(c);
            }
        }
        if (!row.isEmpty() || cell.length() > 0)
        {
            row.add(cell.toString());
            rows.add(row.toArray(new String[0]));
        }
        return rows.subList(1, rows.size());
    }
}
