// The one error type a decoder may throw on bad bytes. Callers (the transport, monitors) can treat
// it as "the kernel sent something we cannot read" without guessing at RangeError and friends.

/** Bytes from the kernel that do not decode (a truncated message, an attribute of the wrong size). */
export class DecodeError extends Error {
  /** Byte offset (within the buffer or payload being decoded) where the problem was found. */
  readonly offset: number;
  /** Short machine-friendly description, e.g. "attribute length 3 < 4". */
  readonly reason: string;

  constructor(reason: string, offset: number) {
    super(`netlink decode error at byte ${offset}: ${reason}`);
    this.name = 'DecodeError';
    this.reason = reason;
    this.offset = offset;
  }
}
