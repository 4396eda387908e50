package dev.multiproc.bench;

/** The floor for a cold child JVM: a JVM that prints one line and exits. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
