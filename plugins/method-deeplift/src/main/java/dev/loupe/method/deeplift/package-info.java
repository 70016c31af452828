/**
 * DeepLIFT: contributions relative to a reference input with the linear, Rescale and RevealCancel
 * rules, as backward rules on a model's graph.
 */
package dev.loupe.method.deeplift;
