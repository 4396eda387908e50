package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.FirstUseMain;
import dev.multiproc.testing.Procs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On an unsupported OS, every use must fail with UnsupportedOperationException naming the OS, never an Error. */
class UnsupportedPlatformTest {

    @Test
    @Timeout(120)
    void start_onOtherOsThrowsUnsupportedOperationEveryTime() throws Exception {
        String out = Procs.output(Procs.java(List.of("-Dos.name=FreeBSD", "-Dos.arch=sparcv9"), FirstUseMain.class));

        String expected = "java.lang.UnsupportedOperationException: multiproc supports Linux on x86_64 and aarch64 "
                + "only; this is FreeBSD on sparcv9\n";
        assertEquals(expected + expected, out);
    }

    @Test
    @Timeout(120)
    void start_onThisMachineWorksInAFreshJvm() throws Exception {
        assertEquals("started\nstarted\n", Procs.output(Procs.java(List.of(), FirstUseMain.class)));
    }
}
