// Typed wrappers of every WGSL kernel family.
export * from "./elementwise.ts";
export * from "./layernorm.ts";
export * from "./crossentropy.ts";
export * from "./dropout.ts";
export * from "./embedding.ts";
export * from "./optim.ts";
export * from "./attention.ts";
export * from "./contrastive.ts";
export * from "./matmul.ts";
