package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An end captured by a task works in its child JVM, belongs to it from then on (this JVM's copy
 * is closed), and the end that stays here sees end of file when the child is done: no hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionAcrossJvmTest {
    @Test
    void aChildJvm_echoesMessages_overADuplexPipe() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            Connection<Object> there = pipe.right();
            JvmProcess<Integer> child = JvmProcess.start(() -> {
                int n = 0;
                while (true) {
                    Object m = there.recv();
                    if ("stop".equals(m)) {
                        return n;
                    }
                    there.send(m instanceof Integer i ? i + 1 : m);
                    n++;
                }
            });
            Connection<Object> here = pipe.left();
            for (int i = 0; i < 200; i++) {
                here.send(i);
                assertEquals(i + 1, here.recv());
            }
            here.send("a string " + "s".repeat(100_000));
            assertEquals("a string " + "s".repeat(100_000), here.recv());
            here.send("stop");
            assertEquals(201, child.result());
        }
    }

    @Test
    void theHandedEnd_isClosedHere_andUsingItSaysWhere() throws Exception {
        Pipe<String> pipe = Pipe.open();
        Connection<String> there = pipe.right();
        JvmProcess<String> child = JvmProcess.start(() -> there.recv());
        ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> there.send("x"));
        assertTrue(e.getMessage().contains("handed to process " + child.pid()), e.getMessage());
        assertTrue(there.isClosed());
        pipe.left().send("for the child");
        assertEquals("for the child", child.result());
        pipe.close();
    }

    @Test
    void endOfFile_comesWhenTheChildEnds_withItsStatus() throws Exception {
        try (Pipe<Integer> pipe = Pipe.openOneWay()) {
            Connection<Integer> sender = pipe.right();
            JvmProcess<Void> child = JvmProcess.start(() -> {
                sender.send(1);
                sender.send(2);
                System.exit(3); // without closing its end: the kernel closes it
                return null;
            });
            assertEquals(1, pipe.left().recv());
            assertEquals(2, pipe.left().recv());
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> pipe.left().recv());
            assertEquals(Optional.of(ExitStatus.exited(3)), e.peerStatus(), e.getMessage());
            assertTrue(e.getMessage().contains("process " + child.pid()), e.getMessage());
            assertEquals(ExitStatus.exited(3), child.join());
        }
    }

    @Test
    void theChildReceives_whatThisJvmSends_andSeesEndOfFileWhenThisEndCloses() throws Exception {
        Pipe<String> pipe = Pipe.openOneWay();
        Connection<String> receiver = pipe.left();
        JvmProcess<Integer> child = JvmProcess.start(() -> {
            int n = 0;
            try {
                while (true) {
                    receiver.recv();
                    n++;
                }
            } catch (ConnectionClosedException e) {
                return e.peerStatus().isEmpty() ? n : -1; // this JVM is not the child's child
            }
        });
        for (int i = 0; i < 50; i++) {
            pipe.right().send("m" + i);
        }
        pipe.right().close();
        assertEquals(50, child.result());
        assertTrue(child.join(Duration.ofSeconds(10)));
    }
}
