// Typed wrappers of every WGSL kernel family.
export * from "./elementwise.ts";
