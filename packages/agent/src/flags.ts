// Flag parsing shared by `purelb-agent`, `purelb-agent allocator` and `purelb diagnose`: each command
// names its own error class (a usage error, exit 2), and every refusal names the flag and the bad value.
import { isIP } from 'node:net';
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

/**
 * Where /metrics, /healthz and /readyz listen: --metrics-address (comma-separated), else
 * $METRICS_ADDRESS, else the pod's own address from the downward API ($`ownAddressVar`: the node's
 * for the hostNetwork agent, the pod's for the allocator) plus loopback, else loopback alone. Never
 * every address by default: in the node's namespace that would include each LoadBalancer address,
 * serving Service names and IPs to the world. 0.0.0.0 and :: are accepted when asked for by name.
 */
export function metricsAddressesFlag(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  ownAddressVar: string,
  Err: FlagError,
): string[] {
  const asked = values['metrics-address'] ?? env.METRICS_ADDRESS;
  if (asked !== undefined) {
    const text = String(asked);
    const list = text.split(',').map((a) => a.trim());
    const bad = list.find((a) => isIP(a) === 0);
    if (bad !== undefined) {
      throw new Err(
        `--metrics-address must be IP addresses separated by commas, got ${JSON.stringify(text)} (${JSON.stringify(bad)} is not an IP address)`,
      );
    }
    const unique = [...new Set(list)];
    // :: also takes every IPv4 address (dual-stack socket): beside anything else it would clash.
    if (unique.length > 1 && unique.some((a) => a === '0.0.0.0' || a === '::')) {
      throw new Err(
        `--metrics-address 0.0.0.0 or :: means every address: give it alone, got ${JSON.stringify(text)}`,
      );
    }
    return unique;
  }
  const own = env[ownAddressVar]?.trim() ?? '';
  if (own === '') return ['127.0.0.1'];
  const family = isIP(own);
  if (family === 0) {
    throw new Err(
      `$${ownAddressVar} must be this pod's IP address (downward API), got ${JSON.stringify(own)}`,
    );
  }
  return [...new Set([own, family === 4 ? '127.0.0.1' : '::1'])];
}
