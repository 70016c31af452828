package dev.loupe.backend.onnxruntime;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's native libraries in a per-user cache folder. Left to itself, ONNX Runtime copies
 * its 28 MB library out of its jar (here: this bundle) into a new temporary folder in every JVM and
 * leaves that folder behind; instead the libraries are copied once into
 * {@code $XDG_CACHE_HOME/loupe/onnxruntime/VERSION-PLATFORM/} (default {@code ~/.cache}) and ONNX
 * Runtime loads them from there ({@code onnxruntime.native.path}).
 */
final class NativeLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);
    /** ONNX Runtime's property naming a folder that holds its libraries. */
    static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};

    private NativeLibraries() {
    }

    /**
     * Makes sure the libraries for this platform are in the cache.
     *
     * @return the cache folder, or null when the libraries cannot be cached here (unknown
     *     platform, no writable cache): ONNX Runtime then extracts them itself
     */
    static Path cached() {
        String platform = platform();
        String version = version();
        if (platform == null || version == null) {
            return null;
        }
        Path dir = cacheRoot().resolve("loupe").resolve("onnxruntime").resolve(version + "-" + platform);
        try {
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library);
                URL resource = NativeLibraries.class.getResource("/ai/onnxruntime/native/" + platform + "/" + file);
                if (resource == null) {
                    return null;
                }
                URLConnection connection = resource.openConnection();
                long size = connection.getContentLengthLong();
                Path target = dir.resolve(file);
                if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
                    continue;
                }
                Files.createDirectories(dir);
                // copy, then rename: a concurrent start never loads a half-written library
                Path part = Files.createTempFile(dir, file, ".part");
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(part);
                }
            }
            return dir;
        } catch (IOException | SecurityException e) {
            LOG.debug("cannot cache ONNX Runtime's native libraries in {}: {}", dir, e.toString());
            return null;
        }
    }

    /** @return ONNX Runtime's folder name for this platform, or null for one it has no libraries for */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : os.contains("windows") ? "win" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }

    private static String version() {
        try (InputStream in = NativeLibraries.class.getResourceAsStream("onnxruntime.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v == null || v.isBlank() || v.contains("$") ? null : v.trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    }
}
