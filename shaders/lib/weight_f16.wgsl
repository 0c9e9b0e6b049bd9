enable f16;
// Weight element type WT for frozen weights stored in f16 (--f16-frozen; the device has shader-f16). Kernels
// convert each element to f32 on load (f32(w[i])) and accumulate in f32. Included first: `enable` must
// precede every declaration of the module.
alias WT = f16;
