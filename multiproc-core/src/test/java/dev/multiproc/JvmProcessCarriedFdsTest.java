package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.CarriedPipeEnd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handle a task captures travels with it: its fd is inherited by the child at the number its
 * slot says, and the end that now belongs to the child is closed here, so that end of file comes
 * when the child is done. A handle serialized by hand is refused where it is read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JvmProcessCarriedFdsTest {
    @Test
    void aPipeEndCapturedByATask_reachesTheChild_andEndOfFileComesWhenItExits() throws Exception {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try (FileInputStream in = new FileInputStream("/proc/self/fd/" + pipe[0])) {
            CarriedPipeEnd end = new CarriedPipeEnd(pipe[1]);
            JvmProcess<Integer> p = JvmProcess.start(() -> {
                end.write("hello from the child");
                return 7;
            });
            // readAllBytes ends only at end of file: no copy of the write end may stay open here
            assertEquals("hello from the child", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(7, p.result());
        } finally {
            Fds.closeQuietly(pipe[0]);
        }
    }

    @Test
    void twoHandlesOfOneTask_eachGetTheirOwnFd() throws Exception {
        int[] a = Fds.pipe2(Fds.O_CLOEXEC);
        int[] b = Fds.pipe2(Fds.O_CLOEXEC);
        try (FileInputStream inA = new FileInputStream("/proc/self/fd/" + a[0]);
             FileInputStream inB = new FileInputStream("/proc/self/fd/" + b[0])) {
            CarriedPipeEnd endA = new CarriedPipeEnd(a[1]);
            CarriedPipeEnd endB = new CarriedPipeEnd(b[1]);
            JvmProcess<Integer> p = JvmProcess.start(() -> {
                endB.write("to b");
                endA.write("to a");
                return 0;
            });
            assertEquals("to a", new String(inA.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("to b", new String(inB.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, p.result());
        } finally {
            Fds.closeQuietly(a[0]);
            Fds.closeQuietly(b[0]);
        }
    }

    @Test
    void aHandleSerializedByHand_isRefusedWhereItIsRead_withAClearError() throws Exception {
        int[] pipe = Fds.pipe2(Fds.O_CLOEXEC);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(new CarriedPipeEnd(pipe[1]));
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                InvalidObjectException e = assertThrows(InvalidObjectException.class, in::readObject);
                assertTrue(e.getMessage().contains("serialized outside a task"), e.getMessage());
            }
        } finally {
            Fds.closeQuietly(pipe[0]);
            Fds.closeQuietly(pipe[1]);
        }
    }
}
