/**
 * Pictures of attributions, drawn headless with java.awt alone: heatmaps over the input
 * ({@link dev.loupe.render.HeatmapRenderer}), method-by-input comparison grids, line charts for
 * deletion/insertion curves and sanity checks, PNG output and self-contained HTML reports. The host calls
 * it; no method bundle needs it, so an attribution stays plain numbers until someone wants to look at it.
 */
@Export
@Version("1.0.0")
package dev.loupe.render;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
