package dev.multiproc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** multiproc must never run on a platform it does not support, nor refuse one it does. */
class PlatformTest {

    @Test
    void detect_linuxOnBothArchitectures() {
        assertEquals(Platform.LINUX_X86_64, Platform.detect("Linux", "amd64"));
        assertEquals(Platform.LINUX_X86_64, Platform.detect("Linux", "x86_64"));
        assertEquals(Platform.LINUX_AARCH64, Platform.detect("Linux", "aarch64"));
        assertEquals(Platform.LINUX_AARCH64, Platform.detect("linux", "arm64"));
    }

    @Test
    void detect_otherOsNamesOsAndArch() {
        for (String os : new String[] {"Mac OS X", "Windows 11", "FreeBSD", "SunOS", "AIX"}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Platform.detect(os, "amd64"));
            assertTrue(e.getMessage().contains(os) && e.getMessage().contains("amd64"), e::getMessage);
        }
    }

    @Test
    void detect_otherArchitectureNamesOsAndArch() {
        for (String arch : new String[] {"x86", "i386", "arm", "riscv64", "ppc64le", "s390x"}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Platform.detect("Linux", arch));
            assertTrue(e.getMessage().contains("Linux") && e.getMessage().contains(arch), e::getMessage);
        }
    }

    @Test
    void current_isThisMachine() {
        assertEquals(Platform.detect(System.getProperty("os.name"), System.getProperty("os.arch")),
                Platform.current());
    }
}
