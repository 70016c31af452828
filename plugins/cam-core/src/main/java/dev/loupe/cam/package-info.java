/**
 * The CAM family's core: {@link dev.loupe.cam.ClassActivationMaps} captures a layer's activations
 * (and gradients), turns them into a raw map with a method's {@link dev.loupe.cam.CamFormula}, and
 * finishes it as pytorch-grad-cam does (ReLU, per-image min-max, half-pixel bilinear upsampling,
 * averaging over layers). {@link dev.loupe.cam.CamExplainer} makes a method of a formula in a few
 * lines; {@link dev.loupe.cam.CamProbe} runs the forward passes Score-CAM and Ablation-CAM need.
 */
@Export
@Version("1.0.0")
package dev.loupe.cam;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
