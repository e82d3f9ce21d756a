// A correct implementation of the counters spec: counters live in a map of the instance.
import * as api from "@specloom/counters";

class Counters implements api.CountersService {
  private readonly counters = new Map<string, api.Counter>();
  private next = 1;

  async createCounter(name: string): Promise<api.Counter> {
    if (this.counters.size >= api.MAX_COUNTERS) throw new api.TooManyCounters();
    const counter = { id: `ctr_${this.next++}`, name, value: 0 };
    this.counters.set(counter.id, counter);
    return { ...counter };
  }

  async increment(id: string, by: number): Promise<api.Counter> {
    const counter = this.find(id);
    if (by < 1) throw new api.InvalidStep();
    const changed = { ...counter, value: counter.value + by };
    this.counters.set(id, changed);
    return { ...changed };
  }

  async readCounter(id: string): Promise<api.Counter> {
    return { ...this.find(id) };
  }

  private find(id: string): api.Counter {
    const counter = this.counters.get(id);
    if (counter === undefined) throw new api.UnknownCounter();
    return counter;
  }
}

export function createService(): api.CountersService {
  return new Counters();
}
