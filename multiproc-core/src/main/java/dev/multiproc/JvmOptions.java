package dev.multiproc;

import java.util.List;
import java.util.Objects;

/** The checks a child JVM's options pass before they reach its command line. */
final class JvmOptions {
    private JvmOptions() {}

    /**
     * The options, checked.
     *
     * @throws IllegalArgumentException for an option that does not start with {@code -}, holds a
     *     NUL, or would replace the child's main class ({@code -jar}, {@code -m}, {@code --module})
     */
    static List<String> checked(String... options) {
        Objects.requireNonNull(options, "options");
        for (String option : options) {
            Objects.requireNonNull(option, "option");
            if (option.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("JVM option contains a NUL byte: \"" + option.replace("\0", "\\0") + "\"");
            }
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("JVM option \"" + option + "\" does not start with '-'"
                        + " (an option's value goes in the same string, as in \"-Xss2m\" or \"--add-opens=m/p=ALL-UNNAMED\")");
            }
            if (option.equals("-jar") || option.equals("-m") || option.equals("--module")
                    || option.startsWith("--module=")) {
                throw new IllegalArgumentException("JVM option \"" + option
                        + "\" would replace the child's main class, which runs the tasks");
            }
        }
        return List.of(options);
    }
}
