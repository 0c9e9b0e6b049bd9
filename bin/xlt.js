#!/usr/bin/env node
// Node entry point: runs the compiled CLI (npm install compiles the TypeScript sources into dist/).
import("../dist/cli/xlt.js");
