/**
 * Localisation metrics: how well an attribution falls on the object, judged against ground-truth
 * object masks (the pointing game, relevance mass accuracy).
 */
package dev.loupe.metric.localization;
