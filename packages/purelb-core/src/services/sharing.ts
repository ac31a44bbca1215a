// Services that may share an address carry the same purelb.io/allow-shared-ip key.

import { ANNOTATION_ALLOW_SHARED_IP, ANNOTATION_SKIP_IPV6_DAD } from '../annotations.ts';
import type { Service } from '../kube.ts';

/** The sharing key, or undefined when the Service does not share (absent or empty annotation). */
export function sharingKey(svc: Service): string | undefined {
  const key = svc.metadata.annotations?.[ANNOTATION_ALLOW_SHARED_IP];
  return key === undefined || key === '' ? undefined : key;
}

/** The allocator writes "true" when the Service's group has skipIPv6DAD. */
export const wantsSkipIPv6DAD = (svc: Service): boolean =>
  svc.metadata.annotations?.[ANNOTATION_SKIP_IPV6_DAD] === 'true';

export const externalTrafficLocal = (svc: Service): boolean => svc.spec?.externalTrafficPolicy === 'Local';
