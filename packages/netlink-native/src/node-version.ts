// The package needs Node >= 22.19 (engines). index.ts imports this module first, so on an older Node
// the import fails with this sentence rather than a SyntaxError about some missing built-in export.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  throw new Error(`@purelb-ts/netlink-native needs Node.js >= 22.19 (this is Node.js ${process.version})`);
}
