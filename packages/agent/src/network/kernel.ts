// What the running kernel can do that the rules depend on. IFA_PROTO (the protocol tag on an address,
// PureLB's proof of ownership) is kept by Linux 6.3 and later; older kernels accept and drop it, and then
// the IPv4 label is PureLB's proof instead.

/** True for a kernel release older than 6.3 ("5.15.0-91-generic" → true; "6.18.44" → false). */
export function kernelDropsAddressProtocol(release: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (m === null) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < 6 || (major === 6 && minor < 3);
}
