{
  # The netlink_native addon: the kernel boundary of @purelb-ts/netlink-native.
  # Paths here are relative to this file (gyp resolves included files that way).
  "targets": [
    {
      "target_name": "netlink_native",
      "sources": [
        "src/native/addon.cc",
        "src/native/errno_names.cc",
        "src/native/frame_exchange.cc",
        "src/native/io_loop.cc",
        "src/native/js_options.cc",
        "src/native/netlink_socket.cc",
        "src/native/netns_create.cc",
        "src/native/netns_open.cc",
        "src/native/packet_job.cc",
        "src/native/packet_sender.cc",
        "src/native/packet_socket.cc",
        "src/native/socket_callbacks.cc",
        "src/native/sys_error.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-exceptions"]
    }
  ]
}
