// NLMSG_ERROR (an ACK when errno is 0) and NLMSG_DONE, with their extended-ACK TLVs.
//   NLMSG_ERROR payload: s32 error; struct nlmsghdr request; [request payload unless NLM_F_CAPPED];
//                        [TLVs when NLM_F_ACK_TLVS]
//   NLMSG_DONE payload:  s32 error (0 or -errno); [TLVs when NLM_F_ACK_TLVS]

import { AttrWriter, forEachAttribute, readS64, readString, readU32, readU64 } from './attributes.ts';
import {
  NL_POLICY_TYPE_ATTR_BITFIELD32_MASK,
  NL_POLICY_TYPE_ATTR_MASK,
  NL_POLICY_TYPE_ATTR_MAX_LENGTH,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_S,
  NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
  NL_POLICY_TYPE_ATTR_MIN_LENGTH,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_S,
  NL_POLICY_TYPE_ATTR_MIN_VALUE_U,
  NL_POLICY_TYPE_ATTR_POLICY_IDX,
  NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE,
  NL_POLICY_TYPE_ATTR_TYPE,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_NEST,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_POLICY,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { align4, type NetlinkMessage, NLMSG_HDRLEN } from './message.ts';

/** NLMSGERR_ATTR_POLICY: what the attribute the kernel rejected should have looked like. */
export interface ExtAckPolicy {
  /** NL_ATTR_TYPE_* of the attribute. */
  type?: number;
  minValue?: bigint;
  maxValue?: bigint;
  minLength?: number;
  maxLength?: number;
  policyIndex?: number;
  policyMaxType?: number;
  bitfield32Mask?: number;
  mask?: bigint;
}

export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: human-readable reason ("Unknown device type"). */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset, within the request message, of the offending attribute. */
  offset?: number;
  /** NLMSGERR_ATTR_COOKIE */
  cookie?: Buffer;
  policy?: ExtAckPolicy;
  /** NLMSGERR_ATTR_MISS_TYPE: type of a required attribute that was missing. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest it was missing from. */
  missingNest?: number;
}

