/**
 * The denoiser and the diffusion around it: {@link dev.stemma.trainer.model.UNet} (a class-conditional
 * U-Net on DJL's Block API with hand-built GroupNorm, SiLU, residual blocks, one self-attention and
 * optional LoRA adapters and concept tokens), its configuration, the DDPM noise schedule, the DDIM
 * sampler with classifier-free guidance, and the named-tensor file format of bases and adapters.
 */
package dev.stemma.trainer.model;
