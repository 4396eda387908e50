package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setters both JVM builders share with {@code Command} reach the child: the environment
 * (set, removed, replaced, as bytes), the directory and the redirects, for a {@code JvmProcess}
 * and for a pool's workers; and a pool's {@code jvmOptions} add up as a {@code JvmProcess}'s do.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JvmBuilderSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void aJvmProcess_getsItsEnvironmentChangesAndItsStdinFromAFile() throws Exception {
        Path input = Files.writeString(tmp.resolve("input"), "from a file");
        JvmProcess<String> p = JvmProcess.builder()
                .environment(Map.of("KEPT", "k", "DROPPED", "d", "PATH", System.getenv("PATH")))
                .envRemove("DROPPED")
                .envBytes("BYTES".getBytes(), new byte[] {'b', '1'})
                .env("SET", "s")
                .stdin(Redirect.from(input))
                .survivesParent()
                .survivesParent(false)
                .start(() -> System.getenv("KEPT") + "|" + System.getenv("DROPPED") + "|" + System.getenv("BYTES")
                        + "|" + System.getenv("SET") + "|" + System.getenv("HOME") + "|"
                        + new String(System.in.readAllBytes()));
        assertEquals("k|null|b1|s|null|from a file", p.result());
    }

    @Test
    void aPoolsWorkers_getItsDirectoryEnvironmentPropertiesAndRedirects() throws Exception {
        Path input = Files.writeString(tmp.resolve("input"), "worker input");
        Path output = tmp.resolve("output");
        try (ProcessPool pool = ProcessPool.builder().workers(1)
                .directory(tmp)
                .env("MULTIPROC_POOL_VAR", "from-env")
                .env("MULTIPROC_POOL_GONE", "x")
                .envRemove("MULTIPROC_POOL_GONE")
                .systemProperty("multiproc.pool.prop", "from-prop")
                .stdin(Redirect.from(input))
                .stdout(Redirect.to(output))
                .build()) {
            String seen = pool.submit(() -> {
                System.out.println("printed by a worker");
                System.out.flush();
                return System.getProperty("user.dir") + "|" + System.getenv("MULTIPROC_POOL_VAR") + "|"
                        + System.getenv("MULTIPROC_POOL_GONE") + "|" + System.getProperty("multiproc.pool.prop") + "|"
                        + new String(System.in.readAllBytes());
            }).get();
            String[] parts = seen.split("\\|");
            assertEquals(tmp.toRealPath(), Path.of(parts[0]).toRealPath());
            assertEquals("from-env|null|from-prop|worker input", seen.substring(parts[0].length() + 1));
            assertTrue(Files.readString(output).contains("printed by a worker"), Files.readString(output));
        }
    }

    @Test
    void aPoolsJvmOptions_addUp_asAJvmProcesss() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1)
                .jvmOptions("-Xmx64m")
                .jvmOptions("-Dmultiproc.pool.option=second")
                .build()) {
            String seen = pool.submit(() -> Runtime.getRuntime().maxMemory() + "|"
                    + System.getProperty("multiproc.pool.option")).get();
            String[] parts = seen.split("\\|");
            assertTrue(Long.parseLong(parts[0]) <= 64L << 20, "the first call's -Xmx64m was kept: " + parts[0]);
            assertEquals("second", parts[1]);
        }
    }
}
