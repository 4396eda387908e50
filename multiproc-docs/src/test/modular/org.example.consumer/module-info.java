/**
 * A user's module: it reads the library through its module, as {@code requires} makes it,
 * and nothing more.
 */
module org.example.consumer {
    requires dev.multiproc;
}
