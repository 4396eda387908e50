package dev.multiproc.docs;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles Java source text in memory against a class path, returning javac's complaints. */
final class JavaSources {
    private JavaSources() {}

    /** A compilation unit: a class name and its source. */
    record Unit(String className, String source) {}

    /** Compiles {@code units} against {@code classPath} alone; returns javac's errors, empty if none. */
    static String compile(List<Unit> units, Path classPath, Path outputDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> files = new ArrayList<>();
        for (Unit u : units) {
            files.add(new SimpleJavaFileObject(URI.create("string:///" + u.className().replace('.', '/') + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return u.source();
                }
            });
        }
        StringWriter errors = new StringWriter();
        List<String> options = List.of("--release", "25", "-proc:none", "-implicit:none",
                "-cp", classPath.toString(), "-d", outputDir.toString());
        boolean ok = javac.getTask(errors, null, null, options, null, files).call();
        return ok ? "" : errors.toString();
    }

    /**
     * Runs javac with {@code args} as on its command line; returns its complaints, empty if it
     * compiled. The class path is {@code classPath}, never this JVM's, which javac would take
     * otherwise: there the library's classes sit in the unnamed module.
     */
    static String javac(Path classPath, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--class-path", classPath.toString()));
        all.addAll(args);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, all.toArray(String[]::new));
        String text = errors.toString(Charset.defaultCharset());
        return status == 0 ? "" : text.isEmpty() ? "javac exited with " + status : text;
    }

    /** The core artifact the build handed to this test: the jar under {@code verify}. */
    static Path coreArtifact() {
        return Path.of(System.getProperty("multiproc.core"));
    }
}
