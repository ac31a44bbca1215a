#include "js_options.h"

#include <string.h>

#include <cmath>

namespace netlink_native {

namespace {

bool ThrowType(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

bool ThrowRange(Napi::Env env, const std::string& message) {
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

}  // namespace

bool ToInteger(Napi::Env env, Napi::Value value, const std::string& what, int64_t min, int64_t max,
               int64_t* out) {
  if (!value.IsNumber()) return ThrowType(env, what + " must be a number");
  double d = value.As<Napi::Number>().DoubleValue();
  if (env.IsExceptionPending()) return false;
  if (!std::isfinite(d) || std::trunc(d) != d) return ThrowType(env, what + " must be an integer");
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    return ThrowRange(env, what + " must be between " + std::to_string(min) + " and " +
                               std::to_string(max) + ", got " + std::to_string(d));
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool GetInteger(Napi::Object options, const char* key, int64_t min, int64_t max, int64_t* out,
                const int64_t* fallback) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get(key);
  if (env.IsExceptionPending()) return false;
  if (value.IsUndefined() && fallback != nullptr) {
    *out = *fallback;
    return true;
  }
  return ToInteger(env, value, std::string("options.") + key, min, max, out);
}

bool GetFunction(Napi::Object options, const char* key, Napi::Function* out) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get(key);
  if (env.IsExceptionPending()) return false;
  if (!value.IsFunction())
    return ThrowType(env, std::string("options.") + key + " must be a function");
  *out = value.As<Napi::Function>();
  return true;
}

bool GetNetns(Napi::Object options, const char* key, NetnsTarget* out) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get(key);
  if (env.IsExceptionPending()) return false;
  if (value.IsUndefined() || value.IsNull()) return true;
  if (!value.IsObject())
    return ThrowType(env, "options.netns must be an object { path } or { fd }");
  Napi::Object netns = value.As<Napi::Object>();
  Napi::Value path = netns.Get("path");
  if (env.IsExceptionPending()) return false;
  Napi::Value fd = netns.Get("fd");
  if (env.IsExceptionPending()) return false;
  const bool has_path = !path.IsUndefined(), has_fd = !fd.IsUndefined();
  if (has_path == has_fd) return ThrowType(env, "options.netns needs exactly one of path or fd");
  if (has_path) {
    if (!path.IsString()) return ThrowType(env, "options.netns.path must be a string");
    out->path = path.As<Napi::String>().Utf8Value();
    if (env.IsExceptionPending()) return false;
    if (out->path.empty()) return ThrowType(env, "options.netns.path must not be empty");
    out->has_path = true;
    return true;
  }
  int64_t n;
  if (!ToInteger(env, fd, "options.netns.fd", 0, INT32_MAX, &n)) return false;
  out->fd = static_cast<int>(n);
  return true;
}

bool GetBytes(Napi::Env env, Napi::Value value, const std::string& what, const uint8_t** data,
              size_t* len) {
  if (!value.IsTypedArray()) return ThrowType(env, what + " must be a Buffer or Uint8Array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint8_array) {
    return ThrowType(env, what + " must be a Buffer or Uint8Array");
  }
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  if (env.IsExceptionPending()) return false;
  *data = bytes.Data();
  *len = bytes.ByteLength();
  return !env.IsExceptionPending();
}

bool GetSockFilter(Napi::Env env, Napi::Value value, const std::string& what,
                   std::vector<struct sock_filter>* out) {
  const uint8_t* data;
  size_t len;
  if (!GetBytes(env, value, what, &data, &len)) return false;
  if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
      len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    return ThrowRange(env, what + " must hold 1.." + std::to_string(BPF_MAXINSNS) +
                               " BPF instructions of 8 bytes, got " + std::to_string(len) +
                               " bytes");
  }
  out->resize(len / sizeof(struct sock_filter));
  memcpy(out->data(), data, len);
  return true;
}

}  // namespace netlink_native
