{
  # Source build of the addon for platforms without a prebuild (prebuilds/ covers linux-x64).
  "includes": ["native.gypi"]
}
