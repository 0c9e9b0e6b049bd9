// The `xlt` executable: bin/xlt.js (Node, on the compiled dist/) and `deno task xlt` run this file.
// cli/main.ts only exports main(), so that tests and other code can import it without starting the CLI.
import { runtime, shutdownGpu } from "../src/gpu/device.ts";
import { main } from "./main.ts";

const g = globalThis as any;
const code = await main(runtime === "deno" ? g.Deno.args : g.process.argv.slice(2));
await shutdownGpu();
if (runtime === "deno") g.Deno.exit(code);
else g.process.exit(code);
