// JS errors for failed system calls: an Error whose message names the operation, with `errno`
// (positive) and `code` (EEXIST...) properties, like Node's own system errors.
#pragma once

#include <napi.h>

#include <string>

namespace netlink_native {

// Returns the error object, or an empty value if even creating it failed (then an exception
// is pending).
Napi::Value MakeSysError(Napi::Env env, int err, const std::string& what);

// Sets the error as the pending exception.
void ThrowSysError(Napi::Env env, int err, const std::string& what);

}  // namespace netlink_native
