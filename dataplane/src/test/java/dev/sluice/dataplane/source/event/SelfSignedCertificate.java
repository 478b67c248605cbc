package dev.sluice.dataplane.source.event;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as the PEM files a TLS
 * listener takes, and a client SSL context trusting it. No third-party crypto library needed.
 */
final class SelfSignedCertificate
{
    private static final String PASSWORD = "changeit";
    private static final String ALIAS = "ingest";

    final Path certificateFile;
    final Path keyFile;
    private final KeyStore trustStore;

    private SelfSignedCertificate(final Path certificateFile, final Path keyFile, final KeyStore trustStore)
    {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.trustStore = trustStore;
    }

    static SelfSignedCertificate create(final Path directory) throws Exception
    {
        final Path keyStoreFile = directory.resolve("ingest.p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(
            keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", keyStoreFile.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("keytool failed: " + output);
        }
        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStoreFile))
        {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        final Certificate certificate = keyStore.getCertificate(ALIAS);
        final PrivateKey key = (PrivateKey)keyStore.getKey(ALIAS, PASSWORD.toCharArray());
        final Path certificateFile = directory.resolve("ingest.crt.pem");
        final Path keyFile = directory.resolve("ingest.key.pem");
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        final KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry(ALIAS, certificate);
        return new SelfSignedCertificate(certificateFile, keyFile, trustStore);
    }

    SSLContext clientContext() throws Exception
    {
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
