#!/usr/bin/env -S node --
// The whole of sdocker (dist/bin/sdocker-main.cjs); the only file, with cli-run.ts, that reads
// process.argv and sets process.exitCode (through process-deps.ts).
// No top-level await: this file is bundled as CommonJS (scripts/bundle.mjs).
import { main } from './main.js';
import { runMain } from './process-deps.js';

runMain(main);
