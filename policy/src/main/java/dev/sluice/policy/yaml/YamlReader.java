package dev.sluice.policy.yaml;

import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads one YAML document into a tree of located {@link YamlNode}s from SnakeYAML's event
 * stream, which gives every node's exact start and end and every scalar's style.
 * <p>
 * What it reports, all through {@link Diagnostics}:
 * <ul>
 *     <li>syntax errors, at SnakeYAML's problem position (fatal: no tree is returned);</li>
 *     <li>limits from {@link YamlLimits}: size, nesting depth, and nodes after alias expansion
 *     (fatal), so that hostile input costs bounded time and memory;</li>
 *     <li>duplicate keys (the first is kept), keys that are not scalars, empty keys, explicit
 *     tags, undefined and recursive aliases, and a second document (non-fatal: the tree is
 *     returned so that the caller can go on to report its own errors too).</li>
 * </ul>
 * Aliases are resolved by sharing the anchored node, so a node may appear more than once in
 * the tree; the node limit counts every appearance.
 * <p>
 * Stateless; any thread (each call has its own state).
 */
public final class YamlReader
{
    private YamlReader()
    {
    }

    /**
     * @param text        the document.
     * @param limits      size, depth and node bounds.
     * @param diagnostics where problems go.
     * @return the root node, or null when the text holds no document or a fatal error was
     * reported (see {@link Diagnostics#hasErrors()}).
     */
    public static YamlNode read(final String text, final YamlLimits limits, final Diagnostics diagnostics)
    {
        if (text.length() > limits.maxChars())
        {
            diagnostics.error(
                SourcePosition.START,
                "document is " + text.length() + " characters long; the limit is " + limits.maxChars(),
                null);
            return null;
        }

        return new Builder(new SourceText(text), limits, diagnostics).build();
    }

    /** A mapping or sequence whose end event has not arrived yet. */
    private static final class Frame
    {
        final boolean mapping;
        final int startChar;
        final String anchor;
        final ArrayList<YamlNode> items = new ArrayList<>();
        final LinkedHashMap<String, YamlEntry> entries = new LinkedHashMap<>();
        YamlScalar pendingKey;
        boolean expectingKey = true;
        boolean skipValue;
        int weight = 1;

        Frame(final boolean mapping, final int startChar, final String anchor)
        {
            this.mapping = mapping;
            this.startChar = startChar;
            this.anchor = anchor;
        }
    }

    private static final class Builder
    {
        private final SourceText source;
        private final YamlLimits limits;
        private final Diagnostics diagnostics;
        private final ArrayList<Frame> stack = new ArrayList<>();
        private final Map<String, YamlNode> anchors = new HashMap<>();
        private final Set<String> openAnchors = new HashSet<>();
        private YamlNode root;
        private long nodeCount;
        private int documentCount;
        private int lastEventChar;
        private boolean failed;

        Builder(final SourceText source, final YamlLimits limits, final Diagnostics diagnostics)
        {
            this.source = source;
            this.limits = limits;
            this.diagnostics = diagnostics;
        }

        YamlNode build()
        {
            final LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(Math.max(limits.maxChars(), 1) * 2);
            options.setProcessComments(false);
            final StreamReader streamReader = new StreamReader(source.text());
            final ParserImpl parser = new ParserImpl(streamReader, options);

            while (true)
            {
                final Event event = nextEvent(parser, streamReader);
                if (null == event)
                {
                    return failed ? null : root;
                }
                lastEventChar = charIndex(event.getStartMark());

                switch (event.getEventId())
                {
                    case StreamStart, DocumentEnd, Comment ->
                    {
                    }
                    case StreamEnd ->
                    {
                        return root;
                    }
                    case DocumentStart ->
                    {
                        if (++documentCount > 1)
                        {
                            diagnostics.error(
                                position(event.getStartMark()),
                                "only one YAML document is allowed here; found a second one",
                                "remove the '---' line and everything after it, or split the file");
                            return root;
                        }
                    }
                    case MappingStart, SequenceStart ->
                    {
                        if (!onCollectionStart((CollectionStartEvent)event))
                        {
                            return null;
                        }
                    }
                    case MappingEnd, SequenceEnd -> onCollectionEnd(event);
                    case Scalar ->
                    {
                        if (!onScalar((ScalarEvent)event))
                        {
                            return null;
                        }
                    }
                    case Alias ->
                    {
                        if (!onAlias((AliasEvent)event))
                        {
                            return null;
                        }
                    }
                }
            }
        }

