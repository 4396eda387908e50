package dev.multiproc.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example in the README must compile against the library (the core, and for the
 * cluster example the cluster module): a stale example fails the build.
 */
class ReadmeExamplesCompileTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = """
            import dev.multiproc.*;
            import dev.multiproc.hazelcast.*;
            import java.io.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            import java.time.Duration;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.stream.*;
            """;

    @TempDir
    Path out;

    @Test
    void everyJavaExampleInTheReadme_compiles() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("multiproc.readme")));
        Matcher m = JAVA_BLOCK.matcher(readme);
        List<JavaSources.Unit> units = new ArrayList<>();
        while (m.find()) {
            String name = "ReadmeExample" + units.size();
            units.add(new JavaSources.Unit(name, wrap(name, m.group(1))));
        }
        assertTrue(units.size() >= 3, "the README should show run(), communicate() and a pipeline");
        assertEquals("", JavaSources.compile(units, clusterClassPath(), out));
    }

    /** The README's cluster example is {@code examples/SumOfSquares.java}, which its command compiles and runs. */
    @Test
    void theClusterExampleInTheReadme_isTheExampleFile_andCompiles() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("multiproc.readme")));
        String file = Files.readString(Path.of(System.getProperty("multiproc.examples"), "SumOfSquares.java"));
        String body = file.substring(file.indexOf("class SumOfSquares"));
        assertTrue(readme.contains("```java\n" + body + "```"), "the README shows examples/SumOfSquares.java");
        assertEquals("", JavaSources.compile(List.of(new JavaSources.Unit("SumOfSquares", file)), clusterClassPath(),
                out));
    }

    /** The core's jar, the cluster module's and Hazelcast's: what a user of ClusterPool compiles against. */
    private static Path clusterClassPath() {
        return Path.of(String.join(java.io.File.pathSeparator, JavaSources.coreArtifact().toString(),
                System.getProperty("multiproc.hazelcast"), System.getProperty("hazelcast.jar")));
    }

    /** An example is either whole classes (it declares one) or statements, which go into a method. */
    private static String wrap(String name, String code) {
        if (code.contains("class ") || code.contains("record ")) {
            return IMPORTS + "class " + name + " {\n" + code + "\n}\n";
        }
        return IMPORTS + "class " + name + " {\n    void example() throws Exception {\n" + code + "\n    }\n}\n";
    }
}
