// A deliberately wrong implementation: one counter too many is accepted, a step of zero
// is applied, and every counter shares one value.
import * as api from "@specloom/counters";

class Counters implements api.CountersService {
  private readonly names = new Map<string, string>();
  private value = 0;

  async createCounter(name: string): Promise<api.Counter> {
    if (this.names.size > api.MAX_COUNTERS) throw new api.TooManyCounters();
    const id = `ctr_${this.names.size + 1}`;
    this.names.set(id, name);
    return { id, name, value: this.value };
  }

  async increment(id: string, by: number): Promise<api.Counter> {
    this.value += by;
    return this.readCounter(id);
  }

  async readCounter(id: string): Promise<api.Counter> {
    const name = this.names.get(id);
    if (name === undefined) throw new api.UnknownCounter();
    return { id, name, value: this.value };
  }
}

export function createService(): api.CountersService {
  return new Counters();
}
