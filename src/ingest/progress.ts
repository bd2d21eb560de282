// Progress of the long parts of loading (indexing a dump's lines, filing a
// table's lines by shape), for a progress bar. Loading is synchronous, so the
// loops report every so many lines and the sink decides what to show.

/** `done` of `total` units of `what` so far; called often, from hot loops. */
export type ProgressSink = (what: string, done: number, total: number) => void;

/** Lines between two reports: cheap enough for the loops, often enough for a bar. */
export const PROGRESS_EVERY = 1 << 14;
