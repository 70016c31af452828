/**
 * The modified-backward family's core: {@link dev.loupe.relevance.RuleSweep} runs rule-driven
 * backward passes in the batches the compute service plans and returns the signal at the input or
 * at a layer; the rules and composites of guided backprop, deconvnet, LRP and Excitation Backprop
 * live beside it.
 */
@Export
@Version("1.0.0")
package dev.loupe.relevance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
