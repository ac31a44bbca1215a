// Route realms (RTA_FLOW, `ip route add ... realm 3/5`) written through routes.add and read back by
// routes.list and routes.get, next to what `ip -j -d route show` and `ip route get` print.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

interface IpFlow {
  flow?: { from?: string; to: string };
}

test('routes.add with realms sets RTA_FLOW as `realm FROM/TO` does', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
    await nl.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.2', realms: (3 << 16) | 5 });
    await nl.routes.add({ dst: '10.2.0.0/16', gateway: '10.0.0.2', realms: 7 });
    const [both] = ipJson<IpFlow[]>(ns, '-d', 'route', 'show', '10.1.0.0/16');
    const [to] = ipJson<IpFlow[]>(ns, '-d', 'route', 'show', '10.2.0.0/16');
    assert.deepEqual([both?.flow, to?.flow], [{ from: '3', to: '5' }, { to: '7' }]);
    const listed = new Map((await nl.routes.list({ family: 4 })).map((r) => [r.dst, r.realms]));
    assert.deepEqual(
      [listed.get('10.1.0.0'), listed.get('10.2.0.0'), listed.get('10.0.0.0')],
      [(3 << 16) | 5, 7, undefined],
    );
    assert.equal((await nl.routes.get('10.1.2.3')).realms, (3 << 16) | 5);
    await assert.rejects(nl.routes.add({ dst: '10.3.0.0/16', gateway: '10.0.0.2', realms: -1 }), RangeError);
    await assert.rejects(
      nl.routes.add({ dst: '10.3.0.0/16', gateway: '10.0.0.2', realms: 2 ** 32 }),
      RangeError,
    );
  }),
);
