package dev.multiproc.internal.jvm;

import dev.multiproc.Redirect;
import dev.multiproc.internal.wire.SerialLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@code JvmProcess} builder was told, frozen when the process is created.
 *
 * @param name the process's name
 * @param daemon Python's daemon flag: terminated at this JVM's exit instead of awaited
 * @param jvmOptions options for the child's {@code java} command, after multiproc's own
 * @param systemProperties {@code -D} properties for the child
 * @param environmentChanges variables to set (or, with a null value, remove) in the child
 * @param directory the child's working directory, or null for this JVM's
 * @param stdout where the child's stdout goes
 * @param stderr where the child's stderr goes
 * @param survivesParent true if the child keeps running when this JVM dies
 * @param limits the deserialization filter, on both sides
 * @param warmSpare true to keep an idle child with this configuration started for the next one
 * @param signalGrace how long a non-daemon child is awaited when this JVM is stopped by a signal
 */
public record JvmConfig(String name, boolean daemon, List<String> jvmOptions, Map<String, String> systemProperties,
                        Map<String, String> environmentChanges, Path directory, Redirect stdout, Redirect stderr,
                        boolean survivesParent, SerialLimits limits, boolean warmSpare, Duration signalGrace) {

    /** True if the child's stderr goes through this JVM, which keeps its tail for error messages. */
    boolean tailsStderr() {
        return stderr == Redirect.INHERIT && !survivesParent;
    }
}
