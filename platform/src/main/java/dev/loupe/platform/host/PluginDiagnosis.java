package dev.loupe.platform.host;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/** Turns broken jars and framework errors into one line a user can act on. */
public final class PluginDiagnosis {
    private static final Pattern MISSING = Pattern.compile("missing requirement .*?\\] ([\\w.]+); \\(&?\\(([\\w.]+)=([^)]+)\\)");
    private static final Pattern FLOOR = Pattern.compile("^\\(version>=([^)]+)\\)");
    private static final Pattern CEILING = Pattern.compile("^\\(!\\(version>=([^)]+)\\)\\)");

    private PluginDiagnosis() {
    }

    /**
     * What a jar's manifest says.
     *
     * @param symbolicName its Bundle-SymbolicName (without directives), or null
     * @param version its Bundle-Version, or "0.0.0"
     * @param fragment whether it is a fragment
     * @param engine whether it carries native code (static: restart to update)
     * @param problem why it cannot be a plugin, or null
     * @param gone whether the file disappeared before it could be read (renamed or deleted meanwhile)
     */
    public record JarFacts(String symbolicName, String version, boolean fragment, boolean engine, String problem,
            boolean gone) {
    }

    /**
     * Reads a jar's manifest without installing it.
     *
     * @param jar the file
     * @return its facts, with a problem for corrupt jars and jars that are not bundles
     */
    public static JarFacts inspect(Path jar) {
        String name = jar.getFileName().toString();
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            Manifest mf = file.getManifest();
            Attributes a = mf == null ? null : mf.getMainAttributes();
            String bsn = a == null ? null : a.getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                return new JarFacts(null, "", false, false, "plugin jar " + name
                        + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest); build it with bnd-maven-plugin",
                        false);
            }
            String version = a.getValue(Constants.BUNDLE_VERSION);
            String requires = a.getValue(Constants.REQUIRE_CAPABILITY);
            boolean engine = a.getValue(Constants.BUNDLE_NATIVECODE) != null
                    || (requires != null && requires.contains("osgi.native"))
                    || "true".equalsIgnoreCase(a.getValue("Loupe-Engine"));
            return new JarFacts(bsn.split(";")[0].trim(), version == null ? "0.0.0" : version.trim(),
                    a.getValue(Constants.FRAGMENT_HOST) != null, engine, null, false);
        } catch (NoSuchFileException | FileNotFoundException e) {
            // enable/disable renames jars: one listed a moment ago may be gone, which is not corruption
            return new JarFacts(null, "", false, false, null, true);
        } catch (IOException | SecurityException e) {
            return new JarFacts(null, "", false, false, "plugin jar " + name + " is corrupt ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); replace it with a jar built by Maven", false);
        }
    }

    /**
     * @param e a start or resolve failure
     * @return one line: for resolution failures the missing package (or other requirement) by name
     */
    public static String explain(BundleException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        Matcher m = MISSING.matcher(msg);
        if (m.find()) {
            String namespace = m.group(1);
            String what = m.group(3);
            String rest = msg.substring(m.end());
            Matcher floor = FLOOR.matcher(rest);
            String range = "";
            if (floor.find()) {
                Matcher ceiling = CEILING.matcher(rest.substring(floor.end()));
                range = ceiling.find() ? " version [" + floor.group(1) + ", " + ceiling.group(1) + ")"
                        : " version >= " + floor.group(1);
            }
            if ("osgi.wiring.package".equals(namespace)) {
                return "missing package " + what + range + ": no installed bundle exports it;"
                        + " install a bundle that exports it, or rebuild the plugin without that import";
            }
            return "missing requirement " + namespace + " " + what + range;
        }
        Throwable cause = e.getCause();
        String first = msg.lines().findFirst().orElse(msg);
        return cause == null ? first : first + " (" + cause + ")";
    }
}
