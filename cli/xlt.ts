// The `xlt` executable: bin/xlt.js (Node, on the compiled dist/) and `deno task xlt` run this file.
// cli/main.ts only exports main(), so that tests and other code can import it without starting the CLI.
import { runtime, shutdownGpu } from "../src/gpu/device.ts";
import { main } from "./main.ts";

const g = globalThis as any;
// `deno task` runs in the directory of deno.json; the task passes the caller's directory (INIT_CWD) as
// XLT_CALLER_CWD, so relative paths mean what they mean to the user, as they do on Node
if (runtime === "deno") {
  const caller = g.Deno.env.get("XLT_CALLER_CWD");
  if (caller) {
    g.Deno.env.delete("XLT_CALLER_CWD");
    try {
      g.Deno.chdir(caller);
    } catch {
      console.error(`xlt: cannot change to the directory deno task was called from (${caller})`);
      g.Deno.exit(1);
    }
  }
}
const code = await main(runtime === "deno" ? g.Deno.args : g.process.argv.slice(2));
await shutdownGpu();
if (runtime === "deno") g.Deno.exit(code);
else g.process.exit(code);
