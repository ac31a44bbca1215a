#include "sys_error.h"

#include "errno_names.h"

namespace netlink_native {

Napi::Value MakeSysError(Napi::Env env, int err, const std::string& what) {
  const char* code = ErrnoName(err);
  std::string message = what + ": " + ErrnoMessage(err) + " (" + code + ")";
  Napi::Error error = Napi::Error::New(env, message);
  if (env.IsExceptionPending()) return Napi::Value();
  Napi::Object object = error.Value();
  if (!object.Set("errno", Napi::Number::New(env, err)) ||
      !object.Set("code", Napi::String::New(env, code)) ||
      !object.Set("syscall", Napi::String::New(env, what))) {
    return Napi::Value();
  }
  return object;
}

void ThrowSysError(Napi::Env env, int err, const std::string& what) {
  Napi::Value error = MakeSysError(env, err, what);
  if (error.IsEmpty()) return;  // an exception is already pending
  napi_status status = napi_throw(env, error);
  (void)status;  // nothing more can be done if throwing itself fails
}

}  // namespace netlink_native
