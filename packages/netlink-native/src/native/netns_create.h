// Named network namespaces, as `ip netns add NAME` and `ip netns del NAME` make and remove them:
// a file under a run directory (/var/run/netns) with the namespace bind-mounted on it, so it
// outlives every process in it and `ip netns`, `ip -n` and Netlink.open({ netns }) find it.
//
// A new namespace comes from unshare(CLONE_NEWNET), which moves the calling thread into it. So
// each call runs on a thread of its own (the PacketJob machinery: one detached thread per call, a
// promise settled on the JS thread), and the namespace is bind-mounted from that thread's
// /proc/thread-self/ns/net. The thread ends right after: the JS thread and libuv's pool never
// change namespace, and nothing forks.
#pragma once

#include <napi.h>

namespace netlink_native {

// createNetns({ dir, name }) → Promise<void>. Rejects with an Error carrying `errno`/`code` and
// the failed step in `syscall`: EEXIST for a name already there, EPERM without CAP_SYS_ADMIN.
Napi::Value CreateNetns(const Napi::CallbackInfo& info);

// deleteNetns({ dir, name }) → Promise<void>: umount2(MNT_DETACH) then unlink. ENOENT for a
// name that is not there; EPERM when the unmount was refused and the mount point stays.
Napi::Value DeleteNetns(const Napi::CallbackInfo& info);

}  // namespace netlink_native
