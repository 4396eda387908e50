package dev.multiproc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.multiproc.testing.Procs;
import org.junit.jupiter.api.Test;

/** A failed C call must never be reported without the call, its arguments, the errno name and the C library's text. */
class ErrnoExceptionTest {

    @Test
    void pidfdOpen_ofPidThatDoesNotExist() throws Exception {
        long pid = Long.parseLong(Procs.sysctl("/proc/sys/kernel/pid_max")) + 1;

        ErrnoException e = assertThrows(ErrnoException.class, () -> Pidfd.pidfd_open(pid));

        assertEquals("pidfd_open(pid=" + pid + ", flags=0): ESRCH (No such process)", e.getMessage());
        assertEquals("pidfd_open(pid=" + pid + ", flags=0)", e.call());
        assertEquals(Errno.ESRCH, e.errno());
        assertEquals("ESRCH", e.errnoName());
        assertEquals("No such process", e.reason());
    }

    @Test
    void open_ofMissingFile() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Fds.open("/nonexistent/dir/file", Fds.O_RDONLY | Fds.O_CLOEXEC, 0));

        assertEquals("open(\"/nonexistent/dir/file\", flags=0x80000): ENOENT (No such file or directory)",
                e.getMessage());
    }

    @Test
    void close_ofFdThatIsNotOpen() throws Exception {
        int fd = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        Fds.close(fd);

        ErrnoException e = assertThrows(ErrnoException.class, () -> Fds.close(fd));

        assertEquals("close(fd=" + fd + "): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void fcntl_ofFdThatIsNotOpen() throws Exception {
        int fd = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        Fds.close(fd);

        ErrnoException e = assertThrows(ErrnoException.class, () -> Fds.fcntl(fd, Fds.F_GETFD, 0));

        assertEquals("fcntl(fd=" + fd + ", cmd=1, arg=0): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void kill_withInvalidSignal() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Processes.kill(Processes.getpid(), 99));

        assertEquals("kill(pid=" + Processes.getpid() + ", sig=99): EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void kill_ofPidThatDoesNotExistIsFalseNotAnError() throws Exception {
        long pid = Long.parseLong(Procs.sysctl("/proc/sys/kernel/pid_max")) + 1;

        assertFalse(Processes.kill((int) pid, 0));
    }

    @Test
    void waitid_withNoSuchChild() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Wait.waitid(Wait.P_PID, Processes.getppid(), Wait.WEXITED | Wait.WNOHANG));

        assertEquals("ECHILD", e.errnoName());
        assertEquals("No child processes", e.reason());
    }

    @Test
    void errno_namesAndTexts() {
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("EACCES", Errno.name(Errno.EACCES));
        assertEquals("ENOEXEC", Errno.name(Errno.ENOEXEC));
        assertEquals("ELOOP", Errno.name(40));
        assertEquals("errno 200", Errno.name(200));
        assertEquals("Permission denied", Errno.describe(Errno.EACCES));
    }
}
