// The contract between the C++ addon (src/native/*.cc) and the TypeScript layers above it.
// The addon owns only the kernel boundary: sockets, namespaces, threads. Everything that knows
// the shape of a netlink message lives in TypeScript (src/codec), so this file is the whole seam.

/** Where a socket is opened: the caller's namespace, or another one, without moving the JS thread. */
export interface NetnsTarget {
  /** A namespace file: /var/run/netns/NAME or /proc/PID/ns/net. */
  path?: string;
  /** An already-open namespace fd (the caller keeps ownership). */
  fd?: number;
}

export interface NativeSocketOptions {
  /** Netlink protocol family; NETLINK_ROUTE is 0. */
  protocol: number;
  netns?: NetnsTarget;
  /** Receive buffer in bytes; SO_RCVBUFFORCE when permitted, else SO_RCVBUF. */
  rcvbuf: number;
  /** Send buffer in bytes (bounds the size of one sendmsg). */
  sndbuf: number;
  /** Multicast groups (RTNLGRP_* numbers, not bitmasks) joined with NETLINK_ADD_MEMBERSHIP. */
  groups: number[];
  /**
   * A classic BPF program (struct sock_filter[], host byte order) attached with SO_ATTACH_FILTER
   * before the socket is bound or joins a group: the kernel runs it on every datagram for this
   * socket, and a return of 0 drops it before it is queued. Default: none.
   */
  filter?: Buffer;
  /**
   * Called on the JS thread with one or more whole datagrams concatenated (netlink messages are
   * 4-byte aligned, so concatenation keeps every nlmsghdr boundary). Must not throw; if it does,
   * the addon reports it through onError instead of letting it escape.
   */
  onData: (chunk: Buffer) => void;
  /**
   * A receive or send failure that did not close the socket: ENOBUFS (the kernel dropped
   * messages: requests lost replies, monitors must re-list), or a failed sendmsg.
   * `token` is the send() token whose buffer failed, or 0 for receive errors.
   * If onData throws, the addon calls onError(0, 'ECALLBACK', 0, thrownValue) instead of letting
   * the exception escape (a throw from onError itself is dropped with a line on stderr).
   */
  onError: (errno: number, code: string, token: number, cause?: unknown) => void;
}

export interface NativeSocket {
  /** The netlink port id the kernel assigned (getsockname after bind with nl_pid 0). */
  readonly portId: number;
  /** Whether the kernel accepted NETLINK_GET_STRICT_CHK / NETLINK_EXT_ACK / NETLINK_CAP_ACK. */
  readonly strictCheck: boolean;
  readonly extAck: boolean;
  readonly capAck: boolean;
  /** The receive buffer the kernel granted (getsockopt SO_RCVBUF). */
  readonly rcvbuf: number;
  /**
   * Queue whole netlink messages for sending; returns at once. The I/O thread writes everything
   * queued since it last woke in as few sendmsg calls as the send buffer allows (batching).
   * `token` identifies this buffer in onError if its sendmsg fails. Throws a TypeError if the
   * bytes are not whole messages (nlmsg_len), and an Error with code ERR_SOCKET_CLOSED after close().
   */
  send(messages: Buffer, token: number): void;
  addMembership(group: number): void;
  dropMembership(group: number): void;
  /**
   * Replaces the kernel filter (SO_ATTACH_FILTER) with `program`, or removes it (undefined;
   * removing none is not an error). Datagrams already queued stay. A program the kernel refuses
   * throws an Error with `errno`/`code` (EINVAL); malformed bytes a RangeError/TypeError.
   */
  setFilter(program: Buffer | undefined): void;
  /** Idempotent. Stops the I/O thread, closes the fd; no callback runs afterwards. */
  close(): void;
}

/**
 * What the real addon's sockets offer beyond the NativeSocket contract (kept separate so a
 * test double of NativeSocket need not implement them).
 */
