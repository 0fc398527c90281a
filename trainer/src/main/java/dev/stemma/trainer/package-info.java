/**
 * The reference customisation job: a class-conditional U-Net diffusion model on DJL with the
 * PyTorch engine, LoRA adapters and concept tokens, DDPM training and DDIM sampling.
 * Filled in by the trainer issue; this module exists so that the build layout is final.
 */
package dev.stemma.trainer;
