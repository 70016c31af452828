/**
 * Activation maximisation ("feature visualisation", Olah et al. 2017): gradient ascent on the input
 * with Lucid's parameterisation and transforms, written in plain Java with hand-derived adjoints so
 * that only the model's own pass runs in DJL.
 */
package dev.loupe.inspect.actmax;
