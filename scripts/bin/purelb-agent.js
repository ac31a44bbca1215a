#!/usr/bin/env node
// purelb-agent from the sources of this checkout (see run-source.js).
import { runSource } from './run-source.js';

process.exitCode = await runSource('purelb-agent', 'cli.ts', process.argv.slice(2));
