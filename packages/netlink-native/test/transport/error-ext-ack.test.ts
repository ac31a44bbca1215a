import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/errors.ts';
import { Connection } from '../../src/transport/connection.ts';
import { errorReply, FakeKernel, newLinkRequest, request, tick } from './fake-kernel.ts';

test('an NLMSG_ERROR becomes a NetlinkError with errno, name, operation and the ext-ack text', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const req = newLinkRequest();
  const result = conn.ack(req, 'link add d0 type dummy');
  await tick();
  const sent = kernel.requests[0]!;
  // The offset of IFLA_INFO_KIND inside IFLA_LINKINFO: nlmsghdr 16 + ifinfomsg 16 + IFLA_IFNAME 8 + nest header 4.
  kernel.deliver(errorReply(sent, 95, { message: 'Unknown device type', offset: 44 }));
  const err = await result.then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetlinkError);
  assert.equal(err.errno, 95);
  assert.equal(err.code, 'EOPNOTSUPP');
  assert.equal(err.operation, 'link add d0 type dummy');
  assert.equal(err.extAck?.message, 'Unknown device type');
  assert.equal(err.extAck?.offset, 44);
  assert.equal(err.extAck?.attribute, 'IFLA_LINKINFO > IFLA_INFO_KIND');
  assert.match(
    err.message,
    /^link add d0 type dummy: EOPNOTSUPP .*: Unknown device type \[attribute IFLA_LINKINFO > IFLA_INFO_KIND\]$/,
  );
  conn.close();
});

test('a top-level attribute offset is named from the request family (IFA_* for addresses)', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  // RTM_NEWADDR: ifaddrmsg (8) then IFA_LOCAL (type 2) at offset 24.
  const payload = Buffer.alloc(16);
  payload.writeUInt16LE(8, 8);
  payload.writeUInt16LE(2, 10);
  const result = conn.ack(request(20, 1 | 4, payload), 'address add 10.0.0.1/32 dev v0');
  await tick();
  kernel.deliver(errorReply(kernel.requests[0]!, 99, { message: 'nope', offset: 24 }));
  await assert.rejects(result, (err: NetlinkError) => {
    assert.equal(err.code, 'EADDRNOTAVAIL');
    assert.equal(err.extAck?.attribute, 'IFA_LOCAL');
    return true;
  });
  conn.close();
});

test('an error without ext-ack still names the errno and the operation', async () => {
  const kernel = new FakeKernel();
  const conn = new Connection(kernel.open, { rcvbuf: 4 << 20, sndbuf: 1 << 20 });
  const result = conn.ack(request(), 'address add 10.0.0.1/32 dev v0');
  await tick();
  kernel.deliver(errorReply(kernel.requests[0]!, 17));
  await assert.rejects(result, (err: NetlinkError) => {
    assert.equal(err.errno, 17);
    assert.equal(err.code, 'EEXIST');
    assert.equal(err.extAck, undefined);
    assert.equal(err.message, 'address add 10.0.0.1/32 dev v0: EEXIST (file already exists)');
    return true;
  });
  conn.close();
});
