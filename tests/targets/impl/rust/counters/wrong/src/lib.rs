//! A deliberately wrong implementation: one counter too many is accepted, a step of zero
//! is applied, and every counter shares one value.

use counters::{Counter, CountersService, Error, MAX_COUNTERS};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Counters {
    names: BTreeMap<String, String>,
    value: i32,
}

impl CountersService for Counters {
    fn create_counter(&mut self, name: String) -> Result<Counter, Error> {
        if self.names.len() > MAX_COUNTERS as usize {
            return Err(Error::TooManyCounters);
        }
        let id = format!("ctr_{}", self.names.len() + 1);
        self.names.insert(id.clone(), name.clone());
        Ok(Counter { id, name, value: self.value })
    }

    fn increment(&mut self, id: String, by: i32) -> Result<Counter, Error> {
        self.value += by;
        self.read_counter(id)
    }

    fn read_counter(&mut self, id: String) -> Result<Counter, Error> {
        let name = self.names.get(&id).ok_or(Error::UnknownCounter)?.clone();
        Ok(Counter { id, name, value: self.value })
    }
}
