package dev.multiproc.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits text into lines at {@code '\n'} only: a {@code '\r'} stays in the line, as written
 * (no newline translation). Malformed input becomes U+FFFD. A last line without a newline
 * is still a line.
 */
public final class LineReader implements Iterator<String> {
    private final Reader reader;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean eof;
    private String next;

    public LineReader(InputStream in, Charset charset) {
        this.reader = new InputStreamReader(in, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return line;
    }

    /** The next line without its {@code '\n'}, or null at end of input. */
    public String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit) {
                if (eof) {
                    return line == null ? null : line.toString();
                }
                int n = reader.read(buffer, 0, buffer.length);
                if (n < 0) {
                    eof = true;
                    continue;
                }
                position = 0;
                limit = n;
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (line == null) {
                line = new StringBuilder(position - start + 16);
            }
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++; // the '\n'
                return line.toString();
            }
        }
    }
}
