// Weight element type WT of the kernels that read Linear weights or embedding tables: f32 (the default).
alias WT = f32;
