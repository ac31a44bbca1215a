// Values the allocator answers to (the annotation keys themselves live in ../annotations.ts).

/** The spec.loadBalancerClass PureLB v2 answers to. */
export const PURELB_LOAD_BALANCER_CLASS = 'purelb.io/purelbv2';
/** The group used when neither the annotation nor a namespace default names one. */
export const DEFAULT_GROUP_NAME = 'default';
