package dev.multiproc.internal.guardian;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a JVM that runs one of the library's own classes and none of the
 * application's: this JVM's {@code java}, the options given, and nothing but the library on its
 * class path (or module path). The guardian is such a JVM.
 */
final class HelperJvm {
    private HelperJvm() {}

    /** The command that runs {@code mainClass}, a class of this library, with {@code jvmOptions}. */
    static List<String> command(Class<?> mainClass, List<String> jvmOptions) {
        List<String> argv = new ArrayList<>();
        argv.add(java());
        argv.addAll(jvmOptions);
        Module module = mainClass.getModule();
        if (module.isNamed()) {
            argv.add("--enable-native-access=" + module.getName());
            argv.add("--module-path");
            argv.add(System.getProperty("jdk.module.path"));
            argv.add("--module");
            argv.add(module.getName() + "/" + mainClass.getName());
        } else {
            argv.add("--enable-native-access=ALL-UNNAMED");
            argv.add("-cp");
            argv.add(location(mainClass).map(Path::toString).orElse(System.getProperty("java.class.path", "")));
            argv.add(mainClass.getName());
        }
        return argv;
    }

    /** This JVM's {@code java} executable. */
    private static String java() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : ProcessHandle.current().info().command().orElse("java");
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
}
