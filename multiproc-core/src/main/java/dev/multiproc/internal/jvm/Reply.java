package dev.multiproc.internal.jvm;

import dev.multiproc.internal.wire.RemoteFailure;

/** What a child JVM answered on its control channel. */
sealed interface Reply {
    /** The task returned; {@code bytes} is the serialized value. */
    record Result(byte[] bytes) implements Reply {}

    /** The task (or the child's handling of it) failed. */
    record Failure(RemoteFailure failure) implements Reply {}

    /** No answer: the channel ended first ({@code problem} null) or broke ({@code problem} says how). */
    record None(String problem) implements Reply {}
}