export interface NativeSocketControls {
  /** The send buffer the kernel granted (getsockopt SO_SNDBUF); one sendmsg carries ≤ sndbuf − 32 bytes. */
  readonly sndbuf: number;
  /** Counters from the I/O thread, for tests and benchmarks (batching shows as messagesSent ≫ sendmsgCalls). */
  readonly stats: NativeSocketStats;
  /** True once close() has run. */
  readonly closed: boolean;
  /**
   * An open socket keeps the event loop alive, like net.Socket (a monitor should keep a process
   * running). unref() lets the process exit while it is open; ref() undoes that. Open sockets
   * are closed by the addon when the environment is torn down (process exit, worker end).
   */
  ref(): void;
  unref(): void;
}

export interface NativeSocketStats {
  sendmsgCalls: number;
  messagesSent: number;
  datagramsReceived: number;
  /**
   * recv/recvmmsg calls that returned data. Far fewer than datagramsReceived when replies are
   * read in bulk (only ACK-type requests outstanding on a request socket); equal when each
   * datagram is sized first (dumps, GETs, multicast groups).
   */
  receiveCalls: number;
}

export interface SendFramesOptions {
  netns?: NetnsTarget;
  ifindex: number;
  /** Ethertype in host order, e.g. 0x0806 (ARP) or 0x86dd (IPv6). */
  protocol: number;
  /** Whole Ethernet frames, built by src/api/announce.ts. */
  frames: Buffer[];
  /** Milliseconds between frames (0 = back to back). */
  intervalMs: number;
}

export interface ExchangeFramesOptions {
  netns?: NetnsTarget;
  ifindex: number;
  /**
   * Whole Ethernet frames, sent back to back once per round, each tagged with the EtherType in
   * its own header (bytes 12-13). Built by src/api/probe-frames.ts.
   */
  frames: Buffer[];
  /** Rounds of frames (1..1000). */
  rounds: number;
  /** Milliseconds of listening between rounds. */
  intervalMs: number;
  /** Milliseconds of listening after the last round. */
  waitMs: number;
  /**
   * A classic BPF program (struct sock_filter[], host byte order) run by the kernel on every frame
   * the device receives, attached before the socket can receive anything: its return value is
   * the number of bytes kept, 0 drops the frame. Default: keep every frame whole.
   */
  filter?: Buffer;
  /** Link-layer multicast addresses the device must accept while listening (PACKET_ADD_MEMBERSHIP). */
  multicast?: Buffer[];
  /** Receive buffer (default 1 MiB; SO_RCVBUFFORCE when privileged). */
  rcvbuf?: number;
  /** Most frames kept (default 65,536); the rest are counted in `dropped`. */
  maxFrames?: number;
}

export interface ExchangeFramesResult {
  /** Every frame the device received while listening (never the host's own: PACKET_OUTGOING), in order. */
  frames: Buffer[];
  /** Frames lost: beyond maxFrames, or dropped by the kernel because the receive queue was full. */
  dropped: number;
}

export interface PacketSocketOptions {
  netns?: NetnsTarget;
  ifindex: number;
  /**
   * A classic BPF program (struct sock_filter[], host byte order), required: attached before the
   * socket is bound (ETH_P_ALL), so the kernel runs it on every frame the device receives and a
   * frame it drops never wakes the I/O thread. Its return value is the number of bytes kept.
   */
  filter: Buffer;
  /** Receive buffer in bytes; SO_RCVBUFFORCE when permitted, else SO_RCVBUF. */
  rcvbuf: number;
  /**
   * Called on the JS thread with one or more received frames, each preceded by its length (u32,
   * host byte order) and padded to 4 bytes. Never the host's own transmitted frames. Must not
   * throw; if it does, the addon reports it through onError (ECALLBACK) instead.
   */
  onData: (chunk: Buffer) => void;
  /**
   * ENOBUFS (token 0): the kernel dropped frames because the receive queue was full; a receive
   * failure; or ECALLBACK with the value onData threw.
   */
  onError: (errno: number, code: string, token: number, cause?: unknown) => void;
}

