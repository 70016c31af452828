/**
 * The {@code filters} inspector: a convolution's kernels as labelled tiles (RGB for the first layer,
 * channel means deeper in), with the weights.
 */
package dev.loupe.inspect.filters;
