/**
 * The inspection family's shared machinery: activations of layers over many inputs, in the
 * compute service's batches ({@link dev.loupe.inspect.LayerActivations}), and which layers carry
 * weights.
 */
@Export
@Version("1.0.0")
package dev.loupe.inspect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
