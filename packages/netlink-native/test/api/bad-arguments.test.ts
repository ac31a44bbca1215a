// Caller mistakes are TypeError / RangeError naming the bad value, raised before anything is
// sent: checked against a fake socket that records every send (no kernel, no root needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Netlink } from '../../src/index.ts';
import type { NativeSocketOptions } from '../../src/native/binding.ts';
import { ack, FakeKernel, header, message, PORT_ID } from '../transport/fake-kernel.ts';

function fakeBinding() {
  const kernel = new FakeKernel();
  const binding = {
    NetlinkSocket: function NetlinkSocket(o: NativeSocketOptions) {
      return kernel.open(o);
    } as unknown as typeof import('../../src/native/load.ts').native.NetlinkSocket,
    sendFrames: () => Promise.reject(new Error('not in this test')),
    exchangeFrames: () => Promise.reject(new Error('not in this test')),
  };
  return { binding, kernel };
}

async function fakeHandle() {
  const { binding, kernel } = fakeBinding();
  const nl = await Netlink.open({ binding });
  return { nl, kernel };
}

const cases: [string, (nl: Netlink) => Promise<unknown>, RegExp, typeof TypeError | typeof RangeError][] = [
  [
    'invalid IPv4',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.300/24' }),
    /"10\.0\.0\.300\/24"/,
    TypeError,
  ],
  [
    'prefix > 32',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.1/33' }),
    /33.*"10\.0\.0\.1\/33"/,
    RangeError,
  ],
  ['prefix > 128', (nl) => nl.addresses.add({ link: 'v0', address: '2001:db8::1/129' }), /129/, RangeError],
  [
    'separate prefix > 32',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.1', prefixLength: 40 }),
    /40/,
    RangeError,
  ],
  [
    'unknown flag name',
    (nl) => nl.addresses.add({ link: 'v0', address: '10.0.0.1/32', flags: ['nodadd' as 'nodad'] }),
    /"nodadd"/,
    TypeError,
  ],
  [
    'bad link name',
    (nl) => nl.addresses.add({ link: 'has space', address: '10.0.0.1/32' }),
    /"has space"/,
    TypeError,
  ],
  ['bad link index', (nl) => nl.addresses.delete({ link: -3, address: '10.0.0.1/32' }), /-3/, RangeError],
  [
    'protocol > 255',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.1/32', protocol: 300 }),
    /300/,
    RangeError,
  ],
  [
    'broadcast not IPv4',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.1/24', broadcast: 'fe80::1' }),
    /"fe80::1"/,
    TypeError,
  ],
  [
    'unknown scope',
    (nl) => nl.addresses.add({ link: 1, address: '10.0.0.1/24', scope: 'planet' as 'link' }),
    /"planet"/,
    TypeError,
  ],
  [
    'unknown link kind',
    (nl) => nl.links.create({ name: 'x0', kind: 'tunnel' as 'ifb' }),
    /"tunnel"/,
    TypeError,
  ],
  ['veth without peer', (nl) => nl.links.create({ name: 'x0', kind: 'veth' }), /peer/, TypeError],
  [
    'link name too long',
    (nl) => nl.links.create({ name: 'a-very-long-name0', kind: 'ifb' }),
    /"a-very-long-name0"/,
    TypeError,
  ],
  [
    'route gateway address',
    (nl) => nl.routes.add({ dst: '10.0.0.0/8', gateway: '10.0.0.256', link: 'v0' }),
    /"10\.0\.0\.256"/,
    TypeError,
  ],
  ['route nhId', (nl) => nl.routes.add({ dst: '10.0.0.0/8', nhId: 0 }), /0/, RangeError],
  [
    'route metric value',
    (nl) => nl.routes.add({ dst: '10.0.0.0/8', link: 1, metrics: { mtu: -1 } }),
    /-1/,
    RangeError,
  ],
  ['route get tos', (nl) => nl.routes.get('10.0.0.1', { tos: 300 }), /300/, RangeError],
  [
    'nexthop group weight',
    (nl) => nl.nexthops.add({ id: 5, group: [{ id: 1, weight: 0 }] }),
    /0/,
    RangeError,
  ],
  ['route dst prefix', (nl) => nl.routes.add({ dst: '10.0.0.0/64', link: 'v0' }), /64/, RangeError],
  ['route table name', (nl) => nl.routes.list({ table: 'mian' as 'main' }), /"mian"/, TypeError],
  ['route get address', (nl) => nl.routes.get('10.0.0'), /"10\.0\.0"/, TypeError],
  [
    'nexthop weight',
    (nl) => nl.routes.add({ dst: '10.0.0.0/8', nexthops: [{ gateway: '10.0.0.1', weight: 0 }] }),
    /0/,
    RangeError,
  ],
  ['retryInterrupted', (nl) => nl.links.list({ retryInterrupted: -1 }), /-1/, RangeError],
  ['address family filter', (nl) => nl.addresses.list({ family: 5 as 4 }), /5/, TypeError],
];

for (const [name, call, pattern, type] of cases) {
  test(`bad argument (${name}) rejects with ${type.name} naming it, and nothing is sent`, async () => {
    const { nl, kernel } = await fakeHandle();
    await assert.rejects(call(nl), (e: unknown) => {
      assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
      assert.match((e as Error).message, pattern);
      return true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(kernel.sends.length, 0, 'nothing reached the socket');
    nl.close();
  });
}

test('an unknown link name is a RangeError naming it; the only thing sent was the lookup', async () => {
  const { nl, kernel } = await fakeHandle();
  kernel.responder = (req) => {
    // RTM_GETLINK by name → ENODEV, as the kernel answers for a missing name.
    const h = header(req);
    const body = Buffer.alloc(20);
    body.writeInt32LE(-19, 0);
    req.copy(body, 4, 0, 16);
    return h.type === 18 ? message(2, 0x100, h.seq, body, PORT_ID) : ack(req);
  };
  await assert.rejects(nl.addresses.add({ link: 'nope0', address: '10.0.0.1/32' }), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /unknown link "nope0"/);
    return true;
  });
  assert.deepEqual(
    kernel.requests.map((m) => header(m).type),
    [18],
    'one RTM_GETLINK, no RTM_NEWADDR',
  );
  nl.close();
});

test('Netlink.open rejects a bad netns or buffer option before opening a socket', async () => {
  await assert.rejects(Netlink.open({ netns: '../etc' }), /"\.\.\/etc"/);
  await assert.rejects(Netlink.open({ netns: { fd: -1 } }), /-1/);
  await assert.rejects(Netlink.open({ rcvbuf: 12 }), RangeError);
  const { binding, kernel } = fakeBinding();
  await assert.rejects(Netlink.open({ window: 0, binding }), /window.*0/);
  assert.equal(kernel.sends.length, 0);
  assert.equal((kernel as { options?: unknown }).options, undefined, 'no socket was opened');
});
