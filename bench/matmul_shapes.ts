// The matmul benchmark's layouts and shapes, shared by our side (matmul.ts) and tfjs's (tfjs.ts).
export type Layout = "NT" | "NN" | "TN";
export const LAYOUTS: { layout: Layout; what: string }[] = [
  { layout: "NT", what: "Y = X·Wᵀ" },
  { layout: "NN", what: "dX = dY·W" },
  { layout: "TN", what: "dW = dYᵀ·X" },
];

/** M tokens, N outputs, K inputs (a Linear layer K → N on M rows) and the iteration count */
export interface Shape {
  M: number;
  N: number;
  K: number;
  iters: number;
}
