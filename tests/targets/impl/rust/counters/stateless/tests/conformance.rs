// The one module the user writes: hand a fresh implementation to the generated suite.
counters::conformance_tests!(counters_impl::Counters::default());
