// deploy/admission-policy.yaml, evaluated: admission requests as the API server would build them (the
// user from a pod-bound service account token, object and oldObject) go through the policies' CEL with
// @marcbachmann/cel-js, and each case checks what is admitted and what is refused, by which policy. The
// last tests take one validation or match condition out at a time and show a case changes its verdict:
// no rule is dead, and the cases would catch a policy that stops refusing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluate } from '@marcbachmann/cel-js';
import {
  ANNOTATION_ALLOCATED_BY,
  ANNOTATION_ALLOCATED_FROM,
  ANNOTATION_POOL_TYPE,
  ANNOTATION_SKIP_IPV6_DAD,
  announcingAnnotation,
} from '@purelb-ts/core';
import { parseAllDocuments } from 'yaml';
import { ALLOCATOR_CONTROLLER, LEADER_LEASE } from '../../packages/agent/src/allocator/controller.ts';
import { leaseName } from '../../packages/agent/src/kubernetes/lease.ts';
import { REPORTING_CONTROLLER } from '../../packages/agent/src/kubernetes/writeback.ts';
import {
  type AdmissionRequest,
  admit,
  type Binding,
  type Policy,
  type UserInfo,
} from './admission-policy.ts';

const FILE = join(import.meta.dirname, '..', '..', 'deploy', 'admission-policy.yaml');
const load = (): (Policy | Binding)[] =>
  parseAllDocuments(readFileSync(FILE, 'utf8')).map((d) => d.toJS() as Policy | Binding);
const OBJECTS = load();

const NS = 'purelb-system';
/** A pod's token: the service account, and the pod and node it is bound to. */
const sa = (name: string, node?: string, ns = NS): UserInfo => ({
  username: `system:serviceaccount:${ns}:${name}`,
  uid: '5f0e6a3c-0000-4000-8000-000000000001',
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
  extra: {
    'authentication.kubernetes.io/credential-id': ['JTI=7ee52be0-9045-4653-aa5e-0da57b8dccdc'],
    'authentication.kubernetes.io/pod-name': [`${name}-x7k2p`],
    'authentication.kubernetes.io/pod-uid': ['e87dbbd6-3d7e-45db-aafb-72b24627dff5'],
    ...(node === undefined
      ? {}
      : {
          'authentication.kubernetes.io/node-name': [node],
          'authentication.kubernetes.io/node-uid': ['497e9d9a-47aa-4930-b0f6-9f2fb574c8c6'],
        }),
  },
});
const AGENT_A = sa('lbnodeagent', 'node-a');
const ALLOCATOR = sa('allocator', 'node-c');
const ADMIN: UserInfo = {
  username: 'kubernetes-admin',
  groups: ['kubeadm:cluster-admins', 'system:authenticated'],
};

const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };
const EVENTS = { group: 'events.k8s.io', version: 'v1', resource: 'events' };

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects as free-form JSON.
type Obj = Record<string, any>;

/** A node agent's Lease as lease.ts writes it. */
function lease(name: string, holder: string, rv = '100'): Obj {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NS,
      resourceVersion: rv,
      uid: '0f5b3a86-1111-4000-8000-000000000002',
      annotations: { 'purelb.io/subnets': '172.30.250.0/24', 'purelb.io/instance': 'pod-uid-1' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: holder, uid: 'node-uid-1' }],
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: 10,
      acquireTime: '2026-12-07T00:00:00.000000Z',
      renewTime: '2026-12-07T00:00:05.000000Z',
    },
  };
}
const renewed = (l: Obj): Obj => {
  const n = structuredClone(l);
  n.spec.renewTime = '2026-12-07T00:00:10.000000Z';
  return n;
};

/** A LoadBalancer Service with an address, as the API server stores it. */
function service(annotations: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      resourceVersion: '200',
      uid: '7c9d0e1f-2222-4000-8000-000000000003',
      labels: { app: 'web' },
      annotations: {
        'purelb.io/allocated-by': 'PureLB',
        'purelb.io/allocated-from': 'default',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        ...annotations,
      },
    },
    spec: {
      type: 'LoadBalancer',
      loadBalancerClass: 'purelb.io/purelbv2',
      clusterIP: '10.96.0.20',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31080 }],
      selector: { app: 'web' },
    },
    status: { loadBalancer: { ingress: [{ ip: '172.30.250.53', ipMode: 'VIP' }] } },
  };
}
/** The Service after a change: `edit` mutates a copy. */
const edited = (old: Obj, edit: (o: Obj) => void): Obj => {
  const n = structuredClone(old);
  edit(n);
  return n;
};

