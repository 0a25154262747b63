// The tests start servers, Chromium and Node as child processes: one at a time keeps them deterministic on a
// two-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
