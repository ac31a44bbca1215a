#include "packet_socket.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "js_options.h"
#include "netns_open.h"
#include "packet_job.h"
#include "sys_error.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace netlink_native {

Napi::Function PacketSocket::DefineClass(Napi::Env env) {
  return ObjectWrap<PacketSocket>::DefineClass(
      env, "PacketSocket",
      {
          InstanceAccessor<&PacketSocket::Rcvbuf>("rcvbuf"),
          InstanceAccessor<&PacketSocket::IgnoresOutgoing>("ignoresOutgoing"),
          InstanceAccessor<&PacketSocket::Stats>("stats"),
          InstanceAccessor<&PacketSocket::Closed>("closed"),
          InstanceMethod<&PacketSocket::AddMembership>("addMembership"),
          InstanceMethod<&PacketSocket::DropMembership>("dropMembership"),
          InstanceMethod<&PacketSocket::SetFilter>("setFilter"),
          InstanceMethod<&PacketSocket::Close>("close"),
          InstanceMethod<&PacketSocket::RefLoop>("ref"),
          InstanceMethod<&PacketSocket::UnrefLoop>("unref"),
      });
}

PacketSocket::PacketSocket(const Napi::CallbackInfo& info) : ObjectWrap<PacketSocket>(info) {
  if (!Open(info)) {
    // Undo whatever was set up; the exception stays pending and the wrapper is discarded.
    if (tsfn_ != nullptr) napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    tsfn_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
}

bool PacketSocket::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "PacketSocket needs an options object").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  int64_t ifindex, rcvbuf;
  Napi::Function on_data, on_error;
  NetnsTarget netns;
  std::vector<struct sock_filter> filter;
  if (!GetInteger(options, "ifindex", 1, INT32_MAX, &ifindex) ||
      !GetInteger(options, "rcvbuf", 4096, INT32_MAX / 2, &rcvbuf) ||
      !GetFunction(options, "onData", &on_data) || !GetFunction(options, "onError", &on_error) ||
      !GetNetns(options, "netns", &netns)) {
    return false;
  }
  // Required: without a filter the thread would wake for every frame on the device.
  Napi::Value filter_value = options.Get("filter");
  if (env.IsExceptionPending() || !GetSockFilter(env, filter_value, "options.filter", &filter)) {
    return false;
  }
  ifindex_ = static_cast<int>(ifindex);
  const std::string where = " on ifindex " + std::to_string(ifindex_) + " in " + netns.Describe();

  SysError error;
  fd_ = OpenSocketInNetns(netns, AF_PACKET, SOCK_RAW, 0, &error);
  if (fd_ < 0) {
    ThrowSysError(env, error.err, "AF_PACKET " + error.what);
    return false;
  }
  if (!AttachFilter(fd_, &filter)) {
    ThrowSysError(env, errno, "setsockopt SO_ATTACH_FILTER" + where);
    return false;
  }
  // Best effort (see packet_socket.h): refused before Linux 4.20, where the filter does the work.
  ignores_outgoing_ = SetIntOption(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
  if (!SetBuffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, static_cast<int>(rcvbuf))) {
    ThrowSysError(env, errno, "setsockopt SO_RCVBUF" + where);
    return false;
  }
  rcvbuf_ = GetIntOption(fd_, SOL_SOCKET, SO_RCVBUF);
  // The socket lives in its namespace, so bind looks the ifindex up there (ENODEV if missing).
  if (!BindPacketSocket(fd_, ifindex_, ETH_P_ALL, where, &error)) {
    ThrowSysError(env, error.err, error.what);
    return false;
  }

  callbacks_ = std::make_shared<SocketCallbacks>();
  if (napi_create_reference(env, on_data, 1, &callbacks_->on_data) != napi_ok ||
      napi_create_reference(env, on_error, 1, &callbacks_->on_error) != napi_ok) {
    return false;  // napi set the pending exception
  }
  napi_value name;
  if (napi_create_string_utf8(env, "netlink-native:packet-socket", NAPI_AUTO_LENGTH, &name) !=
      napi_ok) {
    return false;
  }
  auto* holder = new std::shared_ptr<SocketCallbacks>(callbacks_);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, kMaxQueuedDeliveries, 1, holder,
                                      FinalizeTsfn, holder, CallJs, &tsfn_) != napi_ok) {
    napi_delete_reference(env, callbacks_->on_data);
    napi_delete_reference(env, callbacks_->on_error);
    callbacks_->on_data = callbacks_->on_error = nullptr;
    delete holder;
    tsfn_ = nullptr;
    if (!env.IsExceptionPending()) {
      Napi::Error::New(env, "creating the thread-safe function failed")
          .ThrowAsJavaScriptException();
    }
    return false;
  }
  ReplyBounds bounds;
  bounds.packet_frames = true;
  // Nothing is ever sent on this socket: the loop's send side stays idle.
  loop_ = std::make_unique<IoLoop>(fd_, 0, this, bounds);
  int rc = loop_->Start();
  if (rc != 0) {
    loop_.reset();
    ThrowSysError(env, rc, "start packet I/O thread");
    return false;
  }
  // Process exit with the socket still open: stop the thread before the environment goes.
  if (napi_add_env_cleanup_hook(env, OnEnvTeardown, this) != napi_ok) {
    loop_->RequestStop();
    napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    loop_->Join();
    tsfn_ = nullptr;
    loop_.reset();
    Napi::Error::New(env, "registering the cleanup hook failed").ThrowAsJavaScriptException();
    return false;
  }
  cleanup_hook_added_ = true;
  // Like net.Socket: an open watch is not garbage-collected (it would silently stop); close()
  // lets it go.
  Ref();
  self_referenced_ = true;
  closed_ = false;
  return true;
}