const leaseReq = (
  user: UserInfo,
  operation: AdmissionRequest['operation'],
  name: string,
  holder = name.replace(/^purelb-node-/, ''),
): AdmissionRequest => {
  const old = lease(name, holder);
  return {
    operation,
    resource: LEASES,
    namespace: NS,
    ...(operation === 'CREATE' ? {} : { name }),
    userInfo: user,
    object: operation === 'DELETE' ? null : operation === 'CREATE' ? lease(name, holder) : renewed(old),
    oldObject: operation === 'CREATE' ? null : old,
  };
};
const serviceUpdate = (user: UserInfo, old: Obj, now: Obj, subResource?: string): AdmissionRequest => ({
  operation: 'UPDATE',
  resource: SERVICES,
  ...(subResource === undefined ? {} : { subResource }),
  namespace: 'default',
  name: 'web',
  userInfo: user,
  object: now,
  oldObject: old,
});
/** An events.k8s.io/v1 Event as events.ts builds it. */
const event = (controller: string, instance: string): Obj => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.17f3a2b4c5d6e7f8', namespace: 'default' },
  eventTime: '2026-12-07T00:00:05.000000Z',
  reportingController: controller,
  reportingInstance: instance,
  action: 'Announcing',
  reason: 'AnnouncingLocal',
  note: 'Node node-a announcing 172.30.250.53 on interface enp1s0',
  type: 'Normal',
  regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
});
const eventReq = (user: UserInfo, obj: Obj): AdmissionRequest => ({
  operation: 'CREATE',
  resource: EVENTS,
  namespace: 'default',
  userInfo: user,
  object: obj,
  oldObject: null,
});

interface Case {
  what: string;
  req: AdmissionRequest;
  /** The policies expected to match (empty: none applies). */
  matched: string[];
  /** Refused, with a message matching this; undefined: admitted. */
  refused?: RegExp;
}

const svc = service();
const announced = service({ 'purelb.io/announcing-IPv4': 'node-a,enp1s0,172.30.250.53' });

