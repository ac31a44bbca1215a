#!/usr/bin/env node
// purelb from the sources of this checkout (see run-source.js).
import { runSource } from './run-source.js';

process.exitCode = await runSource('purelb', 'purelb.ts', process.argv.slice(2));
