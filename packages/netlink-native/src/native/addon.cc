// Module init: the exports listed in binding.ts (NativeBinding), and nothing else.
#include <napi.h>

#include "errno_names.h"
#include "frame_exchange.h"
#include "js_options.h"
#include "netlink_socket.h"
#include "netns_create.h"
#include "packet_sender.h"
#include "packet_socket.h"

namespace netlink_native {
namespace {

Napi::Value ErrnoNameJs(const Napi::CallbackInfo& info) {
  int64_t err;
  if (!ToInteger(info.Env(), info[0], "errnoName: errno", 0, INT32_MAX, &err)) return Napi::Value();
  return Napi::String::New(info.Env(), ErrnoName(static_cast<int>(err)));
}

Napi::Value ErrnoMessageJs(const Napi::CallbackInfo& info) {
  int64_t err;
  if (!ToInteger(info.Env(), info[0], "errnoMessage: errno", 0, INT32_MAX, &err)) {
    return Napi::Value();
  }
  return Napi::String::New(info.Env(), ErrnoMessage(static_cast<int>(err)));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function socket_class = NetlinkSocket::DefineClass(env);
  if (env.IsExceptionPending()) return exports;
  exports.Set("NetlinkSocket", socket_class);
  Napi::Function packet_socket_class = PacketSocket::DefineClass(env);
  if (env.IsExceptionPending()) return exports;
  exports.Set("PacketSocket", packet_socket_class);
  exports.Set("sendFrames", Napi::Function::New<SendFrames>(env, "sendFrames"));
  exports.Set("exchangeFrames", Napi::Function::New<ExchangeFrames>(env, "exchangeFrames"));
  exports.Set("errnoName", Napi::Function::New<ErrnoNameJs>(env, "errnoName"));
  exports.Set("errnoMessage", Napi::Function::New<ErrnoMessageJs>(env, "errnoMessage"));
  exports.Set("createNetns", Napi::Function::New<CreateNetns>(env, "createNetns"));
  exports.Set("deleteNetns", Napi::Function::New<DeleteNetns>(env, "deleteNetns"));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace netlink_native

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return netlink_native::Init(env, exports);
}

NODE_API_MODULE(netlink_native, InitAddon)
