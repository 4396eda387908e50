package dev.multiproc.internal.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code waitid(2)}, including {@code P_PIDFD} (Linux 5.4) and {@code WNOWAIT}. */
public final class Wait {
    // <sys/wait.h>
    public static final int P_ALL = 0;
    public static final int P_PID = 1;
    public static final int P_PGID = 2;
    public static final int P_PIDFD = 3;
    public static final int WNOHANG = 1;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;

    // <bits/siginfo-consts.h>: si_code for SIGCHLD
    static final int CLD_EXITED = 1;
    static final int CLD_KILLED = 2;
    static final int CLD_DUMPED = 3;

    /** {@code sizeof(siginfo_t)}; the SIGCHLD fields sit at the same offsets on both platforms. */
    private static final long SIGINFO_SIZE = 128;
    private static final long SI_CODE = 8;
    private static final long SI_PID = 16;
    private static final long SI_STATUS = 24;

    private static final MethodHandle WAITID = Native.downcall("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private Wait() {}

    /** What {@code waitid} reported: the child's pid and how it ended. */
    public record Reaped(int pid, int code, int status) {
        /** True if the child exited (status is the exit code), false if a signal killed it. */
        public boolean exited() {
            return code == CLD_EXITED;
        }

        /** True if a signal killed it and the kernel wrote a core dump. */
        public boolean coreDumped() {
            return code == CLD_DUMPED;
        }

        /** True if a signal killed it (status is the signal number). */
        public boolean killed() {
            return code == CLD_KILLED || code == CLD_DUMPED;
        }

        /** What {@code waitid} would have reported for {@code pid}, from {@code waitpid}'s {@code wstatus}. */
        public static Reaped ofWaitStatus(int pid, int wstatus) {
            int signal = wstatus & 0x7f;
            if (signal == 0) {
                return new Reaped(pid, CLD_EXITED, (wstatus >> 8) & 0xff);
            }
            return new Reaped(pid, (wstatus & 0x80) != 0 ? CLD_DUMPED : CLD_KILLED, signal);
        }
    }

    /**
     * {@code waitid(idtype, id, &info, options)}: what was reported, or null when
     * {@code WNOHANG} was given and no child has changed state yet.
     */
    public static Reaped waitid(int idType, long id, int options) throws ErrnoException {
        MemorySegment state = Native.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8);
            int r;
            while (true) {
                try {
                    r = (int) WAITID.invokeExact(state, idType, (int) id, info, options);
                } catch (Throwable t) {
                    throw Native.unexpected(t);
                }
                if (r == 0 || Native.errno(state) != Errno.EINTR) {
                    break;
                }
            }
            if (r != 0) {
                throw new ErrnoException("waitid(idtype=" + idType + ", id=" + id + ", options=0x"
                        + Integer.toHexString(options) + ")", Native.errno(state));
            }
            int pid = info.get(JAVA_INT, SI_PID);
            if (pid == 0) {
                return null;
            }
            return new Reaped(pid, info.get(JAVA_INT, SI_CODE), info.get(JAVA_INT, SI_STATUS));
        }
    }
}
