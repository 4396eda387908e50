package dev.multiproc.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's "Use it in your project" names the artifact this build makes, at its version. */
class ReadmeCoordinatesTest {
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theMavenAndGradleCoordinates_nameThisVersion() throws Exception {
        String version = System.getProperty("multiproc.version");
        List<String> maven = new ArrayList<>();
        List<String> gradle = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(Path.of(System.getProperty("multiproc.readme"))));
        while (m.find()) {
            String code = m.group(2);
            if (m.group(1).equals("xml") && code.contains("<dependency>")) {
                maven.add(code);
            } else if (m.group(1).equals("kotlin")) {
                gradle.add(code);
            }
        }
        assertEquals(1, maven.size(), "one Maven dependency in the README: " + maven);
        assertEquals(1, gradle.size(), "one Gradle block in the README: " + gradle);
        for (String element : List.of("<groupId>dev.multiproc</groupId>", "<artifactId>multiproc-core</artifactId>",
                "<version>" + version + "</version>")) {
            assertTrue(maven.getFirst().contains(element), element + " missing in " + maven.getFirst());
        }
        assertTrue(gradle.getFirst().contains("\"dev.multiproc:multiproc-core:" + version + "\""), gradle.getFirst());
    }
}