const CASES: Case[] = [
  // The node agent and Leases.
  {
    what: 'agent on node-a creates its own Lease',
    req: leaseReq(AGENT_A, 'CREATE', 'purelb-node-node-a'),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent on node-a renews its own Lease',
    req: leaseReq(AGENT_A, 'UPDATE', 'purelb-node-node-a'),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent on node-a deletes its own Lease at shutdown',
    req: leaseReq(AGENT_A, 'DELETE', 'purelb-node-node-a'),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: "agent on node-a renews node-b's Lease",
    req: leaseReq(AGENT_A, 'UPDATE', 'purelb-node-node-b'),
    matched: ['purelb-lbnodeagent'],
    refused: /only its own Lease purelb-node-node-a, not purelb-node-node-b/,
  },
  {
    what: "agent on node-a deletes node-b's Lease",
    req: leaseReq(AGENT_A, 'DELETE', 'purelb-node-node-b'),
    matched: ['purelb-lbnodeagent'],
    refused: /only its own Lease/,
  },
  {
    what: 'agent on node-a creates a Lease for a node that does not exist',
    req: leaseReq(AGENT_A, 'CREATE', 'purelb-node-rogue'),
    matched: ['purelb-lbnodeagent'],
    refused: /only its own Lease/,
  },
  {
    what: "agent takes over the allocator's leader Lease",
    req: leaseReq(AGENT_A, 'UPDATE', 'purelb-allocator', 'allocator-7d9f-abcde'),
    matched: ['purelb-lbnodeagent'],
    refused: /not purelb-allocator/,
  },
  {
    what: "agent deletes the allocator's leader Lease",
    req: leaseReq(AGENT_A, 'DELETE', 'purelb-allocator', 'allocator-7d9f-abcde'),
    matched: ['purelb-lbnodeagent'],
    refused: /not purelb-allocator/,
  },
  {
    what: 'agent with a token that names no node renews purelb-node-node-a',
    req: leaseReq(sa('lbnodeagent'), 'UPDATE', 'purelb-node-node-a'),
    matched: ['purelb-lbnodeagent'],
    refused: /its token names no node/,
  },
  {
    what: 'agent on a node named "" (token with an empty node name) creates purelb-node-',
    req: leaseReq(sa('lbnodeagent', ''), 'CREATE', 'purelb-node-', ''),
    matched: ['purelb-lbnodeagent'],
    refused: /only its own Lease/,
  },
  // The node agent and Services.
  {
    what: 'agent adds its purelb.io/announcing-IPv4 slot',
    req: serviceUpdate(AGENT_A, svc, announced),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent removes the purelb.io/announcing-IPv4 annotation',
    req: serviceUpdate(AGENT_A, announced, svc),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent rewrites purelb.io/announcing-IPv6 on a Service without annotations',
    req: serviceUpdate(
      AGENT_A,
      edited(svc, (s) => delete s.metadata.annotations),
      edited(svc, (s) => {
        s.metadata.annotations = { 'purelb.io/announcing-IPv6': 'node-a,enp1s0,2001:db8::5' };
      }),
    ),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent changes spec.ports',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(announced, (s) => {
        s.spec.ports[0].port = 8080;
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only a Service's purelb\.io\/announcing-IPv4 and -IPv6/,
  },
  {
    what: 'agent changes spec.loadBalancerClass',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.spec.loadBalancerClass = 'example.com/other';
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: 'agent sets purelb.io/service-group (another purelb.io/ annotation: it picks the pool)',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.metadata.annotations['purelb.io/service-group'] = 'other';
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: "agent changes the allocator's purelb.io/allocated-from",
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.metadata.annotations['purelb.io/allocated-from'] = 'remote';
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: "agent removes a user's annotation",
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => delete s.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: 'agent adds a label',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.metadata.labels.team = 'x';
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: 'agent adds an ownerReference (the garbage collector would delete the Service with its owner)',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }];
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: 'agent adds a finalizer',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.metadata.finalizers = ['example.com/hold'];
      }),
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may change only/,
  },
  {
    what: 'agent writes status through /status',
    req: serviceUpdate(
      AGENT_A,
      svc,
      edited(svc, (s) => {
        s.status.loadBalancer.ingress = [{ ip: '172.30.250.99' }];
      }),
      'status',
    ),
    matched: ['purelb-lbnodeagent'],
    refused: /may only update a Service's announcing annotations/,
  },
  {
    what: 'agent deletes a Service',
    req: {
      operation: 'DELETE',
      resource: SERVICES,
      namespace: 'default',
      name: 'web',
      userInfo: AGENT_A,
      object: null,
      oldObject: svc,
    },
    matched: ['purelb-lbnodeagent'],
    refused: /may only update/,
  },
  // The node agent and events.
  {
    what: 'agent on node-a posts an event as itself',
    req: eventReq(AGENT_A, event('purelb.io/lbnodeagent', 'purelb.io/lbnodeagent-node-a')),
    matched: ['purelb-lbnodeagent'],
  },
  {
    what: 'agent on node-a posts an event as node-b',
    req: eventReq(AGENT_A, event('purelb.io/lbnodeagent', 'purelb.io/lbnodeagent-node-b')),
    matched: ['purelb-lbnodeagent'],
    refused: /reportingInstance purelb\.io\/lbnodeagent-node-a only/,
  },
  {
    what: 'agent posts an event as the allocator',
    req: eventReq(AGENT_A, event('purelb.io/allocator', 'allocator-0_ab12cd34')),
    matched: ['purelb-lbnodeagent'],
    refused: /reportingController purelb\.io\/lbnodeagent/,
  },
  // The allocator.
  {
    what: 'allocator creates its leader Lease',
    req: leaseReq(ALLOCATOR, 'CREATE', 'purelb-allocator', 'allocator-0'),
    matched: ['purelb-allocator'],
  },
  {
    what: 'allocator renews its leader Lease',
    req: leaseReq(ALLOCATOR, 'UPDATE', 'purelb-allocator', 'allocator-0'),
    matched: ['purelb-allocator'],
  },
  {
    what: 'allocator creates a node Lease (a rogue member claiming subnets)',
    req: leaseReq(ALLOCATOR, 'CREATE', 'purelb-node-rogue'),
    matched: ['purelb-allocator'],
    refused: /only its leader Lease purelb-allocator, not purelb-node-rogue/,
  },
  {
    what: 'allocator brands a Service with its annotations',
    req: serviceUpdate(
      ALLOCATOR,
      edited(svc, (s) => {
        s.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
      }),
      edited(svc, (s) => {
        s.metadata.annotations['purelb.io/pool-type'] = 'local';
      }),
    ),
    matched: ['purelb-allocator'],
  },
  {
    what: 'allocator writes the ingress through /status',
    req: serviceUpdate(
      ALLOCATOR,
      edited(svc, (s) => {
        s.status = { loadBalancer: {} };
      }),
      svc,
      'status',
    ),
    matched: ['purelb-allocator'],
  },
  {
    what: "allocator writes an agent's announcing annotation",
    req: serviceUpdate(ALLOCATOR, svc, announced),
    matched: ['purelb-allocator'],
    refused: /allocated-by, allocated-from, pool-type and skip-ipv6-dad/,
  },
  {
    what: 'allocator changes spec.ports',
    req: serviceUpdate(
      ALLOCATOR,
      svc,
      edited(svc, (s) => {
        s.spec.ports[0].port = 8080;
      }),
    ),
    matched: ['purelb-allocator'],
    refused: /may change only a Service's status/,
  },
  {
    what: 'allocator changes an annotation through /status',
    req: serviceUpdate(
      ALLOCATOR,
      svc,
      edited(svc, (s) => {
        s.metadata.annotations['purelb.io/pool-type'] = 'remote';
      }),
      'status',
    ),
    matched: ['purelb-allocator'],
    refused: /may change only a Service's status/,
  },
  {
    what: 'allocator deletes a Service',
    req: {
      operation: 'DELETE',
      resource: SERVICES,
      namespace: 'default',
      name: 'web',
      userInfo: ALLOCATOR,
      object: null,
      oldObject: svc,
    },
    matched: ['purelb-allocator'],
    refused: /may only update a Service's allocation annotations and its status/,
  },
  {
    what: 'allocator posts an event as itself',
    req: eventReq(ALLOCATOR, event('purelb.io/allocator', 'allocator-0_ab12cd34')),
    matched: ['purelb-allocator'],
  },
  {
    what: 'allocator posts an event as a node agent',
    req: eventReq(ALLOCATOR, event('purelb.io/lbnodeagent', 'purelb.io/lbnodeagent-node-a')),
    matched: ['purelb-allocator'],
    refused: /reportingController purelb\.io\/allocator only/,
  },
  // Everyone else is not matched at all.
  {
    what: "an administrator edits node-b's Lease",
    req: leaseReq(ADMIN, 'UPDATE', 'purelb-node-node-b'),
    matched: [],
  },
  {
    what: 'an administrator changes spec.ports',
    req: serviceUpdate(
      ADMIN,
      svc,
      edited(svc, (s) => {
        s.spec.ports[0].port = 8080;
      }),
    ),
    matched: [],
  },
  {
    what: 'a service account named lbnodeagent in another namespace writes a Lease',
    req: leaseReq(sa('lbnodeagent', 'node-a', 'default'), 'UPDATE', 'purelb-node-node-b'),
    matched: [],
  },
  {
    what: "the kube-controller-manager's leader election (system:kube-controller-manager)",
    req: leaseReq({ username: 'system:kube-controller-manager' }, 'UPDATE', 'kube-controller-manager'),
    matched: [],
  },
  {
    what: 'the agent writes a ConfigMap (no rule matches; RBAC refuses it anyway)',
    req: {
      operation: 'UPDATE',
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      namespace: NS,
      name: 'x',
      userInfo: AGENT_A,
      object: { metadata: { name: 'x' } },
      oldObject: { metadata: { name: 'x' } },
    },
    matched: [],
  },
];

