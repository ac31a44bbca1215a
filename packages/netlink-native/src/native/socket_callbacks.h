// What every socket object with an I/O thread shares (NetlinkSocket, PacketSocket): the JS
// callbacks its thread-safe function calls on the JS thread, and small socket-option helpers.
#pragma once

#include <linux/filter.h>
#include <napi.h>

#include <cstddef>
#include <vector>

namespace netlink_native {

// What the thread-safe function needs on the JS thread. Shared between the socket object and
// the TSFN (which may outlive the object by one loop turn), so neither can free it under the
// other.
struct SocketCallbacks {
  napi_ref on_data = nullptr;
  napi_ref on_error = nullptr;
  bool closed = false;  // JS thread only: set by close(); from then on nothing is called
};

// Bounded hand-over queue: a slow JS side makes the I/O thread wait instead of buffering
// without limit (the socket then overruns and the kernel says so with ENOBUFS).
constexpr size_t kMaxQueuedDeliveries = 64;

// The TSFN's call_js: `context` is a std::shared_ptr<SocketCallbacks>*, `data` a Delivery*
// (io_loop.h) it takes ownership of. onData(buffer) or onError(errno, code, token[, cause]).
void CallJs(napi_env env, napi_value, void* context, void* data);
// The TSFN's finalizer: `finalize_data` is the same std::shared_ptr<SocketCallbacks>*.
void FinalizeTsfn(napi_env env, void* finalize_data, void*);

bool SetIntOption(int fd, int level, int name, int value);
// The option's value, or -1.
int GetIntOption(int fd, int level, int name);
// SO_*BUFFORCE exceeds the rmem_max/wmem_max ceiling but needs CAP_NET_ADMIN; without it the
// plain option still gets as much as the ceiling allows.
bool SetBuffer(int fd, int force_name, int name, int bytes);
// Replaces the socket's filter atomically: what is already queued stays, later datagrams meet
// the new program.
bool AttachFilter(int fd, std::vector<struct sock_filter>* program);
// The option takes no value, but the kernel wants an int's worth of one; ENOENT (no filter was
// attached) already is the state asked for.
bool DetachFilter(int fd);

}  // namespace netlink_native
