// A stateless implementation: every answer is computed from the call's arguments alone,
// the way a suite of single calls with hand-written arguments can be passed by cheating.
import * as api from "@specloom/counters";

class Counters implements api.CountersService {
  async createCounter(name: string): Promise<api.Counter> {
    return { id: name, name, value: 0 };
  }

  async increment(id: string, by: number): Promise<api.Counter> {
    if (by < 1) throw new api.InvalidStep();
    if (id === "no-such-counter") throw new api.UnknownCounter();
    return { id, name: id, value: by };
  }

  async readCounter(id: string): Promise<api.Counter> {
    if (id === "no-such-counter") throw new api.UnknownCounter();
    return { id, name: id, value: 0 };
  }
}

export function createService(): api.CountersService {
  return new Counters();
}
