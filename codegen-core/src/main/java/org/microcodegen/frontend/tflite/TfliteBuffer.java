package org.microcodegen.frontend.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One buffer: {@code length} bytes at {@code fileOffset} in the model file (inside the FlatBuffer's data
 * vector, or past its end in the large-model form with offset/size fields). Empty buffers have length 0.
 * The bytes are not copied; {@link #data()} is a fresh read-only little-endian view each call.
 */
public record TfliteBuffer(int index, long fileOffset, int length, ByteBuffer view) {
    public ByteBuffer data() {
        return view.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public byte[] bytes() {
        byte[] b = new byte[length];
        data().get(b);
        return b;
    }

    public boolean isEmpty() {
        return length == 0;
    }
}
