package dev.stemma.protocol;

import java.util.Objects;

/**
 * One trainable adapter tensor by name, e.g. {@code down1.res0.conv1/lora_a} or
 * {@code tokens/Shirt}. Names are 1 to 255 UTF-8 bytes; together with the base model, the
 * factors of one step rebuild the model as it was at that step.
 */
public record NamedTensor(String name, Tensor value) {
    public NamedTensor {
        Names.require(name, "tensor name");
        Objects.requireNonNull(value, "value");
    }
}
