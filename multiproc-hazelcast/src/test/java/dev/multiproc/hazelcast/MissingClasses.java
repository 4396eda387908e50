package dev.multiproc.hazelcast;

import dev.multiproc.Task;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;

/** A task whose class this JVM has but not on its class path: a member cannot get it. */
final class MissingClasses {
    private MissingClasses() {}

    @SuppressWarnings("unchecked")
    static Task<String> task(Path dir) throws Exception {
        Path src = dir.resolve("hidden-src/Hidden.java");
        Path out = dir.resolve("hidden-classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(out);
        Files.writeString(src, "public class Hidden implements dev.multiproc.Task<String> {\n"
                + "    private static final long serialVersionUID = 1L;\n"
                + "    public String call() { return \"hidden\"; }\n}\n");
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp",
                System.getProperty("java.class.path"), "-d", out.toString(), src.toString());
        if (status != 0) {
            throw new IllegalStateException("javac failed: " + status);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, MissingClasses.class.getClassLoader());
        return (Task<String>) loader.loadClass("Hidden").getDeclaredConstructor().newInstance();
    }

}
