package dev.sluice.dataplane.source.event;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one ingest listener. Fluent; checked by {@link EventIngestConfig#conclude()}.
 * Configured on one thread before the ingest starts; not changed afterwards.
 */
public final class IngestListener
{
    public static final String BIND_ADDRESS_DEFAULT = "0.0.0.0";
    public static final int RETRY_AFTER_SECONDS_DEFAULT = 1;

    private String name;
    private ListenerKind kind;
    private String bindAddress = BIND_ADDRESS_DEFAULT;
    private int port = -1;
    private int maxMessageBytes;
    private int receiveBufferBytes;
    private Path tlsCertificateFile;
    private Path tlsKeyFile;
    private int retryAfterSeconds = RETRY_AFTER_SECONDS_DEFAULT;

    /**
     * @param name the listener's name in counters and logs.
     * @param kind what it speaks.
     * @param port the port to bind; 0 for an ephemeral one (tests).
     * @return a listener with defaults for everything else.
     */
    public static IngestListener of(final String name, final ListenerKind kind, final int port)
    {
        return new IngestListener().name(name).kind(kind).port(port);
    }

    public IngestListener name(final String name)
    {
        this.name = name;
        return this;
    }

    public String name()
    {
        return name;
    }

    public IngestListener kind(final ListenerKind kind)
    {
        this.kind = kind;
        return this;
    }

    public ListenerKind kind()
    {
        return kind;
    }

    public IngestListener bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public IngestListener port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    /**
     * @param maxMessageBytes the largest message accepted (HTTP: request body); 0 for the kind's default.
     * @return this.
     */
    public IngestListener maxMessageBytes(final int maxMessageBytes)
    {
        this.maxMessageBytes = maxMessageBytes;
        return this;
    }

    /**
     * @return the largest message accepted, the kind's default until set.
     */
    public int maxMessageBytes()
    {
        return maxMessageBytes > 0 || kind == null ? maxMessageBytes : kind.maxMessageBytesDefault();
    }

    /**
     * @param receiveBufferBytes SO_RCVBUF of the listener's sockets; 0 leaves the kernel's default.
     * @return this.
     */
    public IngestListener receiveBufferBytes(final int receiveBufferBytes)
    {
        this.receiveBufferBytes = receiveBufferBytes;
        return this;
    }

    public int receiveBufferBytes()
    {
        return receiveBufferBytes;
    }

    /**
     * TLS (RFC 5425 for syslog; HTTPS for HTTP) with a PEM certificate chain and a PKCS#8 PEM key
     * ({@code BEGIN PRIVATE KEY}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}).
     *
     * @param certificateFile the certificate chain.
     * @param keyFile         the private key.
     * @return this.
     */
    public IngestListener tls(final Path certificateFile, final Path keyFile)
    {
        this.tlsCertificateFile = certificateFile;
        this.tlsKeyFile = keyFile;
        return this;
    }

    public Path tlsCertificateFile()
    {
        return tlsCertificateFile;
    }

    public Path tlsKeyFile()
    {
        return tlsKeyFile;
    }

    public boolean isTls()
    {
        return tlsCertificateFile != null;
    }

    /**
     * @param retryAfterSeconds the Retry-After of an HTTP 429 or 503.
     * @return this.
     */
    public IngestListener retryAfterSeconds(final int retryAfterSeconds)
    {
        this.retryAfterSeconds = retryAfterSeconds;
        return this;
    }

    public int retryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /**
     * @param maxMessageBytes a maximum message size.
     * @return the smallest ring capacity whose records hold such a message: a record's payload is at most
     * an eighth of the capacity (Agrona's limit), and carries the {@link IngestRecord} header too.
     */
    static long ringCapacityFor(final int maxMessageBytes)
    {
        final long needed = 8L * (maxMessageBytes + IngestRecord.HEADER_LENGTH);
        return Long.highestOneBit(needed - 1) << 1;
    }

    void validate(final String where, final int ringMaxMessageLength, final List<String> errors)
    {
        if (name == null || name.isBlank())
        {
            errors.add(where + ": a listener needs a name");
        }
        if (kind == null)
        {
            errors.add(where + ": a listener needs a kind: syslog-udp, syslog-tcp, json-tcp, http-ndjson, netflow-udp or candump-tcp");
            return;
        }
        if (port < 0 || port > 65_535)
        {
            errors.add(where + ": port must be 0 to 65535, got " + port);
        }
        if (bindAddress == null || bindAddress.isBlank())
        {
            errors.add(where + ": bind address must not be empty (0.0.0.0 for every IPv4 address, :: for every one)");
        }
        final int max = maxMessageBytes();
        if (max <= 0)
        {
            errors.add(where + ": maximum message size must be positive, got " + max);
        }
        else if (max > ringMaxMessageLength)
        {
            errors.add(where + ": maximum message size " + max + " exceeds what one ring record holds (" +
                ringMaxMessageLength + " bytes): raise the ring capacity to at least " +
                ringCapacityFor(max) + " bytes or lower the maximum");
        }
        else if (!kind.isStream() && max > 65_507)
        {
            errors.add(where + ": maximum message size " + max + " exceeds the largest UDP payload (65507)");
        }
        if (receiveBufferBytes < 0)
        {
            errors.add(where + ": receive buffer must be 0 (kernel default) or positive, got " + receiveBufferBytes);
        }
        if (retryAfterSeconds <= 0)
        {
            errors.add(where + ": Retry-After must be a positive number of seconds, got " + retryAfterSeconds);
        }
        if ((tlsCertificateFile == null) != (tlsKeyFile == null))
        {
            errors.add(where + ": TLS needs both a certificate file and a key file");
        }
        else if (tlsCertificateFile != null)
        {
            if (!kind.isStream())
            {
                errors.add(where + ": TLS is for TCP listeners; " + kind.keyword() + " is UDP");
            }
            if (!Files.isReadable(tlsCertificateFile))
            {
                errors.add(where + ": TLS certificate file " + tlsCertificateFile + " is missing or unreadable");
            }
            if (!Files.isReadable(tlsKeyFile))
            {
                errors.add(where + ": TLS key file " + tlsKeyFile + " is missing or unreadable");
            }
        }
    }
}
