// NetlinkSocket: one netlink socket, its I/O thread, and the thread-safe function that carries
// what the thread receives to the JS callbacks.
//
// Why a dedicated thread per socket plus a Node-API thread-safe function (and not uv_poll or
// blocking calls on the JS thread):
// - rtnetlink runs request handlers synchronously inside sendmsg, under rtnl_lock, so even a
//   "non-blocking" send can stall for as long as another process holds that lock. Sends must
//   leave the JS thread too, not just receives.
// - napi_threadsafe_function is plain Node-API: one binary serves every Node major (and Bun,
//   which stubs libuv), whereas uv_poll is outside Node-API's stability promise.
// - A bounded TSFN queue with blocking calls gives honest backpressure: when JS falls behind,
//   the thread stops reading, the socket fills, and the kernel reports ENOBUFS.
// - C++ exceptions are off: every napi status is checked, and a JS exception thrown by a
//   callback is caught here and reported through onError instead of escaping into libuv.
// - A kernel filter (SO_ATTACH_FILTER) is set from the JS thread, in the constructor before any
//   group is joined and later by setFilter: the socket already lives in its namespace, and the
//   kernel swaps the program under RCU while the I/O thread may be receiving, taking no
//   rtnl_lock, so nothing there can block.
#pragma once

#include <napi.h>

#include <memory>

#include "io_loop.h"
#include "socket_callbacks.h"

namespace netlink_native {

class NetlinkSocket : public Napi::ObjectWrap<NetlinkSocket>, public DeliverySink {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit NetlinkSocket(const Napi::CallbackInfo& info);
  ~NetlinkSocket() override;

  // Runs on the I/O thread.
  bool Deliver(Delivery* delivery) override;

 private:
  bool Open(const Napi::CallbackInfo& info);
  void CloseInternal(bool release_js_ref);
  static void OnEnvTeardown(void* self);

  Napi::Value PortId(const Napi::CallbackInfo& info);
  Napi::Value StrictCheck(const Napi::CallbackInfo& info);
  Napi::Value ExtAck(const Napi::CallbackInfo& info);
  Napi::Value CapAck(const Napi::CallbackInfo& info);
  Napi::Value Rcvbuf(const Napi::CallbackInfo& info);
  Napi::Value Sndbuf(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value AddMembership(const Napi::CallbackInfo& info);
  Napi::Value DropMembership(const Napi::CallbackInfo& info);
  Napi::Value SetFilter(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value RefLoop(const Napi::CallbackInfo& info);
  Napi::Value UnrefLoop(const Napi::CallbackInfo& info);
  Napi::Value Membership(const Napi::CallbackInfo& info, int option, const char* what);
  bool CheckOpen(Napi::Env env, const char* what);

  int fd_ = -1;
  bool closed_ = true;
  bool cleanup_hook_added_ = false;
  bool self_referenced_ = false;
  uint32_t port_id_ = 0;
  bool strict_check_ = false, ext_ack_ = false, cap_ack_ = false;
  int rcvbuf_ = 0, sndbuf_ = 0;
  napi_threadsafe_function tsfn_ = nullptr;
  std::shared_ptr<SocketCallbacks> callbacks_;
  std::unique_ptr<IoLoop> loop_;
  IoStats last_stats_{};  // what stats reports after close
};

}  // namespace netlink_native
