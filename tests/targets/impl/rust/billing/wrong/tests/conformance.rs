// The one module the user writes: hand a fresh implementation to the generated suite.
billing::conformance_tests!(billing_impl::Billing::default());
