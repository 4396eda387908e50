package dev.multiproc.internal.jvm;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths on a child JVM's command line, made absolute against this JVM's working directory:
 * a child started in another directory ({@code directory(d)}) must still find its class path,
 * its module path, its agents and archives. Only the paths the child needs to start and load
 * code are rewritten; where a child writes (a heap dump, a log file) stays relative to its own
 * directory, as the option says.
 */
final class AbsolutePaths {
    /** Options whose value (up to an {@code =} for agents, which may take options) is one path. */
    private static final List<String> ONE_PATH = List.of("-javaagent:", "-agentpath:", "-XX:AOTCache=");
    /** Options whose value is a list of paths. */
    private static final List<String> PATH_LISTS = List.of("-Xbootclasspath/a:", "--class-path=", "--module-path=",
            "--upgrade-module-path=", "-XX:SharedArchiveFile=", "-Djava.library.path=");

    private AbsolutePaths() {}

    /** {@code path} against this JVM's working directory; the empty path is that directory. */
    static String of(String path) {
        return Path.of(path).toAbsolutePath().toString();
    }

    /** Each entry of a {@code :}-separated list made absolute; empty entries are left out. */
    static String list(String paths) {
        List<String> absolute = new ArrayList<>();
        for (String entry : paths.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                absolute.add(of(entry));
            }
        }
        return String.join(File.pathSeparator, absolute);
    }

    /** The options with the paths they name made absolute; other options as they are. */
    static List<String> options(List<String> options) {
        List<String> out = new ArrayList<>(options.size());
        for (String option : options) {
            out.add(option(option));
        }
        return out;
    }

    private static String option(String option) {
        for (String prefix : ONE_PATH) {
            if (option.startsWith(prefix) && option.length() > prefix.length()) {
                String value = option.substring(prefix.length());
                int eq = prefix.startsWith("-XX:") ? -1 : value.indexOf('=');
                String path = eq < 0 ? value : value.substring(0, eq);
                return prefix + of(path) + (eq < 0 ? "" : value.substring(eq));
            }
        }
        for (String prefix : PATH_LISTS) {
            if (option.startsWith(prefix) && option.length() > prefix.length()) {
                return prefix + list(option.substring(prefix.length()));
            }
        }
        if (option.startsWith("--patch-module=")) {
            String value = option.substring("--patch-module=".length());
            int eq = value.indexOf('=');
            if (eq > 0) {
                return "--patch-module=" + value.substring(0, eq + 1) + list(value.substring(eq + 1));
            }
        }
        return option;
    }
}
