/**
 * The {@code stemma} command. {@link dev.stemma.cli.Stemma} is the entry point: it wires the
 * subcommands, one class each, and turns bad input into one clear line and a non-zero exit.
 */
package dev.stemma.cli;
