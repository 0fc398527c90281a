/**
 * The analyzer: attribution of images to concepts and training images from stored
 * trajectories, the baselines, the evaluation and the drift metrics. Filled in by the analyzer
 * issue; this module exists so that the build layout is final.
 */
package dev.stemma.analyzer;
