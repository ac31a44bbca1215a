// PacketSocket: a long-lived AF_PACKET socket on one device inside a namespace, listening only,
// for watches that outlive a call (nl.watchClaims). It reuses the netlink sockets' machinery: an
// IoLoop thread (in its packet-frames mode) blocked in poll while nothing arrives, and a bounded
// thread-safe function that hands frames to onData. What the frames mean is decided in
// TypeScript; this side knows only the Ethernet device.
//
// - One socket bound to ETH_P_ALL, with the caller's classic BPF filter attached before the bind
//   (a socket of protocol 0 receives nothing, so no frame can slip in unfiltered). The filter is
//   what keeps the thread asleep: frames it drops are never queued.
// - PACKET_IGNORE_OUTGOING (Linux 4.20+): the kernel neither clones the host's own transmitted
//   frames for this socket nor runs the filter on them, so a busy sender pays nothing for the
//   watch. On older kernels the option is refused and the filter must drop outgoing frames
//   itself (the TypeScript filter does, with the packet-type ancillary load).
// - Multicast memberships (PACKET_ADD_MEMBERSHIP) let frames for groups the device would filter
//   out reach it; they end with the socket.
#pragma once

#include <napi.h>

#include <memory>

#include "io_loop.h"
#include "socket_callbacks.h"

namespace netlink_native {

class PacketSocket : public Napi::ObjectWrap<PacketSocket>, public DeliverySink {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit PacketSocket(const Napi::CallbackInfo& info);
  ~PacketSocket() override;

  // Runs on the I/O thread.
  bool Deliver(Delivery* delivery) override;

 private:
  bool Open(const Napi::CallbackInfo& info);
  void CloseInternal(bool release_js_ref);
  static void OnEnvTeardown(void* self);
  bool CheckOpen(Napi::Env env, const char* what);

  Napi::Value Rcvbuf(const Napi::CallbackInfo& info);
  Napi::Value IgnoresOutgoing(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Closed(const Napi::CallbackInfo& info);
  Napi::Value AddMembership(const Napi::CallbackInfo& info);
  Napi::Value DropMembership(const Napi::CallbackInfo& info);
  Napi::Value Membership(const Napi::CallbackInfo& info, int option, const char* what);
  Napi::Value SetFilter(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value RefLoop(const Napi::CallbackInfo& info);
  Napi::Value UnrefLoop(const Napi::CallbackInfo& info);

  int fd_ = -1;
  int ifindex_ = 0;
  bool closed_ = true;
  bool cleanup_hook_added_ = false;
  bool self_referenced_ = false;
  bool ignores_outgoing_ = false;
  int rcvbuf_ = 0;
  napi_threadsafe_function tsfn_ = nullptr;
  std::shared_ptr<SocketCallbacks> callbacks_;
  std::unique_ptr<IoLoop> loop_;
  IoStats last_stats_{};  // what stats reports after close
};

}  // namespace netlink_native
