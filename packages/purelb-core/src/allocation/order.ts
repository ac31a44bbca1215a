// Orderings that make the allocator's answers independent of map and input order.
import type { Service } from '../kube.ts';

/** Plain code-unit order: locale-free, so every node and run agrees. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const serviceKeyOrder = compareText;

/** Who keeps a contested address on rebuild: the older Service (no timestamp: last), then namespace, then name. */
export function creationOrder(a: Service, b: Service): number {
  return (
    compareText(a.metadata.creationTimestamp ?? '\uffff', b.metadata.creationTimestamp ?? '\uffff') ||
    compareText(a.metadata.namespace ?? 'default', b.metadata.namespace ?? 'default') ||
    compareText(a.metadata.name, b.metadata.name)
  );
}
