package contract;

import dev.multiproc.ProcessPool;
import dev.multiproc.SerializableFunction;
import dev.multiproc.SerializableRunnable;
import dev.multiproc.Task;
import dev.multiproc.TaskTimeoutException;
import dev.multiproc.WorkerDiedException;
import dev.multiproc.MultiprocException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Stream;

/** The fixed names of the process pool, used as a program outside the project would. */
public final class ProcessPoolContract {
    private ProcessPoolContract() {}

    static void pools() throws Exception {
        ProcessPool pool = ProcessPool.builder()
                .workers(2)
                .jvmOptions("-Xmx256m")
                .initializer(() -> "ready")
                .maxTasksPerWorker(100)
                .taskTimeout(Duration.ofSeconds(30))
                .queueCapacity(1000)
                .name("pool")
                .build();
        ExecutorService asExecutor = pool;
        AutoCloseable asCloseable = pool;
        Task<Integer> task = () -> 42;
        CompletableFuture<Integer> future = pool.submit(task);
        CompletableFuture<Integer> lambda = pool.submit(() -> 6 * 7);
        SerializableFunction<Integer, Integer> square = x -> x * x;
        Function<Integer, Integer> asFunction = square;
        List<Integer> squares = pool.map(square, List.of(1, 2, 3));
        List<Integer> chunked = pool.map(square, List.of(1, 2, 3), 2);
        Stream<Integer> unordered = pool.mapUnordered(square, List.of(1, 2, 3));
        SerializableRunnable r = () -> { };
        pool.execute(r);
        MultiprocException died = new WorkerDiedException("died", 1, null, "", null);
        MultiprocException late = new TaskTimeoutException("late", Duration.ofSeconds(1), 1);
        pool.shutdown();
        pool.close();
        System.out.println(asExecutor + " " + asCloseable + future + lambda + asFunction + squares + chunked
                + unordered + died + late);
    }
}
