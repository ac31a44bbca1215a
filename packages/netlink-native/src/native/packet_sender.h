// sendFrames(): whole Ethernet frames written on an AF_PACKET socket inside a namespace
// (gratuitous ARP, unsolicited neighbour advertisements), off the JS thread.
#pragma once

#include <napi.h>

namespace netlink_native {

// sendFrames({ netns?, ifindex, protocol, frames, intervalMs }) → Promise<void>
Napi::Value SendFrames(const Napi::CallbackInfo& info);

}  // namespace netlink_native
