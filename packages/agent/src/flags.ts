// Flag parsing shared by `purelb-agent`, `purelb-agent allocator` and `purelb diagnose`: each command
// names its own error class (a usage error, exit 2), and every refusal names the flag and the bad value.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isLogLevel, type LogLevel } from './log.ts';

export type FlagError = new (message: string) => Error;
export type FlagValues = Record<string, string | boolean | undefined>;

/** node:util parseArgs in strict mode, its errors rethrown as `Err`. */
export function parseFlags(argv: string[], options: ParseArgsConfig['options'], Err: FlagError): FlagValues {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (err) {
    throw new Err((err as Error).message);
  }
}

/** A whole number within [min, max]; `text` is the flag's (or its environment variable's) raw value. */
export function wholeNumber(flag: string, text: string, min: number, max: number, Err: FlagError): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new Err(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** --log-level, else $LOG_LEVEL, else info. */
export function logLevelFlag(values: FlagValues, env: NodeJS.ProcessEnv, Err: FlagError): LogLevel {
  const level = String(values['log-level'] ?? env.LOG_LEVEL ?? 'info');
  if (!isLogLevel(level)) {
    throw new Err(`--log-level must be debug, info, warn or error, got ${JSON.stringify(level)}`);
  }
  return level;
}

/** --namespace, else $POD_NAMESPACE (the pod's own, from the downward API), else purelb. */
export function namespaceFlag(values: FlagValues, env: NodeJS.ProcessEnv, Err: FlagError): string {
  const namespace = String(values.namespace ?? env.POD_NAMESPACE ?? 'purelb');
  if (namespace === '') throw new Err('--namespace must not be empty');
  return namespace;
}
