package dev.multiproc.internal.posix;

import java.util.Locale;

/**
 * The platforms multiproc runs on: Linux on x86_64 and aarch64. Everything else fails at the
 * first native call with an {@link UnsupportedOperationException} naming the OS and CPU.
 */
public enum Platform {
    LINUX_X86_64,
    LINUX_AARCH64;

    private static final String OS = System.getProperty("os.name", "unknown");
    private static final String ARCH = System.getProperty("os.arch", "unknown");
    private static final Platform CURRENT = detect();

    private static Platform detect() {
        if (!OS.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return switch (ARCH) {
            case "amd64", "x86_64" -> LINUX_X86_64;
            case "aarch64", "arm64" -> LINUX_AARCH64;
            default -> null;
        };
    }

    /** Returns the platform this JVM runs on, or throws if multiproc does not support it. */
    public static Platform current() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException(
                    "multiproc supports Linux on x86_64 and aarch64 only; this is "
                            + OS + " on " + ARCH);
        }
        return CURRENT;
    }
}
