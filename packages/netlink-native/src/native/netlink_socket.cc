#include "netlink_socket.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "js_options.h"
#include "netns_open.h"
#include "socket_callbacks.h"
#include "sys_error.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace netlink_native {

namespace {

// Optional `options.filter`: a program to attach before the socket can receive anything.
bool GetFilterOption(Napi::Object options, std::vector<struct sock_filter>* out) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get("filter");
  if (env.IsExceptionPending()) return false;
  return value.IsUndefined() || GetSockFilter(env, value, "options.filter", out);
}

}  // namespace

Napi::Function NetlinkSocket::DefineClass(Napi::Env env) {
  return ObjectWrap<NetlinkSocket>::DefineClass(
      env, "NetlinkSocket",
      {
          InstanceAccessor<&NetlinkSocket::PortId>("portId"),
          InstanceAccessor<&NetlinkSocket::StrictCheck>("strictCheck"),
          InstanceAccessor<&NetlinkSocket::ExtAck>("extAck"),
          InstanceAccessor<&NetlinkSocket::CapAck>("capAck"),
          InstanceAccessor<&NetlinkSocket::Rcvbuf>("rcvbuf"),
          InstanceAccessor<&NetlinkSocket::Sndbuf>("sndbuf"),
          InstanceAccessor<&NetlinkSocket::Stats>("stats"),
          InstanceAccessor<&NetlinkSocket::Closed>("closed"),
          InstanceMethod<&NetlinkSocket::Send>("send"),
          InstanceMethod<&NetlinkSocket::AddMembership>("addMembership"),
          InstanceMethod<&NetlinkSocket::DropMembership>("dropMembership"),
          InstanceMethod<&NetlinkSocket::SetFilter>("setFilter"),
          InstanceMethod<&NetlinkSocket::Close>("close"),
          InstanceMethod<&NetlinkSocket::RefLoop>("ref"),
          InstanceMethod<&NetlinkSocket::UnrefLoop>("unref"),
      });
}

