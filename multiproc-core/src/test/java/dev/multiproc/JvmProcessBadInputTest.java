package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.FloodMain;
import dev.multiproc.jvmtesting.JvmTesting;
import java.io.NotSerializableException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.io.Serializable;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error and leaves nothing behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessBadInputTest {
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial")
        final Object conn;

        Holder(Object conn) {
            this.conn = conn;
        }
    }

    @Test
    void a_task_that_captures_something_not_serializable_is_refused_before_any_child_starts() throws Exception {
        long before = ProcessHandle.current().children().count();
        try (Socket socket = new Socket()) {
            Holder holder = new Holder(socket);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JvmProcess.start(() -> holder.toString()));
            assertEquals("the task cannot be sent to a child JVM: task → captured arg 0 (" + Holder.class.getName()
                    + ") → field conn: java.net.Socket is not Serializable", e.getMessage());
            assertInstanceOf(NotSerializableException.class, e.getCause().getCause());
        }
        assertEquals(before, ProcessHandle.current().children().count(), "no child was started");
    }

    @Test
    void a_result_that_is_not_serializable_fails_naming_its_class_and_the_child_exits_1() throws Exception {
        JvmProcess<List<Holder>> p = JvmProcess.start(() -> List.of(new Holder(new Object())));
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals("java.io.NotSerializableException", e.remoteClassName().orElseThrow());
        assertTrue(e.getMessage().contains("result (java.util.ImmutableCollections$List12) → element 0 (" + Holder.class.getName()
                + ") → field conn: java.lang.Object is not Serializable"), e.getMessage());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }

    @Test
    void an_unknown_jvm_option_fails_with_the_jvms_own_message() throws Exception {
        JvmProcess<String> p = JvmProcess.builder().jvmOptions("-XX:+NoSuchMultiprocOption").start(() -> "x");
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("Unrecognized VM option 'NoSuchMultiprocOption'"), e.getMessage());
        assertTrue(e.stderrTail().contains("Could not create the Java Virtual Machine"), e.stderrTail());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }

    @Test
    void a_task_class_missing_from_the_childs_class_path_fails_naming_it() throws Exception {
        // A class made here, in memory: the child's class path cannot have it.
        byte[] bytes = ClassFile.of().build(ClassDesc.of("gen.Missing"), c -> c
                .withFlags(ClassFile.ACC_PUBLIC)
                .withSuperclass(ConstantDescs.CD_Object)
                .withInterfaceSymbols(ClassDesc.of(Task.class.getName()))
                .withMethod("<init>", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC, m -> m
                        .withCode(code -> code.aload(0)
                                .invokespecial(ConstantDescs.CD_Object, "<init>", MethodTypeDesc.of(ConstantDescs.CD_void))
                                .return_()))
                .withMethod("call", MethodTypeDesc.of(ConstantDescs.CD_Object), ClassFile.ACC_PUBLIC, m -> m
                        .withCode(code -> code.ldc("never").areturn())));
        InMemoryLoader loader = new InMemoryLoader(getClass().getClassLoader());
        @SuppressWarnings("unchecked")
        Task<String> task = (Task<String>) loader.define("gen.Missing", bytes).getConstructor().newInstance();
        JvmProcess<String> p = JvmProcess.start(task);
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals("java.lang.ClassNotFoundException", e.remoteClassName().orElseThrow());
        assertTrue(e.getMessage().contains("cannot load the task"), e.getMessage());
        assertTrue(e.getMessage().contains("gen.Missing"), e.getMessage());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }

    private static final class InMemoryLoader extends ClassLoader {
        InMemoryLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    @Test
    void a_child_that_floods_its_stderr_is_drained_and_its_tail_kept(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr");
        Subprocess parent = JvmTesting.javaCommand(FloodMain.class, "8").stderr(Redirect.to(err)).start();
        String out = new String(parent.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, parent.waitFor().returncode(), out + Files.readString(err));
        assertEquals("tail-ok\nexit 3\n", out);
        assertTrue(Files.size(err) > 8L << 20, "the child's stderr was passed on: " + Files.size(err));
    }

    @Test
    void a_result_over_the_filters_limit_is_refused_here() throws Exception {
        JvmProcess<int[]> p = JvmProcess.builder().deserializationFilter("maxarray=100").start(() -> new int[1000]);
        MultiprocException e = assertThrows(MultiprocException.class, p::result);
        assertTrue(e.getMessage().contains("cannot be deserialized in this JVM"), e.getMessage());
        assertTrue(e.getMessage().contains("rejected by the deserialization filter"), e.getMessage());
        assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
    }

    @Test
    void a_task_over_the_filters_limit_is_refused_in_the_child() throws Exception {
        int[] big = new int[1000];
        JvmProcess<Integer> p = JvmProcess.builder().deserializationFilter("maxarray=100").start(() -> big.length);
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("cannot load the task"), e.getMessage());
        assertTrue(e.getMessage().contains("rejected by the deserialization filter"), e.getMessage());
    }

    @Test
    void result_after_kill_says_the_child_was_killed() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            Thread.sleep(60_000);
            return "x";
        });
        p.kill();
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(-9, e.exitStatus().orElseThrow().returncode());
    }

}
