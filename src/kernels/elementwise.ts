// Activations (GELU erf form, ReLU, tanh) and residual adds: shaders/elementwise.wgsl.
import { dispatch, kernel } from "../gpu/recorder.ts";
import { expectShape, Tensor } from "../gpu/tensor.ts";
import { strideGrid } from "./grid.ts";

type Unary = "gelu" | "relu" | "tanh";

function run(name: string, bufs: Tensor[], n: number, flopsPer: number) {
  const g = bufs[0].gpu;
  const { groups, stride } = strideGrid(g, n);
  dispatch(g, kernel(g, "elementwise", name), bufs.map((t) => ({ buffer: t.buffer })), { n, stride }, [groups], {
    flops: n * flopsPer,
    bytes: n * 4 * bufs.length,
    detail: `n=${n}`,
  });
}

/** y = act(x). `out` may be given to reuse a buffer. */
export function activationForward(act: Unary, x: Tensor, out?: Tensor): Tensor {
  const y = out ?? Tensor.empty(x.gpu, x.shape, "f32", `${act}.out`);
  expectShape(`${act}_forward`, "out", y, x.shape);
  run(`${act}_forward`, [x, y], x.size, act === "gelu" ? 20 : 1);
  return y;
}

/**
 * dx = dy · act'(·). GELU needs the forward INPUT `saved`; ReLU and tanh need the forward OUTPUT.
 */
export function activationBackward(act: Unary, saved: Tensor, dy: Tensor, out?: Tensor): Tensor {
  expectShape(`${act}_backward`, "dy", dy, saved.shape);
  const dx = out ?? Tensor.empty(saved.gpu, saved.shape, "f32", `${act}.dx`);
  expectShape(`${act}_backward`, "dx", dx, saved.shape);
  run(`${act}_backward`, [saved, dy, dx], saved.size, act === "gelu" ? 25 : 2);
  return dx;
}

/** out = a + b */
export function add(a: Tensor, b: Tensor, out?: Tensor): Tensor {
  expectShape("add", "b", b, a.shape);
  const o = out ?? Tensor.empty(a.gpu, a.shape, "f32", "add.out");
  expectShape("add", "out", o, a.shape);
  run("add", [a, b, o], a.size, 1);
  return o;
}

/** acc += a (in place) */
export function accumulate(acc: Tensor, a: Tensor): void {
  expectShape("accumulate", "a", a, acc.shape);
  run("accumulate", [a, acc], a.size, 1);
}
