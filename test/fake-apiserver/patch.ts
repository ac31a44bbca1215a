// PATCH bodies: RFC 7386 merge patch, RFC 6902 JSON patch (fast-json-patch), and the simple cases of
// Kubernetes' strategic merge patch: merge-patch semantics, except that the lists Kubernetes marks with
// a patchMergeKey are merged element by element on that key, `$patch: delete` removes an element, and
// kubectl's `$setElementOrder/...` and `$retainKeys` directives are accepted and dropped.
import fastJsonPatch from 'fast-json-patch';

const { applyPatch } = fastJsonPatch;
type Json = unknown;
type JsonObject = Record<string, Json>;

export class PatchError extends Error {}

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  try {
    return applyPatch(structuredClone(target), ops as never, true, false).newDocument;
  } catch (err) {
    throw new PatchError(`the JSON patch could not be applied: ${(err as Error).message.split('\n')[0]}`);
  }
}

// Field name → merge key, for the list fields of the resources this server serves.
const MERGE_KEYS: Record<string, string> = {
  ports: 'port',
  ownerReferences: 'uid',
  conditions: 'type',
  addresses: 'type',
  taints: 'key',
  finalizers: '',
};

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$deleteFromPrimitiveList')
      continue;
    if (k === '$patch') {
      if (v === 'replace') return stripDirectives(patch);
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const key = MERGE_KEYS[k];
    if (Array.isArray(v) && key !== undefined && Array.isArray(out[k])) {
      out[k] = mergeList(out[k] as Json[], v, key);
    } else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function mergeList(current: Json[], patch: Json[], key: string): Json[] {
  // A list of scalars (finalizers) is a set: union, keeping order.
  if (key === '') return [...current, ...patch.filter((p) => !current.includes(p))];
  const out = [...current];
  for (const el of patch) {
    if (!isObject(el))
      throw new PatchError(`a strategic merge patch list element must be an object keyed by ${key}`);
    const idx = out.findIndex((c) => isObject(c) && c[key] === el[key]);
    if (el.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMergePatch(out[idx], el);
    else out.push(stripDirectives(el));
  }
  return out;
}
