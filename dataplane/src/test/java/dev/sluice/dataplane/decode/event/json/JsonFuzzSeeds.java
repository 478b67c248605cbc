package dev.sluice.dataplane.decode.event.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed inputs of {@link JsonParserFuzzTest}: the conformance cases (up to 4 KiB each)
 * and a few telemetry documents, into the committed seed directory under {@code src/test/resources}.
 * <pre>
 *   mvn -q -pl dataplane -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   cd dataplane &amp;&amp; java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *       dev.sluice.dataplane.decode.event.json.JsonFuzzSeeds src/test/resources
 * </pre>
 * Run by hand; single-threaded.
 */
public final class JsonFuzzSeeds
{
    private static final int MAX_SEED_BYTES = 4096;

    private static final String[] TELEMETRY = {
        "{\"class\":\"TPV\",\"mode\":3,\"time\":\"2005-06-09T14:34:44.280Z\",\"lat\":46.498287177,\"lon\":7.567411672,\"track\":10.3788,\"speed\":0.091}",
        "{\"class\":\"SKY\",\"satellites\":[{\"PRN\":23,\"az\":84.0,\"el\":6.5,\"used\":false},{\"PRN\":8,\"used\":true}]}",
        "{\"vehicle\":{\"vin\":\"WVWZZZ1JZXW000001\",\"driverId\":\"d-\\u00e9\"},\"position\":{\"latitude\":-33.9,\"lng\":18.4}," +
            "\"heading\":359.9,\"timestamp\":1700000000123}",
        "{\"a\":[{\"b\":1},{\"b\":[true,null,\"\\ud83d\\ude97\"]}],\"0\":{\"1\":2},\"a\":-1.5e-3}",
    };

    private JsonFuzzSeeds()
    {
    }

    /**
     * @param args the test resources directory.
     * @throws IOException when a seed cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path directory = Path.of(args[0])
            .resolve(JsonParserFuzzTest.class.getName().replace('.', '/') + "Inputs")
            .resolve("parsesAnyBytes");
        Files.createDirectories(directory);
        int written = 0;
        for (final JsonConformanceTest.Case c : JsonConformanceTest.cases())
        {
            if (c.document().length <= MAX_SEED_BYTES)
            {
                Files.write(directory.resolve(c.name()), c.document());
                written++;
            }
        }
        for (int i = 0; i < TELEMETRY.length; i++)
        {
            Files.write(directory.resolve("telemetry_" + i), TELEMETRY[i].getBytes(StandardCharsets.UTF_8));
            written++;
        }
        System.out.println("wrote " + written + " seeds to " + directory);
    }
}
