/**
 * The perturbation family's core: feature masks, substrates and batched forward evaluation of perturbed
 * inputs through the compute service.
 */
@Export
@Version("1.0.0")
package dev.loupe.perturbation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
