package dev.multiproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.CompletedProcess;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code multiproc lab --json} must reproduce every claim of the seeds on this machine: every row ✔. */
class LabTest {
    private static final Pattern ROW = Pattern.compile("\\{\"number\": (\\d+), \"claim\": \"((?:[^\"\\\\]|\\\\.)*)\".*?"
            + "\"evidence\": \"((?:[^\"\\\\]|\\\\.)*)\", \"ok\": (true|false)");

    @Test
    @Timeout(180)
    void lab_json_everyRowHolds() throws Exception {
        CompletedProcess r = Cli.run("lab", "--json");
        String json = r.stdoutText();
        Matcher m = ROW.matcher(json);
        List<String> failed = new java.util.ArrayList<>();
        int rows = 0;
        while (m.find()) {
            rows++;
            if (!m.group(4).equals("true")) {
                failed.add(m.group(1) + " " + m.group(2) + ": " + m.group(3));
            }
        }
        assertEquals(15, rows, "the lab has a row for each claim of the seeds:\n" + json + r.stderrText());
        assertTrue(failed.isEmpty(), "rows that did not hold: " + failed);
        assertTrue(json.contains("\"ok\": true"), json);
        assertEquals(0, r.exitStatus().returncode(), r.stderrText());
        assertTrue(r.stderrText().contains("[15/15]"), "progress is shown while it runs: " + r.stderrText());
    }

    @Test
    void lab_markdownAndJsonAreExclusive() throws Exception {
        CompletedProcess r = Cli.run("lab", "--markdown", "--json");
        assertEquals(2, r.exitStatus().returncode());
        assertTrue(r.stderrText().contains("mutually exclusive"), r.stderrText());
    }
}
