/**
 * The {@code prototypes} inspector: the inputs that score highest and lowest on a unit or a class,
 * with a ranking table and pictures.
 */
package dev.loupe.inspect.prototypes;