export interface RequestHeader {
  /** nlmsg_len of the original request. */
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

export interface DecodedError {
  /** Positive errno; 0 for a plain ACK. */
  errno: number;
  /** The header of the request this answers. */
  request: RequestHeader;
  /** The request's payload as echoed back (absent when NLM_F_CAPPED or for ACKs). */
  requestPayload: Buffer | undefined;
  extAck: ExtAck | undefined;
}

export interface DecodedDone {
  /** Positive errno (a dump that failed part-way, e.g. EINTR); 0 for a normal end of dump. */
  errno: number;
  extAck: ExtAck | undefined;
}

function decodePolicy(buf: Buffer, start: number, end: number): ExtAckPolicy {
  const p: ExtAckPolicy = {};
  forEachAttribute(buf, start, end, (type, off, len) => {
    switch (type) {
      case NL_POLICY_TYPE_ATTR_TYPE:
        p.type = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
        p.minValue = readS64(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
        p.maxValue = readS64(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
        p.minValue = readU64(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
        p.maxValue = readU64(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
        p.minLength = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
        p.maxLength = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_POLICY_IDX:
        p.policyIndex = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE:
        p.policyMaxType = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_BITFIELD32_MASK:
        p.bitfield32Mask = readU32(buf, off, len);
        break;
      case NL_POLICY_TYPE_ATTR_MASK:
        p.mask = readU64(buf, off, len);
        break;
    }
  });
  return p;
}

/** Decodes ext-ack TLVs in buf[start, end); undefined when there are none. */
export function decodeExtAck(buf: Buffer, start: number, end: number): ExtAck | undefined {
  let ack: ExtAck | undefined;
  forEachAttribute(buf, start, end, (type, off, len) => {
    switch (type) {
      case NLMSGERR_ATTR_MSG:
        ack ??= {};
        ack.message = readString(buf, off, len);
        break;
      case NLMSGERR_ATTR_OFFS:
        ack ??= {};
        ack.offset = readU32(buf, off, len);
        break;
      case NLMSGERR_ATTR_COOKIE:
        ack ??= {};
        ack.cookie = Buffer.from(buf.subarray(off, off + len));
        break;
      case NLMSGERR_ATTR_POLICY:
        ack ??= {};
        ack.policy = decodePolicy(buf, off, off + len);
        break;
      case NLMSGERR_ATTR_MISS_TYPE:
        ack ??= {};
        ack.missingType = readU32(buf, off, len);
        break;
      case NLMSGERR_ATTR_MISS_NEST:
        ack ??= {};
        ack.missingNest = readU32(buf, off, len);
        break;
    }
  });
  return ack;
}

/** Decodes an NLMSG_ERROR message (errno 0 = ACK). Throws DecodeError on anything malformed. */
export function decodeError(msg: NetlinkMessage): DecodedError {
  if (msg.type !== NLMSG_ERROR) throw new DecodeError(`message type ${msg.type} is not NLMSG_ERROR`, 0);
  const p = msg.payload;
  if (p.length < 4 + NLMSG_HDRLEN) throw new DecodeError(`NLMSG_ERROR payload of ${p.length} bytes < 20`, 0);
  const error = p.readInt32LE(0);
  if (error > 0) throw new DecodeError(`NLMSG_ERROR with positive error ${error}`, 0);
  const request: RequestHeader = {
    length: p.readUInt32LE(4),
    type: p.readUInt16LE(8),
    flags: p.readUInt16LE(10),
    seq: p.readUInt32LE(12),
    pid: p.readUInt32LE(16),
  };
  let tlvStart = 4 + NLMSG_HDRLEN;
  let requestPayload: Buffer | undefined;
  if (!(msg.flags & NLM_F_CAPPED)) {
    // The whole request is echoed back; its own nlmsg_len says how far it reaches.
    if (request.length < NLMSG_HDRLEN) {
      throw new DecodeError(`echoed request nlmsg_len ${request.length} < ${NLMSG_HDRLEN}`, 4);
    }
    if (4 + request.length > p.length) {
      throw new DecodeError(
        `echoed request of ${request.length} bytes exceeds the ${p.length - 4} bytes left`,
        4,
      );
    }
    if (request.length > NLMSG_HDRLEN) requestPayload = p.subarray(tlvStart, 4 + request.length);
    tlvStart = Math.min(4 + align4(request.length), p.length);
  }
  const extAck = msg.flags & NLM_F_ACK_TLVS ? decodeExtAck(p, tlvStart, p.length) : undefined;
  return { errno: error === 0 ? 0 : -error, request, requestPayload, extAck };
}

/** Decodes NLMSG_DONE: its s32 status (0 or -errno) and any ext-ack TLVs after it. */
export function decodeDone(msg: NetlinkMessage): DecodedDone {
  if (msg.type !== NLMSG_DONE) throw new DecodeError(`message type ${msg.type} is not NLMSG_DONE`, 0);
  const p = msg.payload;
  // Very old kernels sent an empty DONE; treat it as success.
  if (p.length === 0) return { errno: 0, extAck: undefined };
  if (p.length < 4) throw new DecodeError(`NLMSG_DONE payload of ${p.length} bytes < 4`, 0);
  const status = p.readInt32LE(0);
  if (status > 0) throw new DecodeError(`NLMSG_DONE with positive status ${status}`, 0);
  const extAck = msg.flags & NLM_F_ACK_TLVS ? decodeExtAck(p, 4, p.length) : undefined;
  return { errno: status === 0 ? 0 : -status, extAck };
}

// ---- encoders: what the kernel would send (for tests, mocks and replayed captures) ----

function writeExtAck(w: AttrWriter, ack: ExtAck): void {
  if (ack.message !== undefined) w.string(NLMSGERR_ATTR_MSG, ack.message);
  if (ack.offset !== undefined) w.u32(NLMSGERR_ATTR_OFFS, ack.offset);
  if (ack.cookie !== undefined) w.bytes(NLMSGERR_ATTR_COOKIE, ack.cookie);
  if (ack.policy !== undefined) {
    const p = ack.policy;
    const at = w.nestStart(NLMSGERR_ATTR_POLICY);
    if (p.type !== undefined) w.u32(NL_POLICY_TYPE_ATTR_TYPE, p.type);
    if (p.minValue !== undefined) {
      if (p.minValue < 0n) w.u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_S, BigInt.asUintN(64, p.minValue));
      else w.u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, p.minValue);
    }
    if (p.maxValue !== undefined) {
      if (p.maxValue < 0n) w.u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_S, BigInt.asUintN(64, p.maxValue));
      else w.u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, p.maxValue);
    }
    if (p.minLength !== undefined) w.u32(NL_POLICY_TYPE_ATTR_MIN_LENGTH, p.minLength);
    if (p.maxLength !== undefined) w.u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, p.maxLength);
    if (p.policyIndex !== undefined) w.u32(NL_POLICY_TYPE_ATTR_POLICY_IDX, p.policyIndex);
    if (p.policyMaxType !== undefined) w.u32(NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, p.policyMaxType);
    if (p.bitfield32Mask !== undefined) w.u32(NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, p.bitfield32Mask);
    if (p.mask !== undefined) w.u64(NL_POLICY_TYPE_ATTR_MASK, p.mask);
    w.nestEnd(at);
  }
  if (ack.missingType !== undefined) w.u32(NLMSGERR_ATTR_MISS_TYPE, ack.missingType);
  if (ack.missingNest !== undefined) w.u32(NLMSGERR_ATTR_MISS_NEST, ack.missingNest);
}

