// The hot path formats the operation text only when a request fails: failures must still name it
// exactly as before, and bad arguments must still throw before anything is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Addresses } from '../../src/api/addresses.ts';
import { encodeDelAddress, encodeNewAddress } from '../../src/codec/address.ts';
import { NetlinkError } from '../../src/errors.ts';
import { Connection } from '../../src/transport/connection.ts';
import { errorReply, FakeKernel, tick } from '../transport/fake-kernel.ts';

const EEXIST = 17;
const EADDRNOTAVAIL = 99;

function refusing(errno: number) {
  const kernel = new FakeKernel();
  kernel.responder = (request) => errorReply(request, errno);
  const addresses = new Addresses(new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 }));
  return { kernel, addresses };
}

async function rejection(p: Promise<unknown>): Promise<NetlinkError> {
  const err = await p.then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetlinkError);
  return err;
}

test('a refused add, replace or delete of a plain IPv4 address names the operation', async () => {
  const { addresses } = refusing(EEXIST);
  const add = await rejection(addresses.add({ link: 3, address: '10.0.0.1', prefixLength: 32 }));
  assert.equal(add.operation, 'address add 10.0.0.1/32 dev #3');
  assert.match(add.message, /^address add 10\.0\.0\.1\/32 dev #3: EEXIST/);
  const replace = await rejection(addresses.replace({ link: 3, address: '10.0.0.2' }));
  assert.equal(replace.operation, 'address replace 10.0.0.2/32 dev #3');
  const del = await rejection(addresses.delete({ link: 4, address: '10.0.0.3', prefixLength: 24 }));
  assert.equal(del.operation, 'address del 10.0.0.3/24 dev #4');
  const slash = await rejection(addresses.delete({ link: 4, address: '10.0.0.4/24' }));
  assert.equal(slash.operation, 'address del 10.0.0.4/24 dev #4');
  const v6 = await rejection(addresses.add({ link: 5, address: '2001:db8::1', prefixLength: 64 }));
  assert.equal(v6.operation, 'address add 2001:db8::1/64 dev #5');
});

test('the plain path sends what the general encoder writes', async () => {
  const { kernel, addresses } = refusing(EADDRNOTAVAIL);
  const settled = Promise.allSettled([
    addresses.add({ link: 3, address: '10.9.8.7', prefixLength: 24 }),
    addresses.delete({ link: 3, address: '10.9.8.7', prefixLength: 24 }),
  ]);
  await tick();
  const [add, del] = kernel.requests.map((m) => {
    const copy = Buffer.from(m);
    copy.fill(0, 8, 16); // seq and pid, written by the transport
    return copy;
  });
  assert.deepEqual(
    add,
    encodeNewAddress({ index: 3, address: '10.9.8.7', prefixLength: 24, broadcast: 'auto' }),
  );
  assert.deepEqual(del, encodeDelAddress({ index: 3, address: '10.9.8.7', prefixLength: 24 }));
  await settled;
});

test('an ext-ack offset into a plain request, whose bytes were never kept, still names the attribute', async () => {
  const kernel = new FakeKernel();
  // offset 32: IFA_ADDRESS, after nlmsghdr 16 + ifaddrmsg 8 + IFA_LOCAL 8
  kernel.responder = (request) => errorReply(request, 22, { message: 'Invalid address', offset: 32 });
  const addresses = new Addresses(new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 }));
  const err = await rejection(addresses.add({ link: 3, address: '10.0.0.1', prefixLength: 24 }));
  assert.equal(err.operation, 'address add 10.0.0.1/24 dev #3');
  assert.equal(err.extAck?.attribute, 'IFA_ADDRESS');
  assert.match(
    err.message,
    /^address add 10\.0\.0\.1\/24 dev #3: EINVAL .*Invalid address \[attribute IFA_ADDRESS\]$/,
  );
});

test('bad arguments on the plain path still throw before anything is sent', async () => {
  const { kernel, addresses } = refusing(EEXIST);
  await assert.rejects(addresses.add({ link: 3, address: '10.0.0.1', prefixLength: 33 }), RangeError);
  await assert.rejects(addresses.add({ link: 3, address: '10.0.0.1', prefixLength: 1.5 }), TypeError);
  await assert.rejects(addresses.add({ link: 0, address: '10.0.0.1' }), RangeError);
  await assert.rejects(addresses.delete({ link: -1, address: '10.0.0.1' }), RangeError);
  await assert.rejects(
    addresses.delete({ link: 3, address: '10.0.0.300' }),
    /invalid IP address "10\.0\.0\.300"/,
  );
  await tick();
  assert.equal(kernel.sends.length, 0);
});
