// Replaced by the benchmark harness below once the reader lands.
