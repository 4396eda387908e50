package dev.multiproc.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's internals cannot be reached from a user's module: its module exports the API
 * package alone, and javac refuses a module that imports a public class of any internal
 * package, saying the package is not exported. On the class path the same source compiles, which is why the module matters.
 */
class InternalsNotExportedTest {
    private static final String API = "dev.multiproc";

    @TempDir
    Path work;

    private Path core;
    private Set<String> internalPackages;
    /** Per internal package, what a user's source would import: a public class, or the package. */
    private Set<String> imports;

    @BeforeEach
    void readTheCoreJar() throws IOException {
        core = JavaSources.coreArtifact();
        Set<String> jarClasses = new TreeSet<>();
        try (JarFile jar = new JarFile(core.toFile())) {
            jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("dev/multiproc/internal/") && n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .forEach(jarClasses::add);
        }
        internalPackages = new TreeSet<>();
        jarClasses.forEach(name -> internalPackages.add(name.substring(0, name.lastIndexOf('.'))));
        assertTrue(internalPackages.size() >= 5, "internal packages found in " + core + ": " + internalPackages);
        imports = new TreeSet<>();
        for (String pkg : internalPackages) {
            imports.add(publicClassIn(jarClasses, pkg).orElse(pkg + ".*"));
        }
    }

    /** A public top-level class of {@code pkg}, loaded without being initialized. */
    private static Optional<String> publicClassIn(Set<String> classes, String pkg) {
        ClassLoader loader = InternalsNotExportedTest.class.getClassLoader();
        for (String name : classes) {
            if (name.startsWith(pkg + ".") && name.lastIndexOf('.') == pkg.length() && !name.contains("$")) {
                try {
                    if (Modifier.isPublic(Class.forName(name, false, loader).getModifiers())) {
                        return Optional.of(name);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not loadable here: try another
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void theModule_exportsTheApiPackageAlone() {
        ModuleDescriptor module = ModuleFinder.of(core).findAll().iterator().next().descriptor();
        assertEquals(API, module.name());
        assertEquals(Set.of(API), module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()));
        assertTrue(module.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(module.opens().isEmpty() && !module.isOpen(), "the module opens nothing");
        assertTrue(module.packages().containsAll(internalPackages), module.packages().toString());
    }

    @Test
    void aModuleThatImportsAnInternalPackage_doesNotCompile() throws IOException {
        Path sources = intruder(true, imports);
        String errors = JavaSources.javac(emptyDirectory(), modulePathCompile(sources));
        assertFalse(errors.isEmpty(), "a module compiled against the internals");
        for (String pkg : internalPackages) {
            assertTrue(errors.contains("package " + pkg + " is declared in module " + API
                    + ", which does not export it"), pkg + " is not refused as unexported:\n" + errors);
        }
    }

    @Test
    void theSameModuleImportingOnlyTheApi_compiles() throws IOException {
        Path sources = intruder(true, Set.of());
        assertEquals("", JavaSources.javac(emptyDirectory(), modulePathCompile(sources)));
    }

    @Test
    void theSameSourceOnTheClassPath_compiles() throws IOException {
        Path sources = intruder(false, imports);
        Path intruder = sources.resolve("org/example/intruder/Intruder.java");
        assertEquals("", JavaSources.javac(core, List.of("--release", "25", "-proc:none",
                "-d", work.resolve("classes").toString(), intruder.toString())));
    }

    private Path emptyDirectory() throws IOException {
        return Files.createDirectories(work.resolve("empty"));
    }

    private List<String> modulePathCompile(Path sources) {
        return List.of("--release", "25", "-proc:none", "--module-path", core.toString(),
                "-d", work.resolve("classes").toString(),
                sources.resolve("module-info.java").toString(),
                sources.resolve("org/example/intruder/Intruder.java").toString());
    }

    /**
     * Writes a class that imports the API on demand and each of {@code names} (a class, or a
     * package on demand), in a module that requires the library if {@code modular}; returns its
     * source directory.
     */
    private Path intruder(boolean modular, Set<String> names) throws IOException {
        Path dir = work.resolve("src");
        Files.createDirectories(dir.resolve("org/example/intruder"));
        if (modular) {
            Files.writeString(dir.resolve("module-info.java"),
                    "module org.example.intruder {\n    requires " + API + ";\n}\n");
        }
        List<String> lines = new ArrayList<>();
        lines.add("package org.example.intruder;");
        lines.add("import " + API + ".*;");
        names.forEach(name -> lines.add("import " + name + ";"));
        lines.add("class Intruder {");
        lines.add("    Command command = Command.of(\"true\");");
        lines.add("}");
        Files.write(dir.resolve("org/example/intruder/Intruder.java"), lines);
        return dir;
    }
}
