// The commands need Node >= 22.19 (engines). cli.ts and purelb.ts call this before loading anything
// else, so an older Node gets this sentence and exit 1 instead of a SyntaxError from a dependency.
export function nodeIsRecentEnough(command: string): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) return true;
  process.stderr.write(`${command}: needs Node.js >= 22.19 (this is Node.js ${process.version})\n`);
  return false;
}
