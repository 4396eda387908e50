package dev.multiproc.jvmtesting;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessPool;
import dev.multiproc.Redirect;
import dev.multiproc.Task;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The first child JVM ({@code jvm}) or pool ({@code pool}) of this JVM is started while every
 * file descriptor is taken; then the descriptors are freed and it is started again. Prints
 * {@code first: CLASS: MESSAGE}, {@code fds N} (descriptors left open by the failed start) and
 * {@code second: RESULT} (or the second failure).
 */
public final class EmfileMain {
    private EmfileMain() {}

    public static void main(String[] args) throws Exception {
        loadLibraryClasses(); // loading a class from a directory takes a descriptor: not what is tested
        Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD)
                .start().waitFor(); // the library's engine runs, as in an application that used it
        Task<String> first = () -> "first";
        Task<String> second = () -> "second";
        Task<String> init = () -> "initialized";
        boolean pool = args[0].equals("pool");
        int before = openFds();
        List<FileInputStream> held = new ArrayList<>();
        try {
            while (true) {
                held.add(new FileInputStream("/dev/null"));
            }
        } catch (IOException e) {
            // every descriptor is taken
        }
        String outcome;
        try {
            outcome = pool ? String.valueOf(ProcessPool.builder().workers(1).initializer(init).build())
                    : String.valueOf(JvmProcess.start(first).result());
        } catch (Throwable t) {
            outcome = t.getClass().getName() + ": " + t.getMessage();
        }
        for (FileInputStream f : held) {
            f.close();
        }
        System.out.println("first: " + outcome);
        System.out.println("fds " + (openFds() - before));
        try {
            if (pool) {
                try (ProcessPool p = ProcessPool.builder().workers(1).initializer(init).build()) {
                    outcome = p.submit(second).get(60, TimeUnit.SECONDS);
                }
            } else {
                outcome = JvmProcess.start(second).result();
            }
        } catch (Throwable t) {
            outcome = t.getClass().getName() + ": " + t.getMessage();
        }
        System.out.println("second: " + outcome);
    }

    private static int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    private static void loadLibraryClasses() throws Exception {
        Path classes = Path.of(JvmProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(classes)) {
            return; // a jar stays open: its classes load without a new descriptor
        }
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (!name.equals("module-info")) {
                    Class.forName(name, false, EmfileMain.class.getClassLoader());
                }
            }
        }
    }
}
