// Runs the consumer's jar as a user would, `java -jar` and nothing else, and checks what it
// printed: the command's output, the child JVM's and the pool's results from other pids, and
// an empty stderr (no native-access warning: the manifest entry grants it).
import java.util.concurrent.TimeUnit

File jar = new File(basedir, 'target/hello-multiproc-1.0.jar')
assert jar.isFile()
assert new File(basedir, "target/lib/multiproc-core-${coreVersion}.jar").isFile()

String java = new File(System.getProperty('java.home'), 'bin/java').path
File stdout = new File(basedir, 'target/run.stdout')
File stderr = new File(basedir, 'target/run.stderr')
Process run = new ProcessBuilder(java, '-jar', jar.path)
        .directory(basedir)
        .redirectOutput(stdout)
        .redirectError(stderr)
        .start()
if (!run.waitFor(120, TimeUnit.SECONDS)) {
    run.descendants().forEach { it.destroyForcibly() }
    run.destroyForcibly()
    assert false : "java -jar still running after 120 s; stdout:\n${stdout.text}"
}
String report = "exit ${run.exitValue()}\nstdout:\n${stdout.text}stderr:\n${stderr.text}"
println "java -jar ${jar.name}: ${report}"
assert run.exitValue() == 0 : report
assert stderr.text.isEmpty() : report

List<String> lines = stdout.readLines()
assert lines.size() == 5 : report
def main = lines[0] =~ /^main: pid (\d+)$/
assert main.matches() : report
String mainPid = main.group(1)
assert lines[1] == 'command: hello from a command' : report
def jvm = lines[2] =~ /^jvm: 500500 from pid (\d+)$/
assert jvm.matches() && jvm.group(1) != mainPid : report
def pool = lines[3] =~ /^pool: 42 from pid (\d+)$/
assert pool.matches() && pool.group(1) != mainPid : report
assert lines[4] == 'map: [1, 4, 9, 16]' : report
true
