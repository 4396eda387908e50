package dev.multiproc;

/**
 * Something {@link Multiproc#waitReady} can wait for, together with others: a {@link Connection}
 * (a message or end of file to receive), a {@link ProcessQueue} (a message to take), a
 * {@link Subprocess} or a {@link JvmProcess} (it ended).
 * One wait covers every kind at once, where Python's {@code connection.wait} covers neither
 * queues nor events. Only the library's own objects are waitable.
 */
public sealed interface Waitable permits Connection, ProcessQueue, Subprocess, JvmProcess {
}
