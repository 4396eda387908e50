package dev.multiproc.internal.jvm;

import dev.multiproc.MultiprocException;
import dev.multiproc.internal.child.ChildMain;
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
public record JavaRuntime(String java, List<String> classPath, String modulePath, List<String> accessOptions,
                          Optional<Path> libraryJar, boolean libraryInNamedModule) {

    private static final List<String> COPIED_PREFIXES = List.of("--enable-native-access=",
            "--illegal-native-access=", "--add-opens=", "--add-exports=", "--add-reads=", "--add-modules=",
            "--enable-preview");

    /** Read at the first start; a failed read is not kept, so the next start reads again. */
    private static volatile JavaRuntime current;

    /**
     * This JVM's runtime, read once (after {@link FirstStart#prepareManagement}).
     *
     * @throws MultiprocException if the JDK's classes it needs cannot be initialized now (out of
     *     file descriptors); a later call tries again
     */
    public static JavaRuntime current() {
        JavaRuntime r = current;
        if (r == null) {
            FirstStart.prepareManagement();
            synchronized (JavaRuntime.class) {
                r = current;
                if (r == null) {
                    r = read();
                    current = r;
                }
            }
        }
        return r;
    }

    /** The jar or class directory {@code type} was loaded from, if known. */
    private static Optional<Path> location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
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
        // Native access granted otherwise (an executable jar's manifest) is passed on too: the
        // child's library code links C functions when a signal ends it (SignalExit).
        Module library = ChildMain.class.getModule();
        String name = library.isNamed() ? library.getName() : "ALL-UNNAMED";
        boolean granted = access.stream().filter(a -> a.startsWith("--enable-native-access="))
                .anyMatch(a -> List.of(a.substring(a.indexOf('=') + 1).split(",")).contains(name));
        if (library.isNativeAccessEnabled() && !granted) {
            access.add("--enable-native-access=" + name);
        }
        return new JavaRuntime(executable, List.copyOf(classPath), System.getProperty("jdk.module.path"),
                List.copyOf(access), findLibraryJar(), ChildMain.class.getModule().isNamed());
    }

    /** The jar this library was loaded from, if it was loaded from a jar. */
    private static Optional<Path> findLibraryJar() {
        return location(ChildMain.class).filter(path -> Files.isRegularFile(path) && path.toString().endsWith(".jar"));
    }
}
