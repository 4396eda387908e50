/**
 * multiproc: Python-grade multiprocessing and subprocess management for Java on Linux.
 *
 * <p>The whole API is the package {@code dev.multiproc}; everything under
 * {@code dev.multiproc.internal} is private to the library.
 */
module dev.multiproc {
    requires java.management;
    requires jdk.unsupported;

    exports dev.multiproc;
}
