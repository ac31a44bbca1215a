// JavaScript twins of the CEL rules (x-kubernetes-validations) in deploy/crds/. Keyed by the exact rule
// text: editing a rule in a CRD without editing its twin here fails the manifest test. CEL's has(x.f)
// is "the field is present", which after defaulting and pruning is `!== undefined`.
import type { RuleTable } from './structural-schema.ts';

type Obj = Record<string, unknown>;
const has = (o: Obj, k: string): boolean => o[k] !== undefined;
const size = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
const atLeast60 = (n: number): number => Math.max(n, 60);

const hasPools = (s: Obj): boolean =>
  has(s, 'v4pool') ||
  has(s, 'v6pool') ||
  (has(s, 'v4pools') && size(s.v4pools) > 0) ||
  (has(s, 'v6pools') && size(s.v6pools) > 0);

export const CEL_RULES: RuleTable = {
  // ServiceGroup spec
  'has(self.local) != has(self.remote)': (s) => has(s, 'local') !== has(s, 'remote'),
  '!has(self.external)': (s) => !has(s, 'external'),
  '!(has(self.enforceNamespaces) && self.enforceNamespaces) || (has(self.namespaces) && size(self.namespaces) > 0)':
    (s) =>
      !(has(s, 'enforceNamespaces') && s.enforceNamespaces === true) ||
      (has(s, 'namespaces') && size(s.namespaces) > 0),
  '!(has(self.namespaceDefault) && self.namespaceDefault) || (has(self.namespaces) && size(self.namespaces) > 0)':
    (s) =>
      !(has(s, 'namespaceDefault') && s.namespaceDefault === true) ||
      (has(s, 'namespaces') && size(s.namespaces) > 0),
  // ServiceGroup local / remote
  'has(self.v4pool) || has(self.v6pool) || (has(self.v4pools) && size(self.v4pools) > 0) || (has(self.v6pools) && size(self.v6pools) > 0)':
    hasPools,
  '!(has(self.balancePools) && self.balancePools && has(self.multiPool) && self.multiPool)': (s) =>
    !(has(s, 'balancePools') && s.balancePools === true && has(s, 'multiPool') && s.multiPool === true),
  // LBNodeAgent
  "(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)": (s) =>
    (s.operator === 'In' || s.operator === 'NotIn') === (has(s, 'values') && size(s.values) > 0),
  "self != '.' && self != '..' && self != 'lo'": (s) =>
    (s as unknown) !== '.' && (s as unknown) !== '..' && (s as unknown) !== 'lo',
  '!has(self.interfaces) || !has(self.dummyInterface) || !(self.dummyInterface in self.interfaces)': (s) =>
    !has(s, 'interfaces') ||
    !has(s, 'dummyInterface') ||
    !(s.interfaces as unknown[]).includes(s.dummyInterface),
  // ServiceGroup pool entry. CEL's int() of a non-number is an error, which rejects the object too.
  "!has(self.aggregation) || !self.aggregation.startsWith('/') || !self.subnet.contains('/') || int(self.aggregation.substring(1)) >= int(self.subnet.substring(self.subnet.indexOf('/') + 1))":
    (s) => {
      const agg = s.aggregation;
      const subnet = String(s.subnet);
      if (!has(s, 'aggregation') || !String(agg).startsWith('/') || !subnet.includes('/')) return true;
      const prefix = Number(subnet.slice(subnet.indexOf('/') + 1));
      return Number.isInteger(prefix) && Number(String(agg).slice(1)) >= prefix;
    },
  '!has(self.preferredLifetime) || !has(self.validLifetime) || self.validLifetime == 0 || (self.preferredLifetime != 0 && (self.preferredLifetime < 60 ? 60 : self.preferredLifetime) <= (self.validLifetime < 60 ? 60 : self.validLifetime))':
    (s) =>
      !has(s, 'preferredLifetime') ||
      !has(s, 'validLifetime') ||
      s.validLifetime === 0 ||
      (s.preferredLifetime !== 0 &&
        atLeast60(s.preferredLifetime as number) <= atLeast60(s.validLifetime as number)),
};
