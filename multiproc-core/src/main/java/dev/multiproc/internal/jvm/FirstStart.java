package dev.multiproc.internal.jvm;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Fds;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;

/**
 * What the first start of a child JVM (or of a pool) initializes in the JDK, done first and
 * only when it cannot fail for lack of file descriptors.
 *
 * <h2>Why</h2>
 * Two JDK classes read a file or load a library once, in their static initializer, and a
 * class whose initializer failed is unusable for the life of the JVM: serialization computes
 * class fingerprints with SHA, which initializes {@code java.security.Security} (it reads the
 * {@code java.security} file), and this JVM's options are read through
 * {@code ManagementFactory} (it loads {@code libmanagement}). Out of file descriptors, the
 * first start used to fail with an {@code InternalError}, and every later one with
 * {@code NoClassDefFoundError}, even once descriptors were free again.
 *
 * <h2>How</h2>
 * Before those initializers run, a few descriptors are opened and closed again: if that fails,
 * the start fails with a {@link MultiprocException} naming the error (EMFILE, ENFILE) and
 * nothing is initialized, so the next start tries again. If it works, the initializers run at
 * once, on the descriptors just freed. (Another thread could take them in between; then the
 * JDK's error is what it was, wrapped the same way.) Later starts skip all of this.
 */
public final class FirstStart {
    /** Descriptors that must be free: more than the initializers hold at once. */
    private static final int SPARE_PIPES = 4;
    private static volatile boolean security;
    private static volatile boolean management;

    private FirstStart() {}

    /**
     * Makes sure the JDK classes a start needs are initialized: those of serialization and
     * those that read this JVM's options.
     *
     * @throws MultiprocException if this JVM has too few free file descriptors (nothing was
     *     initialized: a later call tries again), or an initializer failed
     */
    public static void prepare() {
        prepareManagement();
        if (!security) {
            synchronized (FirstStart.class) {
                if (!security) {
                    initialize("java.security.Security", () -> MessageDigest.getInstance("SHA"));
                    security = true;
                }
            }
        }
    }

    /**
     * Makes sure {@code ManagementFactory} is initialized, for {@link JavaRuntime}.
     *
     * @throws MultiprocException as {@link #prepare}
     */
    static void prepareManagement() {
        if (!management) {
            synchronized (FirstStart.class) {
                if (!management) {
                    initialize("java.lang.management.ManagementFactory", ManagementFactory::getRuntimeMXBean);
                    management = true;
                }
            }
        }
    }

    /** What an initialization runs. */
    private interface Initializer {
        void run() throws Exception;
    }

    /** Runs {@code initializer} of the JDK's class {@code what} once descriptors were seen free; under the class's lock. */
    private static void initialize(String what, Initializer initializer) {
        int[][] pipes = new int[SPARE_PIPES][];
        try {
            for (int i = 0; i < SPARE_PIPES; i++) {
                pipes[i] = Fds.pipe2(Fds.O_CLOEXEC);
            }
        } catch (ErrnoException e) {
            throw new MultiprocException("cannot start a child JVM: this JVM has too few free file descriptors to"
                    + " initialize " + what + " (" + e.getMessage() + "); a later start tries again", e);
        } finally {
            for (int[] pipe : pipes) {
                if (pipe != null) {
                    Fds.closeQuietly(pipe[0]);
                    Fds.closeQuietly(pipe[1]);
                }
            }
        }
        try {
            initializer.run();
        } catch (Exception | Error e) {
            throw new MultiprocException("cannot start a child JVM: the JDK failed to initialize " + what + ": " + e, e);
        }
    }
}