NetlinkSocket::NetlinkSocket(const Napi::CallbackInfo& info) : ObjectWrap<NetlinkSocket>(info) {
  if (!Open(info)) {
    // Undo whatever was set up; the exception stays pending and the wrapper is discarded.
    if (tsfn_ != nullptr) napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    tsfn_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
}

bool NetlinkSocket::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "NetlinkSocket needs an options object").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  int64_t protocol, rcvbuf, sndbuf;
  Napi::Function on_data, on_error;
  NetnsTarget netns;
  std::vector<struct sock_filter> filter;
  if (!GetInteger(options, "protocol", 0, 31, &protocol) ||
      !GetInteger(options, "rcvbuf", 1, INT32_MAX / 2, &rcvbuf) ||
      !GetInteger(options, "sndbuf", 1, INT32_MAX / 2, &sndbuf) ||
      !GetFunction(options, "onData", &on_data) || !GetFunction(options, "onError", &on_error) ||
      !GetNetns(options, "netns", &netns) || !GetFilterOption(options, &filter)) {
    return false;
  }
  Napi::Value groups_value = options.Get("groups");
  if (env.IsExceptionPending()) return false;
  std::vector<uint32_t> groups;
  if (!groups_value.IsUndefined()) {
    if (!groups_value.IsArray()) {
      Napi::TypeError::New(env, "options.groups must be an array of group numbers")
          .ThrowAsJavaScriptException();
      return false;
    }
    Napi::Array array = groups_value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value item = array.Get(i);
      int64_t group;
      if (env.IsExceptionPending() ||
          !ToInteger(env, item, "options.groups[" + std::to_string(i) + "]", 1, UINT32_MAX,
                     &group)) {
        return false;
      }
      groups.push_back(static_cast<uint32_t>(group));
    }
  }

  SysError error;
  fd_ = OpenSocketInNetns(netns, AF_NETLINK, SOCK_RAW, static_cast<int>(protocol), &error);
  if (fd_ < 0) {
    ThrowSysError(env, error.err, error.what);
    return false;
  }
  // Filter before bind and before any group: nothing can arrive that the program has not seen.
  if (!filter.empty() && !AttachFilter(fd_, &filter)) {
    ThrowSysError(env, errno, "setsockopt SO_ATTACH_FILTER");
    return false;
  }
  // Port id 0: the kernel picks a free one (a pid-based id collides across namespaces and
  // threads); getsockname tells us which.
  struct sockaddr_nl local;
  memset(&local, 0, sizeof local);
  local.nl_family = AF_NETLINK;
  socklen_t local_len = sizeof local;
  if (bind(fd_, reinterpret_cast<struct sockaddr*>(&local), sizeof local) != 0) {
    ThrowSysError(env, errno, "bind netlink socket");
    return false;
  }
  if (getsockname(fd_, reinterpret_cast<struct sockaddr*>(&local), &local_len) != 0) {
    ThrowSysError(env, errno, "getsockname netlink socket");
    return false;
  }
  port_id_ = local.nl_pid;
  // Each is recorded rather than required: older kernels lack some, and the codec adapts.
  ext_ack_ = SetIntOption(fd_, SOL_NETLINK, NETLINK_EXT_ACK, 1);
  strict_check_ = SetIntOption(fd_, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
  cap_ack_ = SetIntOption(fd_, SOL_NETLINK, NETLINK_CAP_ACK, 1);
  // NETLINK_NO_ENOBUFS stays off on purpose: an overrun must be reported, never hidden.
  if (!SetBuffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, static_cast<int>(rcvbuf))) {
    ThrowSysError(env, errno, "setsockopt SO_RCVBUF");
    return false;
  }
  if (!SetBuffer(fd_, SO_SNDBUFFORCE, SO_SNDBUF, static_cast<int>(sndbuf))) {
    ThrowSysError(env, errno, "setsockopt SO_SNDBUF");
    return false;
  }
  rcvbuf_ = GetIntOption(fd_, SOL_SOCKET, SO_RCVBUF);
  sndbuf_ = GetIntOption(fd_, SOL_SOCKET, SO_SNDBUF);
  if (rcvbuf_ < 0 || sndbuf_ <= 32) {
    ThrowSysError(env, errno, "getsockopt SO_RCVBUF/SO_SNDBUF");
    return false;
  }
  for (uint32_t group : groups) {
    if (!SetIntOption(fd_, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, static_cast<int>(group))) {
      ThrowSysError(env, errno, "join netlink group " + std::to_string(group));
      return false;
    }
  }

  callbacks_ = std::make_shared<SocketCallbacks>();
  if (napi_create_reference(env, on_data, 1, &callbacks_->on_data) != napi_ok ||
      napi_create_reference(env, on_error, 1, &callbacks_->on_error) != napi_ok) {
    return false;  // napi set the pending exception
  }
  napi_value name;
  if (napi_create_string_utf8(env, "netlink-native:socket", NAPI_AUTO_LENGTH, &name) != napi_ok) {
    return false;
  }
  auto* holder = new std::shared_ptr<SocketCallbacks>(callbacks_);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, kMaxQueuedDeliveries, 1, holder,
                                      FinalizeTsfn, holder, CallJs, &tsfn_) != napi_ok) {
    napi_delete_reference(env, callbacks_->on_data);
    napi_delete_reference(env, callbacks_->on_error);
    delete holder;
    tsfn_ = nullptr;
    if (!env.IsExceptionPending()) {
      Napi::Error::New(env, "creating the thread-safe function failed")
          .ThrowAsJavaScriptException();
    }
    return false;
  }
  ReplyBounds bounds;
  bounds.rtnetlink_requests_only = protocol == NETLINK_ROUTE && groups.empty();
  bounds.cap_ack = cap_ack_;
  loop_ = std::make_unique<IoLoop>(fd_, static_cast<size_t>(sndbuf_) - 32, this, bounds);
  int rc = loop_->Start();
  if (rc != 0) {
    loop_.reset();
    ThrowSysError(env, rc, "start netlink I/O thread");
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
  // Like net.Socket: an open socket is not garbage-collected (it would silently stop a monitor);
  // close() lets it go.
  Ref();
  self_referenced_ = true;
  closed_ = false;
  return true;
}

NetlinkSocket::~NetlinkSocket() { CloseInternal(false); }

void NetlinkSocket::OnEnvTeardown(void* self) {
  auto* socket = static_cast<NetlinkSocket*>(self);
  socket->cleanup_hook_added_ = false;  // Node removes the hook once it has run
  socket->CloseInternal(false);
}

void NetlinkSocket::CloseInternal(bool release_js_ref) {
  if (closed_) return;
  closed_ = true;
  callbacks_->closed = true;
  loop_->RequestStop();
  // Abort, not release: an I/O thread waiting in a blocking call on a full queue returns
  // napi_closing at once, so the join below cannot deadlock against the JS thread.
  napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
  loop_->Join();  // the thread reads tsfn_ until it has exited
  tsfn_ = nullptr;
  last_stats_ = loop_->Stats();
  loop_.reset();
  close(fd_);
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

bool NetlinkSocket::Deliver(Delivery* delivery) {
  if (napi_call_threadsafe_function(tsfn_, delivery, napi_tsfn_blocking) == napi_ok) return true;
  delete delivery;  // napi_closing: the socket is being closed
  return false;
}

bool NetlinkSocket::CheckOpen(Napi::Env env, const char* what) {
  if (!closed_) return true;
  Napi::Error error = Napi::Error::New(env, std::string(what) + ": the netlink socket is closed");
  if (!env.IsExceptionPending()) {
    error.Set("code", Napi::String::New(env, "ERR_SOCKET_CLOSED"));
    if (!env.IsExceptionPending()) error.ThrowAsJavaScriptException();
  }
  return false;
}

Napi::Value NetlinkSocket::PortId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), port_id_);
}
Napi::Value NetlinkSocket::StrictCheck(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), strict_check_);
}
Napi::Value NetlinkSocket::ExtAck(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), ext_ack_);
}
Napi::Value NetlinkSocket::CapAck(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cap_ack_);
}
Napi::Value NetlinkSocket::Rcvbuf(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rcvbuf_);
}
Napi::Value NetlinkSocket::Sndbuf(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), sndbuf_);
}
Napi::Value NetlinkSocket::Closed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_);
}

