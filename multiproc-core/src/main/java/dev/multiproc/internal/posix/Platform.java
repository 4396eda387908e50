package dev.multiproc.internal.posix;

import java.util.Locale;

/**
 * The platforms multiproc runs on: Linux on x86_64 and aarch64. Everything else fails at the
 * first use with an {@link UnsupportedOperationException} naming the OS and CPU.
 */
public enum Platform {
    LINUX_X86_64,
    LINUX_AARCH64;

    private static final String OS = System.getProperty("os.name", "unknown");
    private static final String ARCH = System.getProperty("os.arch", "unknown");
    private static final Platform CURRENT = lookup(OS, ARCH);

    /** Returns the platform this JVM runs on, or throws if multiproc does not support it. */
    public static Platform current() {
        return CURRENT != null ? CURRENT : detect(OS, ARCH);
    }

    /**
     * The platform named by {@code os} and {@code arch}, spelled as the JDK's {@code os.name}
     * and {@code os.arch} spell them.
     *
     * @throws UnsupportedOperationException naming both if multiproc does not support it
     */
    static Platform detect(String os, String arch) {
        Platform platform = lookup(os, arch);
        if (platform == null) {
            throw new UnsupportedOperationException(
                    "multiproc supports Linux on x86_64 and aarch64 only; this is " + os + " on " + arch);
        }
        return platform;
    }

    private static Platform lookup(String os, String arch) {
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> LINUX_X86_64;
            case "aarch64", "arm64" -> LINUX_AARCH64;
            default -> null;
        };
    }
}
