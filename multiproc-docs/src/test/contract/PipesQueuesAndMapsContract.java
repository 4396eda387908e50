package contract;

import dev.multiproc.Connection;
import dev.multiproc.ConnectionClosedException;
import dev.multiproc.ExitStatus;
import dev.multiproc.Multiproc;
import dev.multiproc.Pipe;
import dev.multiproc.ProcessEvent;
import dev.multiproc.ProcessPool;
import dev.multiproc.ProcessQueue;
import dev.multiproc.Waitable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** The fixed names of pipes, connections, queues, the one wait over many, imap and mapAsync, used as a program outside the project would. */
public final class PipesQueuesAndMapsContract {
    private PipesQueuesAndMapsContract() {}

    static void pipes() throws Exception {
        try (Pipe<String> duplex = Pipe.open(); Pipe<String> oneWay = Pipe.openOneWay()) {
            Connection<String> left = duplex.left();
            Connection<String> right = duplex.right();
            left.send("hello");
            String got = right.recv();
            Optional<String> maybe = right.recv(Duration.ofMillis(10));
            boolean ready = right.poll(Duration.ZERO);
            left.sendBytes(new byte[] {1});
            byte[] bytes = right.recvBytes();
            oneWay.right().close();
            try {
                oneWay.left().recv();
            } catch (ConnectionClosedException e) {
                Optional<ExitStatus> peer = e.peerStatus();
                System.out.println(got + maybe + ready + bytes.length + peer);
            }
            left.close();
        }
    }

    static void queues() throws Exception {
        try (ProcessQueue<String> queue = ProcessQueue.create(10); ProcessEvent event = ProcessEvent.create()) {
            queue.put("a");
            boolean put = queue.put("b", Duration.ofSeconds(1));
            String a = queue.take();
            Optional<String> b = queue.poll(Duration.ofSeconds(1));
            queue.taskDone();
            queue.taskDone();
            queue.join();
            List<Waitable> ready = Multiproc.waitReady(List.of(queue, event), Duration.ZERO);
            System.out.println(put + a + b + ready);
        }
    }

    static void maps() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            Stream<Integer> lazy = pool.imap(x -> x + 1, List.of(1, 2, 3));
            Stream<Integer> bounded = pool.imap(x -> x + 1, List.of(1, 2, 3), 1, 16);
            Stream<Integer> fromStream = pool.imap(x -> x + 1, Stream.of(1, 2, 3));
            CompletableFuture<List<Integer>> all = pool.mapAsync(x -> x + 1, List.of(1, 2, 3));
            CompletableFuture<List<Integer>> chunked = pool.mapAsync(x -> x + 1, List.of(1, 2, 3), 2);
            System.out.println(lazy.toList() + " " + bounded.toList() + fromStream.toList() + all.get() + chunked.get());
        }
    }
}
