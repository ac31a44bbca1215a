// The nlmsghdr fields the transport reads straight from the receive chunk. Reading them in place
// (no message objects) keeps the ACK path allocation-free: only dump items and errors get decoded.
export const HDR_LEN = 0;
export const HDR_TYPE = 4;
export const HDR_FLAGS = 6;
export const HDR_SEQ = 8;
export const HDR_PID = 12;
export const HDR_SIZE = 16;

/** Rounds a message length up to the 4-byte alignment netlink keeps between messages. */
export const align4 = (n: number): number => (n + 3) & ~3;
