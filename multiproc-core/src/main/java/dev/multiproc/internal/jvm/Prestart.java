package dev.multiproc.internal.jvm;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * In a cold child: initializes, on a second thread, the parts of serialization that take a
 * fresh JVM milliseconds and do not depend on the task (the JVM-wide filter configuration,
 * which looks up the system logger and reads the security properties; the object output
 * machinery), while the main thread opens the channel and reads the task.
 */
final class Prestart implements Runnable {
    private Prestart() {}

    static void begin() {
        Thread t = new Thread(new Prestart(), "multiproc-prestart");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            ObjectInputFilter.Config.getSerialFilter();
            new ObjectOutputStream(OutputStream.nullOutputStream()).close();
        } catch (IOException | RuntimeException e) {
            // only a head start; the main thread does it again if needed
        }
    }
}
