// The OpenAPI v3 subset a CRD schema uses, and minimal schemas for PureLB's custom resources used only
// while deploy/crds/*.yaml does not exist. They pin the shape (spec and status are objects, the
// local/remote/dummy bodies are objects, pools are strings) and leave the detailed rules to
// purelb-core's parsers, which the agent runs anyway.
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  description?: string;
  format?: string;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

const open: OpenApiSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const strings: OpenApiSchema = { type: 'array', items: { type: 'string' } };
const pool: OpenApiSchema = {
  type: 'object',
  properties: {
    pool: { type: 'string' },
    subnet: { type: 'string' },
    aggregation: { type: 'string' },
  },
};
const poolBody: OpenApiSchema = {
  type: 'object',
  properties: {
    v4pool: pool,
    v6pool: pool,
    v4pools: { type: 'array', items: pool },
    v6pools: { type: 'array', items: pool },
    balancePools: { type: 'boolean' },
    multiPool: { type: 'boolean' },
    skipIPv6DAD: { type: 'boolean' },
  },
  'x-kubernetes-preserve-unknown-fields': true,
};

export const FALLBACK_CRD_SCHEMAS: Record<string, OpenApiSchema> = {
  servicegroups: {
    type: 'object',
    required: ['spec'],
    properties: {
      spec: {
        type: 'object',
        properties: {
          local: poolBody,
          remote: poolBody,
          namespaces: strings,
          enforceNamespaces: { type: 'boolean' },
          namespaceDefault: { type: 'boolean' },
        },
        'x-kubernetes-preserve-unknown-fields': true,
      },
      status: open,
    },
  },
  lbnodeagents: {
    type: 'object',
    required: ['spec'],
    properties: {
      spec: open,
      status: open,
    },
  },
};
