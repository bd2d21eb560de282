// Programmatic entry points, used by the oracle harness and benchmarks.
export { runCli, type CliResult } from './cli/main.js';
