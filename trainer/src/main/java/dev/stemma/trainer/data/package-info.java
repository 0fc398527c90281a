/**
 * Training images behind one interface, {@link dev.stemma.trainer.data.ImageDataset}: IDX files
 * (as Fashion-MNIST ships them) and plain image folders, named by a spec string
 * ({@code idx:DIR}, {@code folder:DIR}) that {@link dev.stemma.trainer.data.Datasets} opens.
 * Pixels are floats in [-1, 1], channel-first; every error names the file at fault.
 */
package dev.stemma.trainer.data;