export interface ErrorReplySpec {
  /** Positive errno, 0 for an ACK. */
  errno: number;
  /** The whole request message being answered (its header is echoed, and its payload unless capped). */
  request: Buffer;
  /** NETLINK_CAP_ACK behaviour: echo only the request header (the kernel always caps ACKs). */
  capped?: boolean;
  extAck?: ExtAck;
}

/** Builds the NLMSG_ERROR the kernel would send for `request` (seq and pid copied from it). */
export function encodeError(spec: ErrorReplySpec): Buffer {
  const req = spec.request;
  if (req.length < NLMSG_HDRLEN) throw new TypeError('request must be a whole netlink message');
  const reqLen = Math.min(req.readUInt32LE(0), req.length);
  const capped = spec.capped ?? spec.errno === 0;
  const w = new AttrWriter(64 + reqLen);
  w.begin(NLMSG_ERROR, (capped ? NLM_F_CAPPED : 0) | (spec.extAck ? NLM_F_ACK_TLVS : 0));
  w.buf.writeUInt32LE(req.readUInt32LE(8), 8);
  w.buf.writeUInt32LE(req.readUInt32LE(12), 12);
  const at = w.zeros(4);
  w.buf.writeInt32LE(-spec.errno | 0, at);
  const echo = capped ? NLMSG_HDRLEN : reqLen;
  const r = w.zeros(align4(echo));
  req.copy(w.buf, r, 0, echo);
  if (spec.extAck) writeExtAck(w, spec.extAck);
  return w.finish();
}

/** Builds an NLMSG_DONE (flags NLM_F_MULTI plus `flags`) with status -errno and optional ext-ack. */
export function encodeDone(
  spec: { errno?: number; extAck?: ExtAck; seq?: number; flags?: number } = {},
): Buffer {
  const w = new AttrWriter(64);
  w.begin(NLMSG_DONE, NLM_F_MULTI | (spec.flags ?? 0) | (spec.extAck ? NLM_F_ACK_TLVS : 0));
  w.buf.writeUInt32LE((spec.seq ?? 0) >>> 0, 8);
  const at = w.zeros(4);
  w.buf.writeInt32LE(-(spec.errno ?? 0) | 0, at);
  if (spec.extAck) writeExtAck(w, spec.extAck);
  return w.finish();
}
