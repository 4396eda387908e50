package dev.multiproc.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixed names of the public contract must compile from a program outside the project that
 * has only multiproc-core's jar on its class path.
 */
class ContractCompilesTest {
    @TempDir
    Path out;

    @Test
    void contractProgram_compilesAgainstTheCoreJarAlone() throws Exception {
        Path dir = Path.of(System.getProperty("multiproc.contract"));
        List<JavaSources.Unit> units;
        try (Stream<Path> files = Files.list(dir)) {
            units = files.filter(f -> f.toString().endsWith(".java")).sorted().map(f -> {
                try {
                    String name = f.getFileName().toString().replace(".java", "");
                    return new JavaSources.Unit("contract." + name, Files.readString(f));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals("", JavaSources.compile(units, JavaSources.coreArtifact(), out));
    }
}
