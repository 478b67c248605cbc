package dev.sluice.regional.sink;

import org.agrona.BitUtil;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.sluice.regional.SystemProperties.durationProperty;
import static dev.sluice.regional.SystemProperties.intProperty;
import static dev.sluice.regional.SystemProperties.sizeProperty;

/**
 * Settings of a {@link KafkaSink}. Each setting has a fluent setter {@code foo(x)} and getter
 * {@code foo()}, and a system property {@code FOO_PROP_NAME} read by {@link #conclude()} when the
 * setter was not called, falling back to {@code FOO_DEFAULT}. {@link #conclude()} validates every
 * setting and reports all problems at once.
 * <p>
 * The producer is always idempotent with {@code acks=all}, so that its own retries neither lose,
 * duplicate nor reorder a stream's records; those two and the serializers cannot be overridden.
 * Anything else a deployment needs (TLS, SASL) goes through {@link #producerProperty}.
 * <p>
 * Not thread safe: configure and conclude on one thread, then hand it to the sink.
 */
public final class KafkaSinkConfig
{
    /**
     * Kafka brokers to bootstrap from, {@code host:port[,host:port...]}. Required; a regional
     * core runs no Kafka sink while it is unset.
     */
    public static final String BOOTSTRAP_SERVERS_PROP_NAME = "sluice.regional.kafka.bootstrap.servers";

    /**
     * Prefix of the topic names: records go to {@code <prefix>.<kind>} ({@link DataKind#topicSuffix()}).
     */
    public static final String TOPIC_PREFIX_PROP_NAME = "sluice.regional.kafka.topic.prefix";

    /**
     * Default topic prefix.
     */
    public static final String TOPIC_PREFIX_DEFAULT = "sluice";

    /**
     * Producer {@code linger.ms}, as a duration such as {@code 5ms}.
     */
    public static final String LINGER_PROP_NAME = "sluice.regional.kafka.linger";

    /**
     * Default linger in nanoseconds: a few milliseconds fill batches without holding records long.
     */
    public static final long LINGER_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(5);

    /**
     * Producer {@code batch.size}, as a size such as {@code 64k}.
     */
    public static final String BATCH_SIZE_PROP_NAME = "sluice.regional.kafka.batch.size";

    /**
     * Default batch size in bytes (Kafka's own is 16 KiB; NDJSON lines are some hundred bytes).
     */
    public static final int BATCH_SIZE_DEFAULT = 64 * 1024;

    /**
     * Producer {@code max.in.flight.requests.per.connection}: 1 to 5, the most an idempotent
     * producer keeps in order.
     */
    public static final String MAX_IN_FLIGHT_REQUESTS_PROP_NAME = "sluice.regional.kafka.max.in.flight.requests";

    /**
     * Default requests in flight per connection.
     */
    public static final int MAX_IN_FLIGHT_REQUESTS_DEFAULT = 5;

    /**
     * Most records handed to the producer and not yet acknowledged, a power of two.
     */
    public static final String MAX_IN_FLIGHT_RECORDS_PROP_NAME = "sluice.regional.kafka.max.in.flight.records";

    /**
     * Default records in flight.
     */
    public static final int MAX_IN_FLIGHT_RECORDS_DEFAULT = 16 * 1024;

    /**
     * Bytes of records the sink holds until Kafka acknowledges them, a power of two such as
     * {@code 16m}: once full, {@link KafkaSink#offerBatch} refuses batches.
     */
    public static final String BUFFER_LENGTH_PROP_NAME = "sluice.regional.kafka.buffer.length";

    /**
     * Default buffer length in bytes.
     */
    public static final int BUFFER_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /**
     * Shortest wait before records that failed are sent again, as a duration.
     */
    public static final String RETRY_BACKOFF_MIN_PROP_NAME = "sluice.regional.kafka.retry.backoff.min";