PacketSocket::~PacketSocket() { CloseInternal(false); }

void PacketSocket::OnEnvTeardown(void* self) {
  auto* socket = static_cast<PacketSocket*>(self);
  socket->cleanup_hook_added_ = false;  // Node removes the hook once it has run
  socket->CloseInternal(false);
}

void PacketSocket::CloseInternal(bool release_js_ref) {
  if (closed_) return;
  closed_ = true;
  callbacks_->closed = true;
  loop_->RequestStop();
  // Abort, not release: an I/O thread waiting in a blocking call on a full queue returns
  // napi_closing at once, so the join below cannot deadlock against the JS thread.
  napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
  loop_->Join();
  tsfn_ = nullptr;
  last_stats_ = loop_->Stats();
  loop_.reset();
  close(fd_);  // memberships and the filter end with the socket
  fd_ = -1;
  if (cleanup_hook_added_) {
    napi_remove_env_cleanup_hook(Env(), OnEnvTeardown, this);
    cleanup_hook_added_ = false;
  }
  if (release_js_ref && self_referenced_) {
    self_referenced_ = false;
    Unref();
  }
}

bool PacketSocket::Deliver(Delivery* delivery) {
  if (napi_call_threadsafe_function(tsfn_, delivery, napi_tsfn_blocking) == napi_ok) return true;
  delete delivery;  // napi_closing: the socket is being closed
  return false;
}

bool PacketSocket::CheckOpen(Napi::Env env, const char* what) {
  if (!closed_) return true;
  Napi::Error error = Napi::Error::New(env, std::string(what) + ": the packet socket is closed");
  if (!env.IsExceptionPending()) {
    error.Set("code", Napi::String::New(env, "ERR_SOCKET_CLOSED"));
    if (!env.IsExceptionPending()) error.ThrowAsJavaScriptException();
  }
  return false;
}

Napi::Value PacketSocket::Rcvbuf(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rcvbuf_);
}
Napi::Value PacketSocket::IgnoresOutgoing(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), ignores_outgoing_);
}
Napi::Value PacketSocket::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_);
}

Napi::Value PacketSocket::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoStats stats = loop_ ? loop_->Stats() : last_stats_;
  Napi::Object out = Napi::Object::New(env);
  if (env.IsExceptionPending()) return Napi::Value();
  out.Set("framesReceived", Napi::Number::New(env, static_cast<double>(stats.datagrams_received)));
  out.Set("receiveCalls", Napi::Number::New(env, static_cast<double>(stats.receive_calls)));
  if (env.IsExceptionPending()) return Napi::Value();
  return out;
}

Napi::Value PacketSocket::Membership(const Napi::CallbackInfo& info, int option, const char* what) {
  Napi::Env env = info.Env();
  const uint8_t* data;
  size_t len;
  if (!CheckOpen(env, what) ||
      !GetBytes(env, info[0], std::string(what) + ": address", &data, &len)) {
    return Napi::Value();
  }
  if (len == 0 || len > sizeof(packet_mreq::mr_address)) {
    Napi::RangeError::New(
        env, std::string(what) + ": address must be a link-layer address of 1..8 bytes")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  struct packet_mreq mreq;
  memset(&mreq, 0, sizeof mreq);
  mreq.mr_ifindex = ifindex_;
  mreq.mr_type = PACKET_MR_MULTICAST;
  mreq.mr_alen = static_cast<unsigned short>(len);
  memcpy(mreq.mr_address, data, len);
  if (setsockopt(fd_, SOL_PACKET, option, &mreq, sizeof mreq) != 0) {
    ThrowSysError(env, errno, std::string("setsockopt ") + what);
    return Napi::Value();
  }
  return env.Undefined();
}

Napi::Value PacketSocket::AddMembership(const Napi::CallbackInfo& info) {
  return Membership(info, PACKET_ADD_MEMBERSHIP, "addMembership");
}
Napi::Value PacketSocket::DropMembership(const Napi::CallbackInfo& info) {
  return Membership(info, PACKET_DROP_MEMBERSHIP, "dropMembership");
}

// A packet socket keeps a filter for life: removing it would wake the thread for every frame.
Napi::Value PacketSocket::SetFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "setFilter")) return Napi::Value();
  std::vector<struct sock_filter> program;
  if (!GetSockFilter(env, info[0], "setFilter: program", &program)) return Napi::Value();
  if (!AttachFilter(fd_, &program)) {
    ThrowSysError(env, errno, "setsockopt SO_ATTACH_FILTER");
    return Napi::Value();
  }
  return env.Undefined();
}

Napi::Value PacketSocket::Close(const Napi::CallbackInfo& info) {
  CloseInternal(true);
  return info.Env().Undefined();
}

Napi::Value PacketSocket::RefLoop(const Napi::CallbackInfo& info) {
  if (!closed_ && napi_ref_threadsafe_function(info.Env(), tsfn_) != napi_ok) return Napi::Value();
  return info.Env().Undefined();
}
Napi::Value PacketSocket::UnrefLoop(const Napi::CallbackInfo& info) {
  if (!closed_ && napi_unref_threadsafe_function(info.Env(), tsfn_) != napi_ok) {
    return Napi::Value();
  }
  return info.Env().Undefined();
}

}  // namespace netlink_native