Napi::Value NetlinkSocket::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoStats stats = loop_ ? loop_->Stats() : last_stats_;
  Napi::Object out = Napi::Object::New(env);
  if (env.IsExceptionPending()) return Napi::Value();
  out.Set("sendmsgCalls", Napi::Number::New(env, static_cast<double>(stats.sendmsg_calls)));
  out.Set("messagesSent", Napi::Number::New(env, static_cast<double>(stats.messages_sent)));
  out.Set("datagramsReceived",
          Napi::Number::New(env, static_cast<double>(stats.datagrams_received)));
  out.Set("receiveCalls", Napi::Number::New(env, static_cast<double>(stats.receive_calls)));
  if (env.IsExceptionPending()) return Napi::Value();
  return out;
}

Napi::Value NetlinkSocket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "send")) return Napi::Value();
  const uint8_t* data;
  size_t len;
  int64_t token;
  if (!GetBytes(env, info[0], "send: messages", &data, &len) ||
      !ToInteger(env, info[1], "send: token", -(int64_t{1} << 53), int64_t{1} << 53, &token)) {
    return Napi::Value();
  }
  // The I/O thread splits batches at message boundaries by nlmsg_len, so the buffer must be
  // whole messages; check here, where the caller can still be told.
  size_t off = 0;
  while (off < len) {
    uint32_t nlmsg_len = 0;
    if (len - off >= sizeof nlmsg_len) memcpy(&nlmsg_len, data + off, sizeof nlmsg_len);
    if (len - off < sizeof(struct nlmsghdr) || nlmsg_len < sizeof(struct nlmsghdr) ||
        nlmsg_len > len - off) {
      Napi::TypeError::New(env, "send: bytes at offset " + std::to_string(off) +
                                    " are not a whole netlink message (nlmsg_len " +
                                    std::to_string(nlmsg_len) + ", " + std::to_string(len - off) +
                                    " bytes left)")
          .ThrowAsJavaScriptException();
      return Napi::Value();
    }
    off += NLMSG_ALIGN(nlmsg_len);
  }
  if (len == 0) {
    Napi::TypeError::New(env, "send: no messages").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  loop_->Enqueue(token, data, len);
  return env.Undefined();
}

Napi::Value NetlinkSocket::Membership(const Napi::CallbackInfo& info, int option,
                                      const char* what) {
  Napi::Env env = info.Env();
  int64_t group;
  if (!CheckOpen(env, what) ||
      !ToInteger(env, info[0], std::string(what) + ": group", 1, UINT32_MAX, &group)) {
    return Napi::Value();
  }
  // Notifications can be any size: stop bulk reads before the first one can arrive.
  if (option == NETLINK_ADD_MEMBERSHIP) loop_->ExpectUnboundedDatagrams();
  if (!SetIntOption(fd_, SOL_NETLINK, option, static_cast<int>(group))) {
    ThrowSysError(env, errno, std::string(what) + " " + std::to_string(group));
    return Napi::Value();
  }
  return env.Undefined();
}

Napi::Value NetlinkSocket::AddMembership(const Napi::CallbackInfo& info) {
  return Membership(info, NETLINK_ADD_MEMBERSHIP, "addMembership");
}
Napi::Value NetlinkSocket::DropMembership(const Napi::CallbackInfo& info) {
  return Membership(info, NETLINK_DROP_MEMBERSHIP, "dropMembership");
}

Napi::Value NetlinkSocket::SetFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "setFilter")) return Napi::Value();
  if (info[0].IsUndefined()) {
    if (!DetachFilter(fd_)) {
      ThrowSysError(env, errno, "setsockopt SO_DETACH_FILTER");
      return Napi::Value();
    }
    return env.Undefined();
  }
  std::vector<struct sock_filter> program;
  if (!GetSockFilter(env, info[0], "setFilter: program", &program)) return Napi::Value();
  if (!AttachFilter(fd_, &program)) {
    ThrowSysError(env, errno, "setsockopt SO_ATTACH_FILTER");
    return Napi::Value();
  }
  return env.Undefined();
}

Napi::Value NetlinkSocket::Close(const Napi::CallbackInfo& info) {
  CloseInternal(true);
  return info.Env().Undefined();
}

Napi::Value NetlinkSocket::RefLoop(const Napi::CallbackInfo& info) {
  if (!closed_ && napi_ref_threadsafe_function(info.Env(), tsfn_) != napi_ok) return Napi::Value();
  return info.Env().Undefined();
}
Napi::Value NetlinkSocket::UnrefLoop(const Napi::CallbackInfo& info) {
  if (!closed_ && napi_unref_threadsafe_function(info.Env(), tsfn_) != napi_ok) {
    return Napi::Value();
  }
  return info.Env().Undefined();
}

}  // namespace netlink_native
