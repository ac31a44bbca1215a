// exchangeFrames(): send whole Ethernet frames in rounds on an AF_PACKET socket inside a namespace
// and keep every frame that arrives on the device meanwhile (address-conflict probes: ARP probes,
// DAD neighbour solicitations), off the JS thread. What the frames mean is decided in TypeScript:
// this side knows the Ethernet header (the EtherType each frame is sent with) and nothing more.
#pragma once

#include <napi.h>

namespace netlink_native {

// exchangeFrames({ netns?, ifindex, frames, rounds, intervalMs, waitMs, filter?, multicast?,
//                  rcvbuf?, maxFrames? }) → Promise<{ frames: Buffer[], dropped: number }>
Napi::Value ExchangeFrames(const Napi::CallbackInfo& info);

}  // namespace netlink_native
