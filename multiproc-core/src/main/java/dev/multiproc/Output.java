package dev.multiproc;

import dev.multiproc.internal.io.Bytes;
import java.nio.charset.StandardCharsets;

/** Text helpers shared by results and exceptions that carry a child's output. */
final class Output {
    private Output() {}

    /** The last {@code max} bytes of {@code bytes}, as UTF-8 text, marked when cut. */
    static String tail(Bytes bytes, int max) {
        String text = new String(bytes.tail(max), StandardCharsets.UTF_8);
        return bytes.size() > max ? "…" + text : text;
    }
}
