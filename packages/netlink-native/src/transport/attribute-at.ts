// Ext-ack points at the offending attribute by byte offset into the request. The transport still
// holds the request, so it can walk it and say which attribute that was ("IFA_LOCAL",
// "IFLA_LINKINFO > IFLA_INFO_KIND") instead of leaving the caller with a bare number.
import * as C from '../codec/constants.ts';
import * as N from '../codec/neighbour.ts';

type NameTable = Map<number, string>;

function table(prefix: string, exclude: string[] = [], source: object = C): NameTable {
  const names: NameTable = new Map();
  for (const [key, value] of Object.entries(source)) {
    if (typeof value !== 'number' || !key.startsWith(prefix) || key.endsWith('_UNSPEC')) continue;
    if (exclude.some((x) => key.startsWith(x))) continue;
    if (!names.has(value)) names.set(value, key);
  }
  return names;
}

interface Layout {
  /** Size of the fixed family header after nlmsghdr (ifinfomsg, ifaddrmsg, rtmsg). */
  fixed: number;
  names: NameTable;
  /** Attributes whose payload is itself attributes, with their names. */
  nested: Map<number, NameTable>;
}

let layouts: Map<number, Layout> | undefined;

function layoutFor(type: number): Layout | undefined {
  if (layouts === undefined) {
    const link: Layout = {
      fixed: C.IFINFOMSG_LEN,
      names: table('IFLA_', ['IFLA_INFO_', 'IFLA_VXLAN_', 'IFLA_PROP_']),
      nested: new Map([[C.IFLA_LINKINFO, table('IFLA_INFO_')]]),
    };
    const addr: Layout = { fixed: C.IFADDRMSG_LEN, names: table('IFA_', ['IFA_F_']), nested: new Map() };
    const route: Layout = { fixed: C.RTMSG_LEN, names: table('RTA_'), nested: new Map() };
    const neigh: Layout = { fixed: N.NDMSG_LEN, names: table('NDA_', [], N), nested: new Map() };
    layouts = new Map();
    for (const t of [C.RTM_NEWLINK, C.RTM_DELLINK, C.RTM_GETLINK, C.RTM_SETLINK]) layouts.set(t, link);
    for (const t of [C.RTM_NEWADDR, C.RTM_DELADDR, C.RTM_GETADDR]) layouts.set(t, addr);
    for (const t of [C.RTM_NEWROUTE, C.RTM_DELROUTE, C.RTM_GETROUTE]) layouts.set(t, route);
    for (const t of [C.RTM_NEWNEIGH, C.RTM_DELNEIGH, C.RTM_GETNEIGH]) layouts.set(t, neigh);
  }
  return layouts.get(type);
}

/** Finds the attribute containing byte `target` in attributes spanning [start, end) of `buf`. */
function walk(buf: Buffer, start: number, end: number, target: number): [number, number] | undefined {
  let off = start;
  while (off + 4 <= end) {
    const len = buf.readUInt16LE(off);
    if (len < 4) return undefined;
    if (target >= off && target < off + len) return [buf.readUInt16LE(off + 2) & 0x3fff, off];
    off += (len + 3) & ~3;
  }
  return undefined;
}

/**
 * Names the attribute at byte `offset` of `request` (a whole netlink message), or undefined when
 * the offset is not inside an attribute we can name. Nested attributes are named as a path.
 */
export function attributeAt(request: Buffer, offset: number): string | undefined {
  if (request.length < 16 || offset < 16 || offset >= request.length) return undefined;
  const layout = layoutFor(request.readUInt16LE(4));
  if (layout === undefined) return undefined;
  const end = Math.min(request.readUInt32LE(0), request.length);
  const top = walk(request, 16 + layout.fixed, end, offset);
  if (top === undefined) return undefined;
  const [type, at] = top;
  const name = layout.names.get(type) ?? `attribute ${type}`;
  const nestedNames = layout.nested.get(type);
  if (nestedNames === undefined || offset < at + 4) return name;
  const inner = walk(request, at + 4, at + request.readUInt16LE(at), offset);
  if (inner === undefined) return name;
  return `${name} > ${nestedNames.get(inner[0]) ?? `attribute ${inner[0]}`}`;
}
