package dev.multiproc.internal.jvm;

import dev.multiproc.Redirect;
import dev.multiproc.internal.child.ChildMain;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.launch.ChildSettings;
import dev.multiproc.internal.launch.LaunchRequest;
import dev.multiproc.internal.wire.Protocol;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line, environment, directory and redirects of a child JVM: everything fixed at
 * its spawn. Two equal specs make interchangeable children, which is what lets a warm spare
 * take a task: the name, the daemon flag and {@code survivesParent} travel with the task, so
 * they are not part of it (but whether stderr is tailed is).
 *
 * @param argv the {@code java} command, up to and including the main class
 * @param settings the directory, environment and redirects (stderr a pipe if it is tailed)
 * @param tailStderr true if stderr is piped through this JVM to keep its tail
 */
record LaunchSpec(List<String> argv, ChildSettings settings, boolean tailStderr) {

    static final String MAIN_CLASS = "dev.multiproc.internal.child.ChildMain";

    /**
     * The spec for a child with {@code config}.
     *
     * @throws dev.multiproc.MultiprocException if this JVM is out of file descriptors for the
     *     JDK's first initializations (see {@link FirstStart}); a later start tries again
     */
    static LaunchSpec of(JvmConfig config) {
        FirstStart.prepare(); // a child's tasks and answers are serialized: java.security.Security
        JavaRuntime runtime = JavaRuntime.current();
        // Paths are this JVM's: a child started in another directory must find the same files.
        List<String> options = AbsolutePaths.options(config.jvmOptions());
        List<String> argv = new ArrayList<>();
        argv.add(runtime.java());
        argv.addAll(AotCache.options(runtime, options, config.child()));
        argv.addAll(StartFlags.defaults(options));
        argv.addAll(runtime.accessOptions());
        List<String> classPath = config.classPath() == null ? classPath(runtime) : given(config.classPath());
        if (!classPath.isEmpty()) {
            argv.add("-cp");
            argv.add(AbsolutePaths.list(String.join(File.pathSeparator, classPath)));
        }
        if (runtime.modulePath() != null && !runtime.modulePath().isEmpty()) {
            argv.add("--module-path");
            argv.add(AbsolutePaths.list(runtime.modulePath()));
            argv.add("--add-modules=ALL-MODULE-PATH");
        }
        argv.addAll(options);
        config.systemProperties().forEach((k, v) -> argv.add("-D" + k + "=" + v));
        if (runtime.libraryInNamedModule()) {
            argv.add("-m");
            argv.add(ChildMain.class.getModule().getName() + "/" + MAIN_CLASS);
        } else {
            argv.add(MAIN_CLASS);
        }
        argv.add("--parent=" + ProcessHandle.current().pid());
        ChildSettings settings = config.child().withDaemon(false).withSurvivesParent(false);
        if (config.tailsStderr()) {
            settings = settings.withStderr(Redirect.PIPE);
        }
        return new LaunchSpec(List.copyOf(argv), settings, config.tailsStderr());
    }

    /**
     * The request that starts a child JVM with this spec, in {@code mode} ({@code --spare},
     * {@code --worker}) or none: with its control channel, two pipes at
     * {@link Protocol#TO_CHILD_FD} and {@link Protocol#FROM_CHILD_FD}.
     */
    LaunchRequest request(String mode, String name, boolean daemon) {
        List<String> command = new ArrayList<>(argv);
        if (mode != null) {
            command.add(mode);
        }
        return LaunchRequest.ofText(Child.Kind.JVM, name, command, settings.withDaemon(daemon))
                .withChannel(Protocol.TO_CHILD_FD, true)
                .withChannel(Protocol.FROM_CHILD_FD, false);
    }

    /**
     * A class path given for the child ({@link JvmConfig#withClassPath}), after the library's own
     * jar or folder, which holds the child's main class (on the module path, the library is
     * there already).
     */
    static List<String> given(List<String> entries) {
        List<String> cp = new ArrayList<>();
        if (!ChildMain.class.getModule().isNamed()) {
            java.security.CodeSource source = ChildMain.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                try {
                    cp.add(java.nio.file.Path.of(source.getLocation().toURI()).toString());
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file: the entries must hold the library then
                }
            }
        }
        cp.addAll(entries);
        return cp;
    }

    /**
     * This JVM's class path with the library's jar first, so that an AOT cache recorded with
     * that jar alone matches it as a prefix.
     */
    static List<String> classPath(JavaRuntime runtime) {
        if (runtime.libraryInNamedModule() || runtime.libraryJar().isEmpty()) {
            return runtime.classPath();
        }
        java.nio.file.Path jar = runtime.libraryJar().get();
        List<String> cp = new ArrayList<>();
        cp.add(jar.toString());
        for (String entry : runtime.classPath()) {
            if (!java.nio.file.Path.of(entry).toAbsolutePath().normalize().equals(jar)) {
                cp.add(entry);
            }
        }
        return cp;
    }
}
