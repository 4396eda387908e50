package dev.multiproc.internal.jvm;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a child JVM copies from this one: the {@code java} executable, the class path and
 * module path, and the options that widen module access ({@code --enable-native-access},
 * {@code --add-opens}, ...). Read once.
 */
record JavaRuntime(String java, List<String> classPath, String modulePath, List<String> accessOptions,
                   Optional<Path> libraryJar, boolean libraryInNamedModule) {

    private static final List<String> COPIED_PREFIXES = List.of("--enable-native-access=",
            "--illegal-native-access=", "--add-opens=", "--add-exports=", "--add-reads=", "--add-modules=",
            "--enable-preview");

    private static final class Holder {
        static final JavaRuntime CURRENT = read();
    }

    static JavaRuntime current() {
        return Holder.CURRENT;
    }

    private static JavaRuntime read() {
        Path home = Path.of(System.getProperty("java.home"));
        Path java = home.resolve("bin").resolve("java");
        String executable = Files.isExecutable(java) ? java.toString()
                : ProcessHandle.current().info().command().orElse("java");
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(entry);
            }
        }
        List<String> access = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (COPIED_PREFIXES.stream().anyMatch(arg::startsWith)) {
                access.add(arg);
            }
        }
        return new JavaRuntime(executable, List.copyOf(classPath), System.getProperty("jdk.module.path"),
                List.copyOf(access), findLibraryJar(), ChildMain.class.getModule().isNamed());
    }

    /** The jar this library was loaded from, if it was loaded from a jar. */
    private static Optional<Path> findLibraryJar() {
        CodeSource source = ChildMain.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar")
                    ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
