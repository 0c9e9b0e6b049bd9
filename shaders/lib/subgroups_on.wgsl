// `enable subgroups;` for kernel variants that use subgroup operations (the adapter has the feature and a
// probe confirmed its subgroup size: src/gpu/device.ts). Included first: `enable` precedes every declaration.
enable subgroups;
