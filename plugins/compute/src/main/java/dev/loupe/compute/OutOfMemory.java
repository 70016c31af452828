package dev.loupe.compute;

import java.util.Locale;

/** Recognises running out of memory, whoever says it: the JVM, libtorch on the CPU, CUDA. */
final class OutOfMemory {
    private OutOfMemory() {
    }

    /** @return whether {@code e} or a cause of it is an out-of-memory failure */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            // CUDA: "CUDA out of memory"; libtorch's CPU allocator: "not enough memory", "can't allocate memory"
            if (m.contains("out of memory") || m.contains("not enough memory") || m.contains("can't allocate memory")) {
                return true;
            }
        }
        return false;
    }
}
