// Reading option objects from JS with every failure turned into a TypeError/RangeError that
// names the option (exceptions are off, so each helper returns false with the error pending).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "netns_open.h"

namespace netlink_native {

// An integer option in [min, max]. Required unless `fallback` is given (then used if undefined).
bool GetInteger(Napi::Object options, const char* key, int64_t min, int64_t max, int64_t* out,
                const int64_t* fallback = nullptr);
bool GetFunction(Napi::Object options, const char* key, Napi::Function* out);
// Optional `netns: { path } | { fd }`.
bool GetNetns(Napi::Object options, const char* key, NetnsTarget* out);
// A Buffer/Uint8Array value.
bool GetBytes(Napi::Env env, Napi::Value value, const std::string& what, const uint8_t** data,
              size_t* len);
// An integer argument in [min, max].
bool ToInteger(Napi::Env env, Napi::Value value, const std::string& what, int64_t min, int64_t max,
               int64_t* out);

}  // namespace netlink_native
