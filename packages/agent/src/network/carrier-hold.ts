// The network as the elections see it: each read goes through core's CarrierHysteresis, so a link
// whose carrier came back too recently is marked held (NodeNetwork.carrierHeld) and takes no local
// address yet; a wake-up is asked for when the earliest hold ends, since that moment brings no event.
import { CarrierHysteresis, type NodeNetwork } from '@purelb-ts/core';

export class CarrierHold {
  readonly #h: CarrierHysteresis;
  readonly #now: () => number;
  readonly #wake: () => void;
  #timer: NodeJS.Timeout | undefined;

  /** `wake` is called once the earliest held link has held carrier for `holdMs`. */
  constructor(holdMs: number, wake: () => void, now: () => number = Date.now) {
    this.#h = new CarrierHysteresis(holdMs);
    this.#now = now;
    this.#wake = wake;
  }

  /** The network with its held links marked. */
  judge(network: NodeNetwork): NodeNetwork {
    const now = this.#now();
    const view = this.#h.observe(network.links, now);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (view.nextAt !== undefined) {
      this.#timer = setTimeout(() => this.#wake(), Math.max(0, view.nextAt - now) + 1);
      this.#timer.unref();
    }
    return view.held.size === 0 ? network : { ...network, carrierHeld: view.held };
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
