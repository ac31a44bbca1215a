// The one error type the kernel's answers turn into. It keeps what a caller needs to decide what
// to do (errno number and name) and what a human needs to understand it (the operation, the
// kernel's ext-ack text and, when it can be mapped, the attribute the kernel pointed at).
import { constants } from 'node:os';
// A namespace import: a named one would fail to link on Node < 22.19 before node-version.ts can say why.
import * as util from 'node:util';

/** What the kernel added to an error with NETLINK_EXT_ACK. */
export interface NetlinkExtAck {
  /** NLMSGERR_ATTR_MSG: the human-readable reason ("Unknown device type"). */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute inside the request message. */
  offset?: number;
  /** The attribute at `offset`, named from the request ("IFA_LOCAL", "IFLA_LINKINFO > IFLA_INFO_KIND"). */
  attribute?: string;
  /** NLMSGERR_ATTR_MISS_TYPE: the attribute type the kernel wanted but did not get. */
  missingType?: number;
}

/** What a NetlinkError is made from. */
export interface NetlinkErrorInit {
  /** The errno, positive or negative (the kernel's -17 and 17 are both EEXIST). */
  errno: number;
  /** The operation that failed ("address add 10.0.0.1/32 dev v0"). */
  operation: string;
  /** The kernel's ext-ack, when it gave one. */
  extAck?: NetlinkExtAck;
  /** The library's own explanation when the kernel gave none ("the netlink handle was closed"). */
  detail?: string;
}

// Where two names share a number, the kernel's own spelling wins (95 is EOPNOTSUPP, as `ip`
// and the uapi headers say, not ENOTSUP).
const ALIASES_TO_SKIP = new Set(['ENOTSUP', 'EWOULDBLOCK', 'EDEADLOCK']);
const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!ALIASES_TO_SKIP.has(name) && !NAMES.has(value)) NAMES.set(value, name);
}

/** errno number → symbolic name, e.g. 17 → "EEXIST". */
export function errnoName(errno: number): string {
  return NAMES.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

function errnoText(errno: number): string {
  try {
    return util.getSystemErrorMessage(-Math.abs(errno));
  } catch {
    return `errno ${errno}`;
  }
}

/**
 * A request the kernel refused (or could not answer): `errno`/`code` say why, `operation` says
 * which request ("address add 10.0.0.1/32 dev v0"), `extAck` carries the kernel's own words.
 */
export class NetlinkError extends Error {
  /** Positive errno number (17 for EEXIST). */
  readonly errno: number;
  /** Symbolic errno name ("EEXIST"), like Node's own system errors. */
  readonly code: string;
  /** The operation that failed, as the library described it. */
  readonly operation: string;
  /** What the kernel said with NETLINK_EXT_ACK, when it said anything. */
  readonly extAck: NetlinkExtAck | undefined;

  constructor(init: NetlinkErrorInit) {
    const errno = Math.abs(init.errno);
    const code = errnoName(errno);
    let text = `${init.operation}: ${code} (${errnoText(errno)})`;
    if (init.extAck?.message) text += `: ${init.extAck.message}`;
    if (init.detail) text += `: ${init.detail}`;
    if (init.extAck?.attribute) text += ` [attribute ${init.extAck.attribute}]`;
    else if (init.extAck?.offset !== undefined) text += ` [at byte ${init.extAck.offset}]`;
    super(text);
    this.name = 'NetlinkError';
    this.errno = errno;
    this.code = code;
    this.operation = init.operation;
    this.extAck = init.extAck;
  }
}
