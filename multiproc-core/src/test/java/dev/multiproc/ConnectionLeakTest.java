package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Footprint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 10,000 pipes made, used, waited on and closed leave no fd and no thread behind. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionLeakTest {
    @Test
    void tenThousandPipes_openedUsedAndClosed_leaveNothingBehind() throws Exception {
        warmUp();
        Footprint before = Footprint.take();
        for (int i = 0; i < 10_000; i++) {
            try (Pipe<Integer> pipe = i % 2 == 0 ? Pipe.open() : Pipe.openOneWay()) {
                pipe.right().send(i);
                if (i % 10 == 0) {
                    // armed on the event loop: a registration to undo at close
                    assertEquals(List.of(pipe.left()), Multiproc.waitReady(List.of(pipe.left()), Duration.ofSeconds(10)));
                    pipe.left().poll(Duration.ofMillis(1));
                }
                assertEquals(i, pipe.left().recv());
            }
        }
        before.assertNothingLeftBehind("10,000 pipes");
    }

    private static void warmUp() throws Exception {
        try (Pipe<Integer> pipe = Pipe.open()) {
            pipe.right().send(1);
            Multiproc.waitReady(List.of(pipe.left()), Duration.ofSeconds(1));
            pipe.left().recv();
        }
    }
}
