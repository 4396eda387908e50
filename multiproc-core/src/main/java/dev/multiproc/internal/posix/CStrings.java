package dev.multiproc.internal.posix;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text as the C library takes it (arguments, environment entries): UTF-8 bytes, whatever the
 * JVM's locale. Text that has no UTF-8 form (a lone surrogate, which {@code String.getBytes}
 * and the FFM API would silently turn into {@code ?}) is refused, naming where it is.
 */
public final class CStrings {
    private CStrings() {}

    /**
     * {@code text} as UTF-8.
     *
     * @param what what the text is, for the message ({@code argv[2]}, {@code the value of LANG})
     * @throws IllegalArgumentException if {@code text} holds a lone surrogate
     */
    public static byte[] encode(String text, String what) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer bytes = encoder.encode(CharBuffer.wrap(text));
            byte[] array = new byte[bytes.remaining()];
            bytes.get(array);
            return array;
        } catch (CharacterCodingException e) {
            int at = firstLoneSurrogate(text);
            throw new IllegalArgumentException(what + " cannot be encoded as UTF-8: it holds a lone surrogate U+"
                    + String.format("%04X", (int) text.charAt(at)) + " at index " + at
                    + "; pass bytes that are not text as bytes", e);
        }
    }

    /** {@code bytes} as text, for people: bytes that are not UTF-8 become U+FFFD. */
    public static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The index of the first char of {@code text} that is half of no surrogate pair. */
    private static int firstLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return 0;
    }
}
