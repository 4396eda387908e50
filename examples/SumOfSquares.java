import dev.multiproc.ProcessPool;
import dev.multiproc.WorkerPool;
import dev.multiproc.hazelcast.ClusterPool;
import java.util.List;
import java.util.stream.IntStream;

class SumOfSquares {
    // The same code runs on one machine or on a cluster: only how the pool is built differs.
    static long sumOfSquares(WorkerPool pool, List<Integer> inputs) throws InterruptedException {
        List<Long> squares = pool.map(x -> (long) x * x, inputs, 1_000);  // 1,000 inputs per task
        long pid = pool.submit(() -> ProcessHandle.current().pid()).join(); // one task, in some worker
        System.out.println("a task ran in worker " + pid);
        return squares.stream().mapToLong(Long::longValue).sum();
    }

    public static void main(String[] args) throws Exception {
        List<Integer> inputs = IntStream.rangeClosed(1, 100_000).boxed().toList();
        try (WorkerPool local = ProcessPool.builder().workers(4).build()) {
            System.out.println("local:   " + sumOfSquares(local, inputs));
        }
        try (WorkerPool cluster = ClusterPool.builder()
                .addresses("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703")
                .build()) {
            System.out.println("cluster: " + sumOfSquares(cluster, inputs));
        }
    }
}
