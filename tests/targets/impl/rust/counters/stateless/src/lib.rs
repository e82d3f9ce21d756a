//! A stateless implementation: every answer is computed from the call's arguments alone,
//! the way a suite of single calls with hand-written arguments can be passed by cheating.

use counters::{Counter, CountersService, Error};

#[derive(Default)]
pub struct Counters;

impl CountersService for Counters {
    fn create_counter(&mut self, name: String) -> Result<Counter, Error> {
        Ok(Counter { id: name.clone(), name, value: 0 })
    }

    fn increment(&mut self, id: String, by: i32) -> Result<Counter, Error> {
        if by < 1 {
            return Err(Error::InvalidStep);
        }
        if id == "no-such-counter" {
            return Err(Error::UnknownCounter);
        }
        Ok(Counter { id: id.clone(), name: id, value: by })
    }

    fn read_counter(&mut self, id: String) -> Result<Counter, Error> {
        if id == "no-such-counter" {
            return Err(Error::UnknownCounter);
        }
        Ok(Counter { id: id.clone(), name: id, value: 0 })
    }
}
