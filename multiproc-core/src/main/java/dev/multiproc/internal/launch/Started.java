package dev.multiproc.internal.launch;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.io.PipeInputStream;
import dev.multiproc.internal.io.PipeOutputStream;
import java.util.Map;

/**
 * A child the {@link Launcher} started, with this JVM's ends of its pipes, which are the
 * caller's from now on.
 *
 * @param child the process, watched and reaped by the engine
 * @param stdin the write end of its stdin, or null if stdin is not a pipe
 * @param stdout the read end of its stdout, or null if stdout is not a pipe
 * @param stderr the read end of its stderr, or null if stderr is not a pipe
 * @param channels this JVM's end of each pipe made for the child ({@link LaunchRequest#withChannel}),
 *     non-blocking, by the child's fd number
 */
public record Started(Child child, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr,
                      Map<Integer, Integer> channels) {

    /** This JVM's end of the pipe made for the child's fd {@code childFd}. */
    public int channel(int childFd) {
        Integer fd = channels.get(childFd);
        if (fd == null) {
            throw new IllegalArgumentException("no channel was asked for at fd " + childFd);
        }
        return fd;
    }
}
