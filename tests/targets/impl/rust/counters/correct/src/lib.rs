//! A correct implementation of the counters spec: counters live in a map of the instance.

use counters::{Counter, CountersService, Error, MAX_COUNTERS};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Counters {
    counters: BTreeMap<String, Counter>,
    next: u64,
}

impl Counters {
    fn find(&mut self, id: &str) -> Result<&mut Counter, Error> {
        self.counters.get_mut(id).ok_or(Error::UnknownCounter)
    }
}

impl CountersService for Counters {
    fn create_counter(&mut self, name: String) -> Result<Counter, Error> {
        if self.counters.len() >= MAX_COUNTERS as usize {
            return Err(Error::TooManyCounters);
        }
        self.next += 1;
        let counter = Counter { id: format!("ctr_{}", self.next), name, value: 0 };
        self.counters.insert(counter.id.clone(), counter.clone());
        Ok(counter)
    }

    fn increment(&mut self, id: String, by: i32) -> Result<Counter, Error> {
        let counter = self.find(&id)?;
        if by < 1 {
            return Err(Error::InvalidStep);
        }
        counter.value += by;
        Ok(counter.clone())
    }

    fn read_counter(&mut self, id: String) -> Result<Counter, Error> {
        Ok(self.find(&id)?.clone())
    }
}
