package dev.multiproc.hazelcast;

/**
 * One job at the submitter: a task, or a chunk of a map, as its member will get it, and where
 * its outcome goes. Its mutable fields belong to the {@link Dispatcher}'s lock.
 */
final class ClusterJob {
    final long id;
    final byte kind;
    final byte[] task;
    final byte[] inputs;
    final int count;
    /** Resolves the classes of its result and exceptions here. */
    final ClassLoader loader;
    /** Where its outcome goes. */
    final AnswerDecoder.Sink sink;
    /** The task as the user gave it, for {@code shutdownNow}'s list; null for a chunk. */
    final Object original;
    /** True if it counts against the queue's capacity (a map's chunks do not). */
    final boolean counted;
    /** The member it was sent to, or null while it waits here. */
    MemberSlot member;
    /** Decided: answered, failed or cancelled; nothing else may decide it. */
    boolean settled;

    ClusterJob(long id, byte kind, byte[] task, byte[] inputs, int count, ClassLoader loader, AnswerDecoder.Sink sink,
               Object original, boolean counted) {
        this.id = id;
        this.kind = kind;
        this.task = task;
        this.inputs = inputs;
        this.count = count;
        this.loader = loader;
        this.sink = sink;
        this.original = original;
        this.counted = counted;
    }
}
