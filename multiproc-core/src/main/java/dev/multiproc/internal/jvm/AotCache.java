package dev.multiproc.internal.jvm;

import java.util.List;

/** The AOT cache for the child bootstrap. */
final class AotCache {
    private AotCache() {}

    static List<String> options(JavaRuntime runtime, List<String> userOptions) {
        return List.of();
    }
}
