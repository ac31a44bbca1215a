// The Service annotations the node-side rules read.
export const ALLOCATED_BY = 'purelb.io/allocated-by';
export const BRAND = 'PureLB';
export const ALLOW_SHARED_IP = 'purelb.io/allow-shared-ip';
export const SKIP_IPV6_DAD = 'purelb.io/skip-ipv6-dad';
/** The label every EndpointSlice carries naming its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
