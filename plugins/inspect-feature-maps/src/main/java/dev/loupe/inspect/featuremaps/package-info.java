/**
 * The {@code feature-maps} inspector: a layer's activation maps per input and channel, as labelled
 * tile grids, with the raw activations.
 */
package dev.loupe.inspect.featuremaps;
