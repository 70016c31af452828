/** Deletion and insertion, the causal metrics of RISE: two metric services on one implementation. */
package dev.loupe.metric.deletion;
