/**
 * {@code stemma bench ...}: measured figures, printed as JSON. The machines are shared and
 * noisy, so every benchmark measures ratios within one run, alternating the variants it compares
 * round by round, and reports medians.
 */
package dev.stemma.cli.bench;
