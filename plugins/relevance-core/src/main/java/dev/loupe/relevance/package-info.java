/**
 * The modified-backward family's core: {@link dev.loupe.relevance.RuleSweep} runs rule-driven
 * backward passes in the batches the compute service plans and returns the signal at the input or
 * at a layer. {@link dev.loupe.relevance.ReluRules} holds guided backprop's and deconvnet's ReLU
 * rules; {@link dev.loupe.relevance.LrpRules} the LRP rules (Zennit's semantics),
 * {@link dev.loupe.relevance.Composite} and {@link dev.loupe.relevance.RuleMap} which layer gets
 * which, {@link dev.loupe.relevance.Conservation} how much relevance arrived;
 * {@link dev.loupe.relevance.OpContexts} runs a rule on a changed signal or changed parameters.
 */
@Export
@Version("1.0.0")
package dev.loupe.relevance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
