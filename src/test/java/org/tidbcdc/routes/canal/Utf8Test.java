package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The strict UTF-8 check agrees with the JDK's strict decoder, boundary by boundary. */
class Utf8Test {

    @Test
    void wellFormedTextPasses() {
        assertEquals(-1, Utf8.firstInvalid("plain ascii, é, 测试, 🙂, \u0000, \uFFFF".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, Utf8.firstInvalid(new byte[0]));
    }

    @Test
    void malformedSequencesAreFoundWhereTheyStart() {
        assertEquals(1, Utf8.firstInvalid(bytes(0x61, 0xC3, 0x28)));       // lead without continuation
        assertEquals(0, Utf8.firstInvalid(bytes(0xC0, 0xAF)));             // overlong '/'
        assertEquals(0, Utf8.firstInvalid(bytes(0xE0, 0x80, 0xAF)));       // overlong '/' in three bytes
        assertEquals(0, Utf8.firstInvalid(bytes(0xED, 0xA0, 0x80)));       // encoded surrogate U+D800
        assertEquals(0, Utf8.firstInvalid(bytes(0xF4, 0x90, 0x80, 0x80))); // above U+10FFFF
        assertEquals(0, Utf8.firstInvalid(bytes(0x80)));                   // lone continuation
        assertEquals(0, Utf8.firstInvalid(bytes(0xFF)));
        assertEquals(2, Utf8.firstInvalid(bytes(0x61, 0x62, 0xE6, 0xB5))); // cut short at the end
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            random.nextBytes(b);
            assertEquals(jdkAccepts(b), Utf8.firstInvalid(b) < 0, () -> HexFormat.of().formatHex(b));
        }
    }

    @Test
    void aFaultAfterALongAsciiRunIsFoundAtItsOffset() {
        // ASCII is skipped eight bytes at a time: a fault must be found at every position of such a word
        byte[] bad = bytes(0xC0, 0xAF);
        for (int at = 0; at <= 40; at++) {
            for (int tail = 0; tail <= 9; tail++) {
                byte[] b = new byte[at + bad.length + tail];
                Arrays.fill(b, (byte) 'a');
                System.arraycopy(bad, 0, b, at, bad.length);
                assertEquals(at, Utf8.firstInvalid(b), "fault at " + at + ", " + tail + " ASCII bytes after it");
            }
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnLongMixedText() {
        Random random = new Random(7);
        byte[][] pieces = {"a".getBytes(StandardCharsets.UTF_8), "ascii run ".getBytes(StandardCharsets.UTF_8),
                "é".getBytes(StandardCharsets.UTF_8), "测".getBytes(StandardCharsets.UTF_8),
                "🙂".getBytes(StandardCharsets.UTF_8), bytes(0xED, 0xA0, 0x80), bytes(0xE6, 0xB5), bytes(0x80)};
        for (int i = 0; i < 20_000; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                // mostly well-formed pieces, so that some inputs are valid end to end
                out.writeBytes(pieces[random.nextInt(random.nextInt(10) < 8 ? 5 : pieces.length)]);
            }
            byte[] b = out.toByteArray();
            assertEquals(jdkAccepts(b), Utf8.firstInvalid(b) < 0, () -> HexFormat.of().formatHex(b));
        }
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
