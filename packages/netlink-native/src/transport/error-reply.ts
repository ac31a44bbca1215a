// Turns a refusal from the kernel (NLMSG_ERROR with a non-zero errno, or an NLMSG_DONE that ends a
// failed dump) into a NetlinkError naming the operation, with the ext-ack text and the offending
// attribute mapped back onto the request the transport still holds.
import { NLMSG_ERROR } from '../codec/constants.ts';
import { decodeDone, decodeError, type ExtAck } from '../codec/error.ts';
import type { NetlinkMessage } from '../codec/message.ts';
import { NetlinkError, type NetlinkExtAck } from '../errors.ts';
import { attributeAt } from './attribute-at.ts';
import type { PendingRequest } from './pending.ts';

function extAckFor(request: Buffer, raw: ExtAck | undefined): NetlinkExtAck | undefined {
  if (raw === undefined) return undefined;
  const out: NetlinkExtAck = {};
  if (raw.message !== undefined) out.message = raw.message;
  if (raw.offset !== undefined) {
    out.offset = raw.offset;
    const attribute = attributeAt(request, raw.offset);
    if (attribute !== undefined) out.attribute = attribute;
  }
  if (raw.missingType !== undefined) out.missingType = raw.missingType;
  return out;
}

export function errorFromReply(entry: PendingRequest, msg: NetlinkMessage): Error {
  try {
    const decoded = msg.type === NLMSG_ERROR ? decodeError(msg) : decodeDone(msg);
    return new NetlinkError({
      errno: decoded.errno,
      operation: entry.operation,
      extAck: extAckFor(entry.bytes(), decoded.extAck),
    });
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
