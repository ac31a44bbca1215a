// Reading option objects from JS with every failure turned into a TypeError/RangeError that
// names the option (exceptions are off, so each helper returns false with the error pending).
#pragma once

#include <linux/filter.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

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
// A classic BPF program (struct sock_filter[] bytes, host order) of 1..BPF_MAXINSNS instructions.
// Its meaning is the kernel's to check (SO_ATTACH_FILTER says EINVAL); only its shape is checked
// here.
bool GetSockFilter(Napi::Env env, Napi::Value value, const std::string& what,
                   std::vector<struct sock_filter>* out);
// An integer argument in [min, max].
bool ToInteger(Napi::Env env, Napi::Value value, const std::string& what, int64_t min, int64_t max,
               int64_t* out);

}  // namespace netlink_native
