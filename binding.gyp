{
  # Development build of the one addon, from the repository root (`npm run build:native`).
  # The target itself lives beside its sources so the published package builds the same thing.
  "includes": ["packages/netlink-native/native.gypi"]
}
