package dev.loupe.render;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in headless Chromium and reads the footer the page's script wrote: proves that every
 * embedded image decodes in a real browser. Skipped, saying so, where no Chromium is installed.
 */
class HtmlReportBrowserTest {

    private static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    @Test
    void everyImageLoadsInAHeadlessBrowser(@TempDir Path dir) throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "no chromium on the PATH: the browser check of the HTML report is skipped");
        Path page = dir.resolve("report.html");
        HtmlReportTest.sample().write(page);
        Path dom = dir.resolve("dom.html");
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "chromium did not finish within 90 s");
        String out = Files.readString(dom, StandardCharsets.UTF_8);
        assertTrue(out.contains("<span id=\"image-status\">6 of 6 images loaded</span>"),
                "footer after load: " + out.substring(Math.max(0, out.indexOf("<footer")))
                        + "\nstderr: " + Files.readString(dir.resolve("stderr.txt")));
    }
}
