/**
 * The gradient family's core: {@link dev.loupe.gradient.GradientSweep} evaluates input gradients
 * at many points derived from each input (integration steps, noisy copies, random baselines) in
 * the batches the compute service plans; {@link dev.loupe.gradient.Quadrature},
 * {@link dev.loupe.gradient.Baselines} and {@link dev.loupe.gradient.GaussianNoise} are the
 * pieces Integrated Gradients, SmoothGrad and GradientSHAP are made of.
 */
@Export
@Version("1.0.0")
package dev.loupe.gradient;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
