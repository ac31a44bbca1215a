#!/usr/bin/env node
// kubectl-purelb from the sources of this checkout: the kubectl plugin (`kubectl purelb status`), the
// same program as purelb (see run-source.js). kubectl finds it on PATH by its name.
import { runSource } from './run-source.js';

process.exitCode = await runSource('kubectl-purelb', 'purelb.ts', process.argv.slice(2));
