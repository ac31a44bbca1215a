// Findings about the dummy interface that carries virtual addresses.
import type { DesiredState, NodeNetwork } from '../model.ts';
import type { Finding } from './finding.ts';

export function dummyFindings(desired: DesiredState, network: NodeNetwork): Finding[] {
  const name = desired.dummyInterface;
  const needing = desired.placements.filter((p) => p.link === name).length;
  const dummy = network.links.find((l) => l.name === name);
  if (dummy === undefined) {
    if (needing === 0) return [];
    return [
      {
        code: 'dummy-missing',
        severity: 'error',
        message: `dev ${name} does not exist: ${needing} virtual address${needing === 1 ? '' : 'es'} cannot be placed`,
        link: name,
        expected: `dev ${name} type dummy, state UP`,
        actual: 'absent',
        fix: `the agent creates it at its next reconcile; if it stays missing, check the lbnodeagent pod has NET_ADMIN (by hand: "ip link add ${name} type dummy && ip link set dev ${name} up")`,
      },
    ];
  }
  if (dummy.up) return [];
  return [
    {
      code: 'dummy-down',
      severity: needing > 0 ? 'error' : 'warning',
      message: `dev ${name} is DOWN: ${needing > 0 ? `${needing} virtual address${needing === 1 ? '' : 'es'} on it are not served` : 'nothing on it is served'}`,
      link: name,
      expected: 'state UP',
      actual: 'state DOWN',
      fix: `"ip link set dev ${name} up" (the agent does it at its next reconcile; if it goes down again, another tool is managing ${name})`,
    },
  ];
}