/** A listening AF_PACKET socket on one device, with its own I/O thread (no sending). */
export interface NativePacketSocket {
  /** The receive buffer the kernel granted. */
  readonly rcvbuf: number;
  /** Whether the kernel took PACKET_IGNORE_OUTGOING (Linux 4.20+): the host's own frames are never cloned for it. */
  readonly ignoresOutgoing: boolean;
  /** Frames handed to JS, and the reads that returned them. */
  readonly stats: { framesReceived: number; receiveCalls: number };
  readonly closed: boolean;
  /** Lets frames for a link-layer multicast address reach the socket (PACKET_ADD_MEMBERSHIP, counted per socket). */
  addMembership(address: Buffer): void;
  dropMembership(address: Buffer): void;
  /** Replaces the kernel filter (there is always one). A program the kernel refuses throws (EINVAL); the old one stays. */
  setFilter(program: Buffer): void;
  /** Idempotent. Stops the I/O thread, closes the fd (memberships end); no callback runs afterwards. */
  close(): void;
  /** Like NativeSocketControls: an open socket keeps the event loop alive unless unref()'d. */
  ref(): void;
  unref(): void;
}

/** A named namespace file: `dir/name`, as `ip netns` keeps them (dir /var/run/netns). */
export interface NetnsFileOptions {
  /** The run directory; created (0755) and made a shared mount point when it is not one. */
  dir: string;
  /** One path component of 1..255 bytes, not `.` or `..`. */
  name: string;
}

export interface NativeBinding {
  NetlinkSocket: new (options: NativeSocketOptions) => NativeSocket & NativeSocketControls;
  /**
   * Opens a listening AF_PACKET socket on `ifindex` in the namespace (a helper thread creates it
   * there). Bad options throw TypeError/RangeError; a failing system call throws an Error with
   * `errno` and `code` (ENODEV for a missing ifindex).
   */
  PacketSocket: new (
    options: PacketSocketOptions,
  ) => NativePacketSocket;
  /**
   * Sends raw frames on an AF_PACKET socket opened (in the namespace) for this call, off the JS
   * thread. Bad options throw at once (TypeError/RangeError); a failing system call rejects with
   * an Error carrying `errno` and `code` (ENODEV for a missing ifindex) and naming the operation.
   */
  sendFrames(options: SendFramesOptions): Promise<void>;
  /**
   * Opens an AF_PACKET socket on the device (in the namespace) for this call, sends the frames in
   * rounds and collects what arrives until waitMs after the last round, all on a thread of its
   * own. Bad options throw at once (TypeError/RangeError); a failing system call rejects with an
   * Error carrying `errno` and `code` (ENODEV for a missing ifindex, ENETDOWN for a link that is
   * down) and naming the operation.
   */
  exchangeFrames(options: ExchangeFramesOptions): Promise<ExchangeFramesResult>;
  /**
   * `ip netns add`: makes `dir` a shared mount point, creates `dir/name` (O_EXCL) and bind-mounts
   * a new network namespace on it, made by unshare(CLONE_NEWNET) on a thread of this call's own
   * (the JS thread and libuv's pool never change namespace). A bad name throws a TypeError at
   * once; a failing system call rejects with an Error carrying `errno`, `code` and the failed step
   * in `syscall` (EEXIST: the file exists; EPERM: no CAP_SYS_ADMIN). A failure after the file was
   * created removes it again.
   */
  createNetns(options: NetnsFileOptions): Promise<void>;
  /**
   * `ip netns del`: umount2(dir/name, MNT_DETACH), then unlink. Rejects like createNetns: ENOENT
   * for a name that is not there, EPERM when the unmount was refused.
   */
  deleteNetns(options: NetnsFileOptions): Promise<void>;
  /** errno number → symbolic name (EEXIST), from the C library. */
  errnoName(errno: number): string;
  /** strerror text for an errno number. */
  errnoMessage(errno: number): string;
  /** The Node-API version the addon was built against. */
  readonly napiVersion: number;
}
