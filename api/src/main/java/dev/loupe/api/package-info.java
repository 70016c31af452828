/**
 * Loupe's service provider interface: what attribution methods ({@link dev.loupe.api.Explainer}),
 * model backends ({@link dev.loupe.api.ModelBackend}), metrics ({@link dev.loupe.api.Metric}) and
 * the compute service ({@link dev.loupe.api.ComputeService}) implement, and the plain data they
 * exchange. Implementations register themselves as OSGi services; the host finds them in the
 * service registry.
 */
@Export
@Version("1.4.0")
package dev.loupe.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