    /**
     * Default shortest retry backoff in nanoseconds.
     */
    public static final long RETRY_BACKOFF_MIN_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Longest wait before records that failed are sent again, as a duration; the wait doubles
     * from the shortest up to this, with jitter.
     */
    public static final String RETRY_BACKOFF_MAX_PROP_NAME = "sluice.regional.kafka.retry.backoff.max";

    /**
     * Default longest retry backoff in nanoseconds.
     */
    public static final long RETRY_BACKOFF_MAX_NS_DEFAULT = TimeUnit.SECONDS.toNanos(10);

    /**
     * Producer {@code delivery.timeout.ms}: how long the producer retries a record by itself
     * (keeping order and idempotence) before it reports a failure and the sink's own backoff takes
     * over, as a duration.
     */
    public static final String DELIVERY_TIMEOUT_PROP_NAME = "sluice.regional.kafka.delivery.timeout";

    /**
     * Default delivery timeout in nanoseconds (Kafka's own).
     */
    public static final long DELIVERY_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(120);

    /**
     * Producer {@code request.timeout.ms}, as a duration.
     */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "sluice.regional.kafka.request.timeout";

    /**
     * Default request timeout in nanoseconds (Kafka's own).
     */
    public static final long REQUEST_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(30);

    /**
     * Producer {@code max.block.ms}: how long a send may wait for a topic's metadata, as a
     * duration. Only the sink's own thread ever waits.
     */
    public static final String MAX_BLOCK_PROP_NAME = "sluice.regional.kafka.max.block";

    /**
     * Default longest block in nanoseconds.
     */
    public static final long MAX_BLOCK_NS_DEFAULT = TimeUnit.SECONDS.toNanos(1);

    /**
     * Producer {@code max.request.size}, which also caps one record, as a size.
     */
    public static final String MAX_REQUEST_SIZE_PROP_NAME = "sluice.regional.kafka.max.request.size";

    /**
     * Default largest request in bytes (Kafka's own).
     */
    public static final int MAX_REQUEST_SIZE_DEFAULT = 1024 * 1024;

    /**
     * Producer {@code compression.type}: none, gzip, snappy, lz4 or zstd.
     */
    public static final String COMPRESSION_PROP_NAME = "sluice.regional.kafka.compression";

    /**
     * Default compression.
     */
    public static final String COMPRESSION_DEFAULT = "none";

    /**
     * How long closing the sink waits for records in flight to be acknowledged, as a duration.
     */
    public static final String CLOSE_TIMEOUT_PROP_NAME = "sluice.regional.kafka.close.timeout";

