package dev.multiproc.hazelcast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a process runs, from {@code /proc}: a zombie counts as gone (nobody reaps orphans here). */
final class Processes {
    private Processes() {}

    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
