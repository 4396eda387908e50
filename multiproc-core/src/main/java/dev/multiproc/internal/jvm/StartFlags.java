package dev.multiproc.internal.jvm;

import java.util.List;

/** JVM flags that make a child start faster, used only where the user set none of their own. */
final class StartFlags {
    private StartFlags() {}

    static List<String> defaults(List<String> userOptions) {
        return List.of();
    }
}