    /**
     * Default close timeout in nanoseconds.
     */
    public static final long CLOSE_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);

    /**
     * Default name of the sink.
     */
    public static final String NAME_DEFAULT = "kafka";

    private static final Pattern TOPIC_PREFIX_PATTERN = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int TOPIC_NAME_MAX_LENGTH = 249;
    private static final Set<String> PINNED_PRODUCER_PROPERTIES = Set.of(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        ProducerConfig.ACKS_CONFIG,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    private boolean isConcluded;
    private String name;
    private String bootstrapServers;
    private String topicPrefix;
    private Long lingerNs;
    private Integer batchSize;
    private Integer maxInFlightRequests;
    private Integer maxInFlightRecords;
    private Integer bufferLength;
    private Long retryBackoffMinNs;
    private Long retryBackoffMaxNs;
    private Long deliveryTimeoutNs;
    private Long requestTimeoutNs;
    private Long maxBlockNs;
    private Integer maxRequestSize;
    private String compression;
    private Long closeTimeoutNs;
    private final Map<String, String> producerProperties = new LinkedHashMap<>();

    /**
     * Applies system properties and defaults to unset settings and validates all settings.
     *
     * @return this.
     * @throws IllegalArgumentException listing every invalid setting.
     * @throws IllegalStateException    if already concluded.
     */
    public KafkaSinkConfig conclude()
    {
        if (isConcluded)
        {
            throw new IllegalStateException("KafkaSinkConfig already concluded");
        }

        final List<String> errors = new ArrayList<>();
        if (null == name)
        {
            name = NAME_DEFAULT;
        }
        if (null == bootstrapServers)
        {
            bootstrapServers = System.getProperty(BOOTSTRAP_SERVERS_PROP_NAME);
        }
        if (null == bootstrapServers || bootstrapServers.isBlank())
        {
            errors.add("bootstrapServers is required (-D" + BOOTSTRAP_SERVERS_PROP_NAME + "=host:9092)");
        }

        if (null == topicPrefix)
        {
            topicPrefix = System.getProperty(TOPIC_PREFIX_PROP_NAME, TOPIC_PREFIX_DEFAULT);
        }
        if (!TOPIC_PREFIX_PATTERN.matcher(topicPrefix).matches() ||
            topicPrefix.length() + 1 + longestTopicSuffix() > TOPIC_NAME_MAX_LENGTH)
        {
            errors.add("topicPrefix must be 1 or more of [a-zA-Z0-9._-], short enough for topic names of at most " +
                TOPIC_NAME_MAX_LENGTH + " characters, was '" + topicPrefix + "'");
        }

        if (null == lingerNs)
        {
            lingerNs = durationProperty(LINGER_PROP_NAME, LINGER_NS_DEFAULT, errors);
        }
        if (lingerNs < 0)
        {
            errors.add("linger must be >= 0, was " + lingerNs + "ns");
        }

        if (null == batchSize)
        {
            batchSize = sizeProperty(BATCH_SIZE_PROP_NAME, BATCH_SIZE_DEFAULT, errors);
        }
        if (batchSize < 1)
        {
            errors.add("batchSize must be >= 1, was " + batchSize);
        }

        if (null == maxInFlightRequests)
        {
            maxInFlightRequests = intProperty(MAX_IN_FLIGHT_REQUESTS_PROP_NAME, MAX_IN_FLIGHT_REQUESTS_DEFAULT, errors);
        }
        if (maxInFlightRequests < 1 || maxInFlightRequests > 5)
        {
            errors.add("maxInFlightRequests must be 1 to 5 (an idempotent producer keeps order for at most 5), was " +
                maxInFlightRequests);
        }

        if (null == maxInFlightRecords)
        {
            maxInFlightRecords = intProperty(MAX_IN_FLIGHT_RECORDS_PROP_NAME, MAX_IN_FLIGHT_RECORDS_DEFAULT, errors);
        }
        if (maxInFlightRecords < 1 || !BitUtil.isPowerOfTwo(maxInFlightRecords))
        {
            errors.add("maxInFlightRecords must be a power of two, was " + maxInFlightRecords);
        }

        if (null == bufferLength)
        {
            bufferLength = sizeProperty(BUFFER_LENGTH_PROP_NAME, BUFFER_LENGTH_DEFAULT, errors);
        }
        if (bufferLength < RecordRing.MIN_CAPACITY || !BitUtil.isPowerOfTwo(bufferLength))
        {
            errors.add("bufferLength must be a power of two of at least " + RecordRing.MIN_CAPACITY + " bytes, was " +
                bufferLength);
        }

        if (null == retryBackoffMinNs)
        {
            retryBackoffMinNs = durationProperty(RETRY_BACKOFF_MIN_PROP_NAME, RETRY_BACKOFF_MIN_NS_DEFAULT, errors);
        }
        if (null == retryBackoffMaxNs)
        {
            retryBackoffMaxNs = durationProperty(RETRY_BACKOFF_MAX_PROP_NAME, RETRY_BACKOFF_MAX_NS_DEFAULT, errors);
        }
        if (retryBackoffMinNs < TimeUnit.MILLISECONDS.toNanos(1) || retryBackoffMaxNs < retryBackoffMinNs)
        {
            errors.add("retry backoff must be at least 1ms and min <= max, was min " + retryBackoffMinNs + "ns, max " +
                retryBackoffMaxNs + "ns");
        }

        if (null == deliveryTimeoutNs)
        {
            deliveryTimeoutNs = durationProperty(DELIVERY_TIMEOUT_PROP_NAME, DELIVERY_TIMEOUT_NS_DEFAULT, errors);
        }
        if (null == requestTimeoutNs)
        {
            requestTimeoutNs = durationProperty(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_NS_DEFAULT, errors);
        }
        if (requestTimeoutNs < TimeUnit.MILLISECONDS.toNanos(1))
        {
            errors.add("requestTimeout must be at least 1ms, was " + requestTimeoutNs + "ns");
        }
        if (toMillis(deliveryTimeoutNs) < toMillis(lingerNs) + toMillis(requestTimeoutNs))
        {
            errors.add("deliveryTimeout must be at least linger + requestTimeout (Kafka requires it), was " +
                deliveryTimeoutNs + "ns");
        }

        if (null == maxBlockNs)
        {
            maxBlockNs = durationProperty(MAX_BLOCK_PROP_NAME, MAX_BLOCK_NS_DEFAULT, errors);
        }
        if (maxBlockNs < 0)
        {
            errors.add("maxBlock must be >= 0, was " + maxBlockNs + "ns");
        }

        if (null == maxRequestSize)
        {
            maxRequestSize = sizeProperty(MAX_REQUEST_SIZE_PROP_NAME, MAX_REQUEST_SIZE_DEFAULT, errors);
        }
        if (maxRequestSize < 1024)
        {
            errors.add("maxRequestSize must be at least 1024 bytes, was " + maxRequestSize);
        }

        if (null == compression)
        {
            compression = System.getProperty(COMPRESSION_PROP_NAME, COMPRESSION_DEFAULT);
        }
        try
        {
            CompressionType.forName(compression);
        }
        catch (final IllegalArgumentException ex)
        {
            errors.add("compression must be none, gzip, snappy, lz4 or zstd, was '" + compression + "'");
        }

        if (null == closeTimeoutNs)
        {
            closeTimeoutNs = durationProperty(CLOSE_TIMEOUT_PROP_NAME, CLOSE_TIMEOUT_NS_DEFAULT, errors);
        }
        if (closeTimeoutNs < 0)
        {
            errors.add("closeTimeout must be >= 0, was " + closeTimeoutNs + "ns");
        }

        for (final String key : producerProperties.keySet())
        {
            if (PINNED_PRODUCER_PROPERTIES.contains(key))
            {
                errors.add("producer property " + key + " is fixed by the sink (idempotent, acks=all, byte arrays)");
            }
        }

        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException(
                "invalid Kafka sink settings:" + System.lineSeparator() + "  " +
                String.join(System.lineSeparator() + "  ", errors));
        }

        isConcluded = true;

        return this;
    }

    /**
     * Has {@link #conclude()} completed?
     *
     * @return true once concluded.
     */
    public boolean isConcluded()
    {
        return isConcluded;
    }

    /**
     * Is a Kafka sink asked for by system property? A core adds one only then.
     *
     * @return true when {@link #BOOTSTRAP_SERVERS_PROP_NAME} is set.
     */
    public static boolean isRequestedBySystemProperty()
    {
        final String servers = System.getProperty(BOOTSTRAP_SERVERS_PROP_NAME);
        return null != servers && !servers.isBlank();
    }

    /**
     * The producer's properties: the sink's fixed ones, these settings, then the extra ones.
     *
     * @return a new properties object.
     */
    Properties producerProperties()
    {
        final Properties properties = new Properties();
        properties.putAll(producerProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sluice-" + name);
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(maxInFlightRequests));
        properties.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(toMillis(lingerNs)));
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(toMillis(deliveryTimeoutNs)));
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(toMillis(requestTimeoutNs)));
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(toMillis(maxBlockNs)));
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestSize));
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        // Everything the sink holds may sit in the producer at once: never let a send wait for memory.
        properties.put(
            ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L * 1024 * 1024, 2L * bufferLength)));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        return properties;
    }

    /**
     * The properties of the consumer that reads back what Kafka holds of the sink's records
     * ({@link HeldOrigins}): the servers, and the extra properties that say how to connect
     * ({@code security.*}, {@code sasl.*}, {@code ssl.*}, {@code client.dns.lookup}).
     *
     * @return a new properties object.
     */
    Properties consumerProperties()
    {
        final Properties properties = new Properties();
        for (final Map.Entry<String, String> entry : producerProperties.entrySet())
        {
            final String key = entry.getKey();
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.") ||
                key.equals(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG))
            {
                properties.put(key, entry.getValue());
            }
        }
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-" + name() + "-read-back");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(toMillis(requestTimeoutNs())));
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        return properties;
    }

    /**
     * Name of the sink in counters, messages and the producer's client id.
     *
     * @param name e.g. {@code kafka}.
     * @return this.
     */
    public KafkaSinkConfig name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * @return name of the sink, {@link #NAME_DEFAULT} when unset.
     */
    public String name()
    {
        return null == name ? NAME_DEFAULT : name;
    }

    /**
     * Brokers to bootstrap from.
     *
     * @param bootstrapServers {@code host:port[,host:port...]}.
     * @return this.
     * @see #BOOTSTRAP_SERVERS_PROP_NAME
     */
    public KafkaSinkConfig bootstrapServers(final String bootstrapServers)
    {
        this.bootstrapServers = bootstrapServers;
        return this;
    }

    /**
     * @return brokers to bootstrap from, null until set or concluded.
     */
    public String bootstrapServers()
    {
        return bootstrapServers;
    }

    /**
     * Prefix of the topic names.
     *
     * @param topicPrefix e.g. {@code sluice.eu-west}.
     * @return this.
     * @see #TOPIC_PREFIX_PROP_NAME
     */
    public KafkaSinkConfig topicPrefix(final String topicPrefix)
    {
        this.topicPrefix = topicPrefix;
        return this;
    }

    /**
     * @return prefix of the topic names, {@link #TOPIC_PREFIX_DEFAULT} when unset.
     */
    public String topicPrefix()
    {
        return null == topicPrefix ? TOPIC_PREFIX_DEFAULT : topicPrefix;
    }

    /**
     * The topic a kind of record goes to.
     *
     * @param kind the kind.
     * @return {@code <topicPrefix>.<kind suffix>}.
     */
    public String topic(final DataKind kind)
    {
        return kind.topic(topicPrefix());
    }

    /**
     * Producer linger.
     *
     * @param lingerNs nanoseconds, rounded down to milliseconds.
     * @return this.
     * @see #LINGER_PROP_NAME
     */
    public KafkaSinkConfig lingerNs(final long lingerNs)
    {
        this.lingerNs = lingerNs;
        return this;
    }

    /**
     * @return producer linger in nanoseconds, {@link #LINGER_NS_DEFAULT} when unset.
     */
    public long lingerNs()
    {
        return null == lingerNs ? LINGER_NS_DEFAULT : lingerNs;
    }

    /**
     * Producer batch size.
     *
     * @param batchSize bytes.
     * @return this.
     * @see #BATCH_SIZE_PROP_NAME
     */
    public KafkaSinkConfig batchSize(final int batchSize)
    {
        this.batchSize = batchSize;
        return this;
    }

    /**
     * @return producer batch size in bytes, {@link #BATCH_SIZE_DEFAULT} when unset.
     */
    public int batchSize()
    {
        return null == batchSize ? BATCH_SIZE_DEFAULT : batchSize;
    }

    /**
     * Requests in flight per connection.
     *
     * @param maxInFlightRequests 1 to 5.
     * @return this.
     * @see #MAX_IN_FLIGHT_REQUESTS_PROP_NAME
     */
    public KafkaSinkConfig maxInFlightRequests(final int maxInFlightRequests)
    {
        this.maxInFlightRequests = maxInFlightRequests;
        return this;
    }

    /**
     * @return requests in flight per connection, {@link #MAX_IN_FLIGHT_REQUESTS_DEFAULT} when unset.
     */
    public int maxInFlightRequests()
    {
        return null == maxInFlightRequests ? MAX_IN_FLIGHT_REQUESTS_DEFAULT : maxInFlightRequests;
    }

    /**
     * Most records handed to the producer and not yet acknowledged.
     *
     * @param maxInFlightRecords a power of two.
     * @return this.
     * @see #MAX_IN_FLIGHT_RECORDS_PROP_NAME
     */
    public KafkaSinkConfig maxInFlightRecords(final int maxInFlightRecords)
    {
        this.maxInFlightRecords = maxInFlightRecords;
        return this;
    }

    /**
     * @return most records in flight, {@link #MAX_IN_FLIGHT_RECORDS_DEFAULT} when unset.
     */
    public int maxInFlightRecords()
    {
        return null == maxInFlightRecords ? MAX_IN_FLIGHT_RECORDS_DEFAULT : maxInFlightRecords;
    }

    /**
     * Bytes of records held until acknowledged; the bound past which offers are refused.
     *
     * @param bufferLength a power of two of at least 4096.
     * @return this.
     * @see #BUFFER_LENGTH_PROP_NAME
     */
    public KafkaSinkConfig bufferLength(final int bufferLength)
    {
        this.bufferLength = bufferLength;
        return this;
    }

    /**
     * @return bytes held until acknowledged, {@link #BUFFER_LENGTH_DEFAULT} when unset.
     */
    public int bufferLength()
    {
        return null == bufferLength ? BUFFER_LENGTH_DEFAULT : bufferLength;
    }

    /**
     * Shortest wait before failed records are sent again.
     *
     * @param retryBackoffMinNs nanoseconds, at least 1 ms.
     * @return this.
     * @see #RETRY_BACKOFF_MIN_PROP_NAME
     */
    public KafkaSinkConfig retryBackoffMinNs(final long retryBackoffMinNs)
    {
        this.retryBackoffMinNs = retryBackoffMinNs;
        return this;
    }

    /**
     * @return shortest retry backoff in nanoseconds, {@link #RETRY_BACKOFF_MIN_NS_DEFAULT} when unset.
     */
    public long retryBackoffMinNs()
    {
        return null == retryBackoffMinNs ? RETRY_BACKOFF_MIN_NS_DEFAULT : retryBackoffMinNs;
    }

    /**
     * Longest wait before failed records are sent again.
     *
     * @param retryBackoffMaxNs nanoseconds, at least the shortest.
     * @return this.
     * @see #RETRY_BACKOFF_MAX_PROP_NAME
     */
    public KafkaSinkConfig retryBackoffMaxNs(final long retryBackoffMaxNs)
    {
        this.retryBackoffMaxNs = retryBackoffMaxNs;
        return this;
    }

    /**
     * @return longest retry backoff in nanoseconds, {@link #RETRY_BACKOFF_MAX_NS_DEFAULT} when unset.
     */
    public long retryBackoffMaxNs()
    {
        return null == retryBackoffMaxNs ? RETRY_BACKOFF_MAX_NS_DEFAULT : retryBackoffMaxNs;
    }

    /**
     * How long the producer retries a record by itself.
     *
     * @param deliveryTimeoutNs nanoseconds, at least linger plus the request timeout.
     * @return this.
     * @see #DELIVERY_TIMEOUT_PROP_NAME
     */
    public KafkaSinkConfig deliveryTimeoutNs(final long deliveryTimeoutNs)
    {
        this.deliveryTimeoutNs = deliveryTimeoutNs;
        return this;
    }

    /**
     * @return delivery timeout in nanoseconds, {@link #DELIVERY_TIMEOUT_NS_DEFAULT} when unset.
     */
    public long deliveryTimeoutNs()
    {
        return null == deliveryTimeoutNs ? DELIVERY_TIMEOUT_NS_DEFAULT : deliveryTimeoutNs;
    }

    /**
     * Producer request timeout.
     *
     * @param requestTimeoutNs nanoseconds.
     * @return this.
     * @see #REQUEST_TIMEOUT_PROP_NAME
     */
    public KafkaSinkConfig requestTimeoutNs(final long requestTimeoutNs)
    {
        this.requestTimeoutNs = requestTimeoutNs;
        return this;
    }

    /**
     * @return request timeout in nanoseconds, {@link #REQUEST_TIMEOUT_NS_DEFAULT} when unset.
     */
    public long requestTimeoutNs()
    {
        return null == requestTimeoutNs ? REQUEST_TIMEOUT_NS_DEFAULT : requestTimeoutNs;
    }

    /**
     * How long a send may wait for metadata on the sink's thread.
     *
     * @param maxBlockNs nanoseconds.
     * @return this.
     * @see #MAX_BLOCK_PROP_NAME
     */
    public KafkaSinkConfig maxBlockNs(final long maxBlockNs)
    {
        this.maxBlockNs = maxBlockNs;
        return this;
    }

    /**
     * @return longest block in nanoseconds, {@link #MAX_BLOCK_NS_DEFAULT} when unset.
     */
    public long maxBlockNs()
    {
        return null == maxBlockNs ? MAX_BLOCK_NS_DEFAULT : maxBlockNs;
    }

    /**
     * Largest request, and so largest record, the producer sends.
     *
     * @param maxRequestSize bytes.
     * @return this.
     * @see #MAX_REQUEST_SIZE_PROP_NAME
     */
    public KafkaSinkConfig maxRequestSize(final int maxRequestSize)
    {
        this.maxRequestSize = maxRequestSize;
        return this;
    }

    /**
     * @return largest request in bytes, {@link #MAX_REQUEST_SIZE_DEFAULT} when unset.
     */
    public int maxRequestSize()
    {
        return null == maxRequestSize ? MAX_REQUEST_SIZE_DEFAULT : maxRequestSize;
    }

    /**
     * Producer compression.
     *
     * @param compression none, gzip, snappy, lz4 or zstd.
     * @return this.
     * @see #COMPRESSION_PROP_NAME
     */
    public KafkaSinkConfig compression(final String compression)
    {
        this.compression = compression;
        return this;
    }

    /**
     * @return producer compression, {@link #COMPRESSION_DEFAULT} when unset.
     */
    public String compression()
    {
        return null == compression ? COMPRESSION_DEFAULT : compression;
    }

    /**
     * How long closing waits for records in flight.
     *
     * @param closeTimeoutNs nanoseconds.
     * @return this.
     * @see #CLOSE_TIMEOUT_PROP_NAME
     */
    public KafkaSinkConfig closeTimeoutNs(final long closeTimeoutNs)
    {
        this.closeTimeoutNs = closeTimeoutNs;
        return this;
    }

    /**
     * @return close timeout in nanoseconds, {@link #CLOSE_TIMEOUT_NS_DEFAULT} when unset.
     */
    public long closeTimeoutNs()
    {
        return null == closeTimeoutNs ? CLOSE_TIMEOUT_NS_DEFAULT : closeTimeoutNs;
    }

    /**
     * Any other producer property, e.g. {@code security.protocol}; the sink's fixed ones
     * (idempotence, acks, serializers, transactional id) are refused by {@link #conclude()}.
     *
     * @param key   Kafka producer property name.
     * @param value its value.
     * @return this.
     */
    public KafkaSinkConfig producerProperty(final String key, final String value)
    {
        producerProperties.put(key, value);
        return this;
    }

    private static int longestTopicSuffix()
    {
        int longest = 0;
        for (final DataKind kind : DataKind.values())
        {
            longest = Math.max(longest, kind.topicSuffix().length());
        }
        return longest;
    }

    private static long toMillis(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }
}