        /**
         * @return the next event, or null after reporting a syntax error.
         */
        private Event nextEvent(final ParserImpl parser, final StreamReader streamReader)
        {
            try
            {
                return parser.getEvent();
            }
            catch (final MarkedYAMLException ex)
            {
                final Mark mark = null != ex.getProblemMark() ? ex.getProblemMark() : ex.getContextMark();
                final SourcePosition at = null != mark ? position(mark) : source.positionOf(lastEventChar);
                final SourcePosition context = null == ex.getContextMark() ? null : position(ex.getContextMark());
                diagnostics.error(
                    at,
                    "invalid YAML: " + describe(ex, null == context || context.equals(at) ? null : context),
                    hintFor(ex.getProblem()));
            }
            catch (final ReaderException ex)
            {
                diagnostics.error(
                    source.positionOf(source.charIndexOfCodePoint(ex.getPosition())),
                    "invalid YAML: character U+" + String.format("%04X", ex.getCodePoint()) + " is not allowed",
                    "YAML documents may contain only printable characters, tabs and line breaks");
            }
            catch (final YAMLException ex)
            {
                diagnostics.error(scanPosition(streamReader), "invalid YAML: " + ex.getMessage(), null);
            }
            catch (final RuntimeException ex)
            {
                // SnakeYAML lets some malformed input escape as a plain runtime exception, e.g. a
                // truncated unicode escape at the end of the text throws NumberFormatException.
                diagnostics.error(
                    scanPosition(streamReader),
                    "invalid YAML: cannot read the text here (" + ex.getClass().getSimpleName() + ")",
                    "check for an unfinished escape sequence, quote or bracket");
            }
            failed = true;
            return null;
        }

        private SourcePosition scanPosition(final StreamReader streamReader)
        {
            return source.positionOf(Math.max(lastEventChar, source.charIndexOfCodePoint(streamReader.getIndex())));
        }

        private boolean onCollectionStart(final CollectionStartEvent event)
        {
            final int start = charIndex(event.getStartMark());
            if (stack.size() >= limits.maxDepth())
            {
                diagnostics.error(
                    source.positionOf(start),
                    "nesting is deeper than " + limits.maxDepth() + " levels",
                    null);
                return false;
            }
            if (!countNodes(1, start))
            {
                return false;
            }
            rejectTag(event.getTag(), start);

            final String anchor = event.getAnchor();
            if (null != anchor)
            {
                openAnchors.add(anchor);
            }
            stack.add(new Frame(event.getEventId() == Event.ID.MappingStart, start, anchor));

            return true;
        }

        private void onCollectionEnd(final Event event)
        {
            if (stack.isEmpty())
            {
                return;
            }

            final Frame frame = stack.removeLast();
            final int end = Math.max(frame.startChar, charIndex(event.getEndMark()));
            final YamlNode node;
            if (frame.mapping)
            {
                if (!frame.expectingKey && !frame.skipValue && null != frame.pendingKey)
                {
                    // A key with no value event cannot happen in well-formed streams; keep the tree consistent anyway.
                    frame.entries.putIfAbsent(
                        frame.pendingKey.value(),
                        new YamlEntry(frame.pendingKey, new YamlScalar(source, end, end, "", YamlScalarStyle.PLAIN)));
                }
                node = new YamlMapping(source, frame.startChar, end, frame.weight, frame.entries);
            }
            else
            {
                node = new YamlSequence(source, frame.startChar, end, frame.weight, frame.items);
            }

            if (null != frame.anchor)
            {
                openAnchors.remove(frame.anchor);
                anchors.put(frame.anchor, node);
            }
            addToParent(node);
        }

        private boolean onScalar(final ScalarEvent event)
        {
            final int start = charIndex(event.getStartMark());
            final int end = Math.max(start, charIndex(event.getEndMark()));
            if (!countNodes(1, start))
            {
                return false;
            }
            rejectTag(event.getTag(), start);

            final YamlScalar node = new YamlScalar(source, start, end, event.getValue(), style(event.getScalarStyle()));
            if (null != event.getAnchor())
            {
                anchors.put(event.getAnchor(), node);
            }
            addToParent(node);

            return true;
        }

