package dev.multiproc.testing;

import dev.multiproc.Command;

/** Starts {@code true} twice and prints, for each try, what was thrown: its class and message, or {@code started}. */
public final class FirstUseMain {
    private FirstUseMain() {}

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try {
                Command.of("true").start().waitFor();
                System.out.println("started");
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}
