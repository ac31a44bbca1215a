// Scope names as `ip` prints them (global, site, link, host, nowhere) or RT_SCOPE_* numbers.
import {
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RT_SCOPE_NOWHERE,
  RT_SCOPE_SITE,
  RT_SCOPE_UNIVERSE,
} from '../codec/constants.ts';

/** RT_SCOPE_* by the names `ip` prints: how far an address or route reaches. */
export type ScopeName = 'global' | 'site' | 'link' | 'host' | 'nowhere';

const SCOPES: Readonly<Record<ScopeName, number>> = {
  global: RT_SCOPE_UNIVERSE,
  site: RT_SCOPE_SITE,
  link: RT_SCOPE_LINK,
  host: RT_SCOPE_HOST,
  nowhere: RT_SCOPE_NOWHERE,
};

export function scopeNumber(scope: ScopeName | number | undefined): number | undefined {
  if (scope === undefined) return undefined;
  if (typeof scope === 'number') {
    if (!Number.isInteger(scope) || scope < 0 || scope > 255)
      throw new RangeError(`scope must be 0..255, got ${scope}`);
    return scope;
  }
  const n = Object.hasOwn(SCOPES, scope) ? SCOPES[scope] : undefined;
  if (n === undefined)
    throw new TypeError(`unknown scope ${JSON.stringify(scope)} (known: ${Object.keys(SCOPES).join(', ')})`);
  return n;
}
