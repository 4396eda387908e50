package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each misuse of a connection gets a typed error that names what is wrong, and leaves the connection usable. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionBadInputTest {
    static final class NotSerializable {
    }

    record Holder(String name, Object inside) implements Serializable {}

    @Test
    void aMessageThatCannotBeSerialized_isRefusedBySend_namingTheField_andNothingIsSent() throws Exception {
        try (Pipe<Object> pipe = Pipe.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pipe.right().send(new Holder("h", new NotSerializable())));
            assertTrue(e.getMessage().contains("field inside")
                    && e.getMessage().contains(NotSerializable.class.getName() + " is not Serializable"), e.getMessage());
            assertEquals(false, pipe.left().poll(Duration.ZERO));
            pipe.right().send("next");
            assertEquals("next", pipe.left().recv());
        }
    }

    @Test
    void null_isRefused() {
        try (Pipe<Object> pipe = Pipe.open()) {
            assertThrows(NullPointerException.class, () -> pipe.right().send(null));
            assertThrows(NullPointerException.class, () -> pipe.right().sendBytes(null));
            assertThrows(NullPointerException.class, () -> pipe.left().recv(null));
            assertThrows(NullPointerException.class, () -> pipe.left().poll(null));
        }
    }

    @Test
    void useAfterClose_isATypedError_onEveryCall() {
        Pipe<String> pipe = Pipe.open();
        pipe.left().close();
        pipe.left().close(); // twice: nothing more
        for (Executable call : new Executable[] {
            () -> pipe.left().send("x"), () -> pipe.left().recv(), () -> pipe.left().recv(Duration.ZERO),
            () -> pipe.left().recvBytes(), () -> pipe.left().sendBytes(new byte[1]), () -> pipe.left().poll(Duration.ZERO),
        }) {
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, call::run);
            assertTrue(e.getMessage().contains("this end was closed"), e.getMessage());
            assertTrue(e.peerStatus().isEmpty());
        }
        pipe.close();
    }

    @Test
    void aThreadWaitingWhenTheEndIsClosed_wakesWithATypedError() throws Exception {
        Pipe<String> pipe = Pipe.open();
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                pipe.left().recv();
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Thread.sleep(50);
        pipe.left().close();
        assertTrue(thrown.get(10, TimeUnit.SECONDS) instanceof ConnectionClosedException);
        pipe.close();
    }

    @Test
    void anEndSerializedByHand_isRefusedWhereItIsRead() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(pipe.right());
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                InvalidObjectException e = assertThrows(InvalidObjectException.class, in::readObject);
                assertTrue(e.getMessage().contains("serialized outside a task"), e.getMessage());
            }
            // and the end is still this JVM's: serializing it by hand handed nothing over
            pipe.right().send("still here");
            assertEquals("still here", pipe.left().recv());
        }
    }

    @Test
    void aClosedEnd_cannotBeHandedToAChild() {
        Pipe<String> pipe = Pipe.open();
        Connection<String> end = pipe.right();
        end.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JvmProcess.start(() -> end.recv()));
        assertTrue(e.getMessage().contains("this end was closed"), e.getMessage());
        pipe.close();
    }

    @FunctionalInterface
    interface Executable {
        void run() throws Exception;
    }
}
