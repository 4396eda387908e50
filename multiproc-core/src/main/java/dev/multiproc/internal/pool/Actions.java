package dev.multiproc.internal.pool;

/**
 * What the parts of the pool that decide about jobs ({@link Dispatch}, {@link Answers},
 * {@link Cancels}, {@link Deadlines}) ask of the rest: they know workers only as
 * {@link Worker}s, and leave processes, timers and the pool's life to others. Called under
 * the pool's lock.
 */
interface Actions {
    /** Ends {@code w}'s process, killed for {@code reason} (a deadline, a cancel) or null; it is replaced. */
    void kill(Worker w, Unit reason);

    /** {@code w}'s channel cannot be trusted ({@code why}): it is read no more, and killed. */
    void corrupt(Worker w, String why);

    /** {@code w}'s first job in hand started now: its deadline counts from here. */
    void headStarted(Worker w);

    /** {@code w} was given its last job: its replacement starts. */
    void retired(Worker w);

    /** {@code w} said it is ready. */
    void ready(Worker w);

    /** {@code w}'s initializer failed; {@code payload} is its INIT_FAILED frame's. */
    void initFailed(Worker w, byte[] payload, Batch batch);

    /** Look for jobs to take back again in {@code nanos} (see {@link Dispatch}). */
    void recheckIn(long nanos);
}
