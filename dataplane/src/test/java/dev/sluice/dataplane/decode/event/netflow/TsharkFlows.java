package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.testing.Tshark;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs tshark's NetFlow/IPFIX dissector ({@code cflow}, on UDP port 2055) over a capture and
 * returns, per frame, the header fields and every record ("Flow N", v5: "pdu N/M" subtree) with its
 * {@code cflow.*} fields, read from PDML so that each record's fields stay apart (a
 * {@code -T fields} listing would merge the records of a frame).
 * <p>
 * Stateless; any thread.
 */
final class TsharkFlows
{
    private static final Pattern FLOW = Pattern.compile("Flow \\d+( \\(.*\\))?|pdu \\d+/\\d+");
    private static final long TIMEOUT_SECONDS = 120;

    /** One field occurrence: tshark's display value, raw bytes in hex, and size. */
    record Value(String show, String hex, int size)
    {
    }

    /** One record: its fields by name, every occurrence in order. */
    record Flow(Map<String, List<Value>> fields)
    {
        /** The only occurrence, or null when there is none or several. */
        Value single(final String name)
        {
            final List<Value> values = fields.get(name);
            return null == values || values.size() != 1 ? null : values.getFirst();
        }

        boolean has(final String name)
        {
            return fields.containsKey(name);
        }
    }

    /** One frame: header fields of the cflow layer, its records, and whether tshark flagged it. */
    record Frame(
        int number, Map<String, Value> header, List<Flow> flows, int templateRecords, boolean malformed, boolean noTemplate)
    {
    }

    private TsharkFlows()
    {
    }

    static List<Frame> dissect(final Path capture)
    {
        final List<String> command = List.of(Tshark.executable().toString(), "-n", "-r", capture.toString(),
            "-d", "udp.port==2055,cflow", "-T", "pdml");
        try
        {
            final Path output = Files.createTempFile("tshark", ".pdml");
            final Path errors = Files.createTempFile("tshark", ".err");
            try
            {
                final Process process = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    return fail("tshark did not finish within " + TIMEOUT_SECONDS + " s on " + capture);
                }
                if (process.exitValue() != 0)
                {
                    return fail("tshark failed (" + process.exitValue() + ") on " + capture + ": " + Files.readString(errors));
                }
                final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setExpandEntityReferences(false);
                final Document document = factory.newDocumentBuilder().parse(output.toFile());
                final List<Frame> frames = new ArrayList<>();
                int number = 0;
                for (Node packet = document.getDocumentElement().getFirstChild(); null != packet;
                    packet = packet.getNextSibling())
                {
                    if (packet instanceof Element element && element.getTagName().equals("packet"))
                    {
                        frames.add(frame(++number, element));
                    }
                }
                return frames;
            }
            finally
            {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        }
        catch (final Exception ex)
        {
            return fail("could not run or read tshark on " + capture + ": " + ex, ex);
        }
    }

    private static Frame frame(final int number, final Element packet)
    {
        final Map<String, Value> header = new LinkedHashMap<>();
        final List<Flow> flows = new ArrayList<>();
        boolean malformed = false;
        for (Node child = packet.getFirstChild(); null != child; child = child.getNextSibling())
        {
            if (child instanceof Element proto && proto.getTagName().equals("proto"))
            {
                final String name = proto.getAttribute("name");
                if (name.equals("_ws.malformed"))
                {
                    malformed = true;
                }
                else if (name.equals("cflow"))
                {
                    walk(proto, header, flows, null);
                }
            }
        }
        malformed |= hasExpertError(packet);
        return new Frame(number, header, flows, count(packet, "cflow.template_id"), malformed, hasNoTemplate(packet));
    }

    private static int count(final Element element, final String name)
    {
        int count = 0;
        final var fields = element.getElementsByTagName("field");
        for (int i = 0; i < fields.getLength(); i++)
        {
            count += ((Element)fields.item(i)).getAttribute("name").equals(name) ? 1 : 0;
        }
        return count;
    }

    /** True when tshark met data whose template it did not have. */
    private static boolean hasNoTemplate(final Element element)
    {
        final var fields = element.getElementsByTagName("field");
        for (int i = 0; i < fields.getLength(); i++)
        {
            final Element field = (Element)fields.item(i);
            if (field.getAttribute("show").contains("no template found"))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean hasExpertError(final Element element)
    {
        final var fields = element.getElementsByTagName("field");
        for (int i = 0; i < fields.getLength(); i++)
        {
            final Element field = (Element)fields.item(i);
            if (field.getAttribute("name").equals("_ws.expert.severity") && field.getAttribute("show").equals(Tshark.SEVERITY_ERROR))
            {
                return true;
            }
        }
        return false;
    }

    private static void walk(
        final Element parent, final Map<String, Value> header, final List<Flow> flows, final Map<String, List<Value>> flow)
    {
        for (Node child = parent.getFirstChild(); null != child; child = child.getNextSibling())
        {
            if (!(child instanceof Element field) || !field.getTagName().equals("field"))
            {
                continue;
            }
            final String name = field.getAttribute("name");
            if (name.isEmpty() && FLOW.matcher(field.getAttribute("show")).matches())
            {
                final Map<String, List<Value>> fields = new LinkedHashMap<>();
                flows.add(new Flow(fields));
                walk(field, header, flows, fields);
                continue;
            }
            if (!name.isEmpty())
            {
                final Value value = new Value(field.getAttribute("show"), field.getAttribute("value"),
                    field.getAttribute("size").isEmpty() ? 0 : Integer.parseInt(field.getAttribute("size")));
                if (null != flow)
                {
                    flow.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
                }
                else
                {
                    header.putIfAbsent(name, value);
                }
            }
            walk(field, header, flows, flow);
        }
    }
}
