// errno number → symbolic name and message. glibc has no portable errno-name function, and
// netlink acks carry raw kernel errno values (including kernel-internal ones such as ENOTSUPP
// 524), so the names come from a table built from the C library's own macros.
#pragma once

#include <string>

namespace netlink_native {

// "EEXIST" for 17; "UNKNOWN" for a number with no name.
const char* ErrnoName(int err);

// Human-readable text ("File exists"); kernel-internal numbers get their kernel meaning.
std::string ErrnoMessage(int err);

}  // namespace netlink_native
