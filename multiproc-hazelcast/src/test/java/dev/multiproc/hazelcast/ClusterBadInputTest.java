package dev.multiproc.hazelcast;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.MultiprocException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input that needs no running cluster: each a clear, typed error, and nothing left running. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterBadInputTest {
    @TempDir
    Path dir;

    @Test
    void noMemberReachable_isATypedErrorNamingTheAddresses() throws Exception {
        String address = "127.0.0.1:" + LocalCluster.freePort();
        ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class,
                () -> ClusterPool.builder().addresses(address).connectTimeout(java.time.Duration.ofSeconds(2))
                        .clusterKey(key()).build());
        assertTrue(e.getMessage().contains(address), e.getMessage());
    }

    @Test
    void aMemberOnANonLoopbackAddressWithoutAKey_isRefusedBeforeItBinds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterMember.start(ClusterMember.options().bind("192.0.2.10").port(5799)));
        assertTrue(e.getMessage().contains("192.0.2.10") && e.getMessage().contains("cluster key"), e.getMessage());
        MultiprocException p = assertThrows(MultiprocException.class,
                () -> MemberProcess.start(ClusterMember.options().bind("192.0.2.10").port(5799)));
        assertTrue(p.getMessage().contains("ended before it was ready"), p.getMessage());
    }

    @Test
    void aClientOfNonLoopbackAddressesWithoutAKey_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterPool.builder().addresses("192.0.2.10:5701").build());
        assertTrue(e.getMessage().contains("cluster key"), e.getMessage());
    }

    @Test
    void aShortOrMissingKeyFile_isRefusedWithItsName() throws Exception {
        Path shortKey = dir.resolve("short.key");
        java.nio.file.Files.writeString(shortKey, "abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterPool.builder().clusterKey(shortKey).build());
        assertTrue(e.getMessage().contains("short.key"), e.getMessage());
        Path missing = dir.resolve("missing.key");
        e = assertThrows(IllegalArgumentException.class, () -> ClusterMember.start(ClusterMember.options()
                .clusterKey(missing)));
        assertTrue(e.getMessage().contains("missing.key"), e.getMessage());
    }

    @Test
    void badOptions_nameTheBadValue() {
        assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().addresses("nowhere"));
        assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().addresses("host:99999"));
        assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().queueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().taskTimeout(java.time.Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ClusterMember.options().workers(0));
        assertThrows(IllegalArgumentException.class, () -> ClusterMember.options().port(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemberMain.parse(java.util.List.of("--workers", "many")));
        assertTrue(e.getMessage().contains("many"), e.getMessage());
    }

    private Path key() throws Exception {
        Path key = dir.resolve("test.key");
        java.nio.file.Files.writeString(key, "0123456789abcdef0123456789abcdef");
        return key;
    }
}