/** Refused messages, or undefined when admitted. */
function verdict(objects: readonly (Policy | Binding)[], c: Case): { matched: string[]; refused?: string } {
  const d = admit(objects, c.req);
  return d.denials.length === 0
    ? { matched: d.matched }
    : { matched: d.matched, refused: d.denials.map((x) => `${x.policy}: ${x.message}`).join('; ') };
}

describe('deploy/admission-policy.yaml, evaluated', () => {
  it('holds two policies, each bound with validationActions [Deny], failurePolicy Fail', () => {
    const policies = OBJECTS.filter((o) => o.kind === 'ValidatingAdmissionPolicy') as Policy[];
    const bindings = OBJECTS.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding') as Binding[];
    assert.deepEqual(policies.map((p) => p.metadata.name).sort(), ['purelb-allocator', 'purelb-lbnodeagent']);
    for (const p of policies) {
      assert.equal(p.spec.failurePolicy, 'Fail', p.metadata.name);
      const b = bindings.filter((x) => x.spec.policyName === p.metadata.name);
      assert.equal(b.length, 1, `${p.metadata.name} has one binding`);
      assert.deepEqual(b[0]?.spec.validationActions, ['Deny']);
    }
  });

  for (const c of CASES) {
    it(`${c.refused === undefined ? 'admits' : 'refuses'}: ${c.what}`, () => {
      const v = verdict(OBJECTS, c);
      assert.deepEqual(v.matched, c.matched, 'the policies that apply');
      if (c.refused === undefined) assert.equal(v.refused, undefined);
      else assert.match(v.refused ?? '(admitted)', c.refused);
    });
  }

  it('names what the code writes: its annotations, Lease names and reporting controllers', () => {
    const policy = (name: string) =>
      OBJECTS.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === name) as Policy;
    const writable = (name: string) => {
      const v = policy(name).spec.variables?.find((x) => x.name === 'writable');
      assert.ok(v, `${name} has variables.writable`);
      return evaluate(v.expression, {});
    };
    assert.deepEqual(writable('purelb-lbnodeagent'), [announcingAnnotation(4), announcingAnnotation(6)]);
    assert.deepEqual(writable('purelb-allocator'), [
      ANNOTATION_ALLOCATED_BY,
      ANNOTATION_ALLOCATED_FROM,
      ANNOTATION_POOL_TYPE,
      ANNOTATION_SKIP_IPV6_DAD,
    ]);
    const text = readFileSync(FILE, 'utf8');
    assert.equal(
      leaseName('node-a'),
      'purelb-node-node-a',
      "the agent's Lease name, as the policy builds it",
    );
    assert.ok(text.includes(`variables.name == '${LEADER_LEASE}'`), LEADER_LEASE);
    assert.ok(text.includes(`object.reportingController == '${REPORTING_CONTROLLER}'`));
    assert.ok(text.includes(`object.reportingInstance == '${REPORTING_CONTROLLER}-' + variables.nodeName`));
    assert.ok(text.includes(`object.reportingController == '${ALLOCATOR_CONTROLLER}'`));
  });

  it('an expression that cannot be evaluated refuses the request (failurePolicy Fail)', () => {
    const broken = structuredClone(OBJECTS) as (Policy | Binding)[];
    const p = broken.find(
      (o) => o.metadata.name === 'purelb-lbnodeagent' && o.kind === 'ValidatingAdmissionPolicy',
    );
    assert.ok(p && p.kind === 'ValidatingAdmissionPolicy');
    p.spec.validations.push({ expression: 'object.spec.noSuchField == 1' });
    const c = CASES[1] as Case; // the agent renewing its own Lease, admitted as shipped
    assert.match(verdict(broken, c).refused ?? '', /expression error/);
  });

  // Each rule earns its place: without it, some case above changes its verdict.
  const policies = OBJECTS.filter((o) => o.kind === 'ValidatingAdmissionPolicy') as Policy[];
  for (const p of policies) {
    const parts = [
      ...p.spec.validations.map((_, i) => ({
        what: `validation ${i}`,
        drop: (q: Policy) => q.spec.validations.splice(i, 1),
      })),
      ...(p.spec.matchConditions ?? []).map((m, i) => ({
        what: `matchCondition ${m.name}`,
        drop: (q: Policy) => q.spec.matchConditions?.splice(i, 1),
      })),
    ];
    for (const part of parts) {
      it(`${p.metadata.name}: without ${part.what}, a case changes its verdict`, () => {
        const weaker = structuredClone(OBJECTS) as (Policy | Binding)[];
        const q = weaker.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name) as Policy;
        part.drop(q);
        const changed = CASES.filter((c) => {
          const before = verdict(OBJECTS, c);
          const after = verdict(weaker, c);
          return (
            (before.refused === undefined) !== (after.refused === undefined) ||
            before.matched.join() !== after.matched.join()
          );
        });
        assert.ok(changed.length > 0, `no case depends on ${p.metadata.name} ${part.what}`);
      });
    }
  }
});