        private boolean onAlias(final AliasEvent event)
        {
            final int start = charIndex(event.getStartMark());
            final String anchor = ((NodeEvent)event).getAnchor();
            final YamlNode target = anchors.get(anchor);
            if (null == target)
            {
                if (openAnchors.contains(anchor))
                {
                    diagnostics.error(source.positionOf(start), "alias *" + anchor + " refers to a node that contains it", null);
                }
                else
                {
                    diagnostics.error(source.positionOf(start), "alias *" + anchor + " has no anchor &" + anchor + " before it", null);
                }
                addToParent(new YamlScalar(source, start, Math.max(start, charIndex(event.getEndMark())), "", YamlScalarStyle.PLAIN));
                return true;
            }

            if (!countNodes(target.weight, start))
            {
                return false;
            }
            addToParent(target);

            return true;
        }

        private boolean countNodes(final int count, final int atChar)
        {
            nodeCount += count;
            for (final Frame frame : stack)
            {
                frame.weight = (int)Math.min(Integer.MAX_VALUE, (long)frame.weight + count);
            }
            if (nodeCount > limits.maxNodes())
            {
                diagnostics.error(
                    source.positionOf(atChar),
                    "document has more than " + limits.maxNodes() + " nodes (aliases count once per use)",
                    null);
                return false;
            }

            return true;
        }

        private void addToParent(final YamlNode node)
        {
            if (stack.isEmpty())
            {
                if (null == root)
                {
                    root = node;
                }
                return;
            }

            final Frame parent = stack.getLast();
            if (!parent.mapping)
            {
                parent.items.add(node);
                return;
            }

            if (parent.expectingKey)
            {
                parent.expectingKey = false;
                parent.skipValue = false;
                parent.pendingKey = null;
                if (node instanceof YamlScalar key)
                {
                    if (key.isPlain() && key.value().isEmpty())
                    {
                        diagnostics.error(key.position(), "empty key", null);
                        parent.skipValue = true;
                    }
                    else
                    {
                        final YamlEntry first = parent.entries.get(key.value());
                        if (null != first)
                        {
                            diagnostics.error(
                                key.position(),
                                "duplicate key '" + key.value() + "' (first at " + first.key().position() + ")",
                                "YAML keys must be unique within a mapping; remove or merge one of them");
                            parent.skipValue = true;
                        }
                        else
                        {
                            parent.pendingKey = key;
                        }
                    }
                }
                else
                {
                    diagnostics.error(node.position(), "mapping keys must be scalars, found " + node.describe(), null);
                    parent.skipValue = true;
                }
                return;
            }

            parent.expectingKey = true;
            if (!parent.skipValue && null != parent.pendingKey)
            {
                parent.entries.put(parent.pendingKey.value(), new YamlEntry(parent.pendingKey, node));
            }
            parent.pendingKey = null;
            parent.skipValue = false;
        }

        private void rejectTag(final String tag, final int atChar)
        {
            // SnakeYAML leaves the tag null unless the document wrote one explicitly.
            if (null != tag)
            {
                diagnostics.error(
                    source.positionOf(atChar),
                    "YAML tags (" + tag + ") are not supported",
                    "remove the tag; values are typed by where they appear");
            }
        }

        private int charIndex(final Mark mark)
        {
            return null == mark ? lastEventChar : source.charIndexOfCodePoint(mark.getIndex());
        }

        private SourcePosition position(final Mark mark)
        {
            return source.positionOf(charIndex(mark));
        }

        private static YamlScalarStyle style(final DumperOptions.ScalarStyle style)
        {
            return switch (style)
            {
                case SINGLE_QUOTED -> YamlScalarStyle.SINGLE_QUOTED;
                case DOUBLE_QUOTED -> YamlScalarStyle.DOUBLE_QUOTED;
                case LITERAL -> YamlScalarStyle.LITERAL;
                case FOLDED -> YamlScalarStyle.FOLDED;
                default -> YamlScalarStyle.PLAIN;
            };
        }

        private static String describe(final MarkedYAMLException ex, final SourcePosition contextPosition)
        {
            final String problem = null == ex.getProblem() ? "syntax error" : ex.getProblem().strip();
            final String context = ex.getContext();
            if (null == context)
            {
                return problem;
            }
            return problem + " (" + context.strip() + (null == contextPosition ? "" : " at " + contextPosition) + ")";
        }

        private static String hintFor(final String problem)
        {
            if (null == problem)
            {
                return null;
            }
            if (problem.contains("\\t"))
            {
                return "indent with spaces; YAML does not allow tabs for indentation";
            }
            if (problem.contains("mapping values are not allowed"))
            {
                return "a value containing ': ' must be quoted, or the indentation is off";
            }
            if (problem.contains("end of stream") || problem.contains("<stream end>"))
            {
                return "a bracket, brace or quote is not closed";
            }

            return null;
        }
    }
}
