// What a Service asks the allocator for, read from its spec and annotations, with every bad
// annotation turned into an error naming the annotation and its value.

import {
  ANNOTATION_ADDRESSES,
  ANNOTATION_ALLOW_SHARED_IP,
  ANNOTATION_MULTI_POOL,
  ANNOTATION_SERVICE_GROUP,
} from '../annotations.ts';
import type { Service } from '../kube.ts';
import { type Family, formatIP, type IP, parseIP } from '../net/ip.ts';
import { familyName } from '../net/iproute-text.ts';
import { PURELB_LOAD_BALANCER_CLASS } from './keys.ts';
import type { AllocationFailure } from './types.ts';

export type FamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface AllocationRequest {
  namespace: string;
  /** purelb.io/service-group, when set. */
  groupName: string | undefined;
  /** Families wanted, in spec.ipFamilies order (dual-stack policies add the missing family last). */
  families: Family[];
  policy: FamilyPolicy;
  /** Specific addresses per family (purelb.io/addresses, else spec.loadBalancerIP). */
  requested: Map<Family, IP>;
  /** purelb.io/allow-shared-ip, when set and not blank. */
  sharingKey: string | undefined;
  /** "port/PROTOCOL" of every Service port, the unit of sharing conflicts. */
  ports: string[];
  /** purelb.io/multi-pool: true/false, undefined when absent (the group decides). */
  multiPool: boolean | undefined;
  warnings: string[];
}

export type RequestParse =
  | { ok: true; value: AllocationRequest }
  | { ok: false; reason: AllocationFailure; message: string };

/** LoadBalancer Services of class purelb.io/purelbv2, or of no class when we are the default announcer. */
export function handlesService(svc: Service, defaultAnnouncer: boolean): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === '' ? defaultAnnouncer : cls === PURELB_LOAD_BALANCER_CLASS;
}

export const familyOfName = (name: 'IPv4' | 'IPv6'): Family => (name === 'IPv6' ? 6 : 4);

export const servicePorts = (svc: Service): string[] =>
  (svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);

const invalid = (message: string): RequestParse => ({ ok: false, reason: 'invalid-annotation', message });

function parseAddresses(text: string, source: string): Map<Family, IP> | string {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > 2) return `${source} "${text}": at most two addresses (one IPv4, one IPv6)`;
  const out = new Map<Family, IP>();
  for (const part of parts) {
    const ip = parseIP(part);
    if (ip === undefined) return `${source} "${text}": "${part}" is not an IP address`;
    if (out.has(ip.family)) return `${source} "${text}": two IPv${ip.family} addresses (one per family)`;
    out.set(ip.family, ip);
  }
  return out;
}

export function parseRequest(svc: Service): RequestParse {
  const annotations = svc.metadata.annotations ?? {};
  const warnings: string[] = [];

  let requested = new Map<Family, IP>();
  const addressesText = annotations[ANNOTATION_ADDRESSES];
  if (addressesText !== undefined && addressesText.trim() !== '') {
    const parsed = parseAddresses(addressesText, `annotation ${ANNOTATION_ADDRESSES}`);
    if (typeof parsed === 'string') return invalid(parsed);
    requested = parsed;
  } else if (svc.spec?.loadBalancerIP !== undefined && svc.spec.loadBalancerIP !== '') {
    const parsed = parseAddresses(svc.spec.loadBalancerIP, 'spec.loadBalancerIP');
    if (typeof parsed === 'string') return invalid(parsed);
    requested = parsed;
    warnings.push(`spec.loadBalancerIP is deprecated: use the ${ANNOTATION_ADDRESSES} annotation`);
  }

  const multiText = annotations[ANNOTATION_MULTI_POOL];
  let multiPool: boolean | undefined;
  if (multiText !== undefined) {
    if (multiText !== 'true' && multiText !== 'false') {
      return invalid(`annotation ${ANNOTATION_MULTI_POOL} "${multiText}": expected "true" or "false"`);
    }
    multiPool = multiText === 'true';
  }

  const groupText = annotations[ANNOTATION_SERVICE_GROUP]?.trim();
  const sharingText = annotations[ANNOTATION_ALLOW_SHARED_IP]?.trim();

  const policy: FamilyPolicy = svc.spec?.ipFamilyPolicy ?? 'SingleStack';
  // Without spec.ipFamilies, the requested addresses say which families are meant; else IPv4.
  let families: Family[] = (svc.spec?.ipFamilies ?? []).map(familyOfName);
  if (families.length === 0) families = requested.size > 0 ? [...requested.keys()] : [4];
  families = [...new Set(families)];
  if (policy === 'SingleStack') families = families.slice(0, 1);
  else for (const f of [4, 6] as const) if (!families.includes(f)) families.push(f);

  for (const [family, ip] of requested) {
    if (!families.includes(family)) {
      return {
        ok: false,
        reason: 'wrong-family',
        message: `requested address ${formatIP(ip)} is IPv${family}, but the Service asks for ${families.map(familyName).join(',')} (${policy})`,
      };
    }
  }

  return {
    ok: true,
    value: {
      namespace: svc.metadata.namespace ?? 'default',
      groupName: groupText === undefined || groupText === '' ? undefined : groupText,
      families,
      policy,
      requested,
      sharingKey: sharingText === undefined || sharingText === '' ? undefined : sharingText,
      ports: servicePorts(svc),
      multiPool,
      warnings,
    },
  };
}
