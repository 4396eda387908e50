package dev.multiproc.internal.pool;

import dev.multiproc.internal.engine.Engine;
import java.util.function.Consumer;

/**
 * What the parts ask of the pool ({@link Actions}), each carried out by the part that owns it:
 * processes by {@link Lifecycle}, deadlines by {@link Deadlines}, timers by the engine's event
 * loop. Wired once the parts exist (they need it to be built). Under the pool's lock.
 */
final class PoolActions implements Actions {
    private final PoolConfig config;
    private final Consumer<Consumer<Batch>> post;
    private Lifecycle lifecycle;
    private Deadlines deadlines;
    private Dispatch dispatch;

    /** @param post runs an event on the pool's thread, under its lock, soon */
    PoolActions(PoolConfig config, Consumer<Consumer<Batch>> post) {
        this.config = config;
        this.post = post;
    }

    void wire(Lifecycle lifecycle, Deadlines deadlines, Dispatch dispatch) {
        this.lifecycle = lifecycle;
        this.deadlines = deadlines;
        this.dispatch = dispatch;
    }

    @Override
    public void kill(Worker w, Unit reason) {
        lifecycle.kill(w, reason);
    }

    @Override
    public void corrupt(Worker w, String why) {
        lifecycle.corrupt(w, why);
    }

    @Override
    public void headStarted(Worker w) {
        deadlines.started(w);
    }

    @Override
    public void retired(Worker w) {
        lifecycle.ensureWorkers();
    }

    @Override
    public void ready(Worker w) {
        lifecycle.ready();
    }

    @Override
    public void initFailed(Worker w, byte[] payload, Batch batch) {
        lifecycle.breakPool(Failures.initializerFailed(config.name(), w, payload, config.limits()), batch);
    }

    @Override
    public void recheckIn(long nanos) {
        Engine.get().loop().schedule(nanos, () -> post.accept(batch -> dispatch.rechecked()));
    }
}
