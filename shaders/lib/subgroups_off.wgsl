// The variant without subgroup operations (the counterpart of subgroups_on.wgsl): nothing to enable.
