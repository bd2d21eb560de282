// Filing a large dump's lines (table-index.ts) on two threads. Filing is most
// of what loading a million-line dump costs, and each table's lines are filed
// on their own, so a worker thread takes tables too: it decodes the same
// bytes (shared memory, no copy) while the main thread indexes them, takes
// that index (each table's line offsets), and both claim tables, largest
// first, from one shared counter until none are left. The worker sends back
// the tables it filed (shapes and typed arrays), which the main thread adopts. Any
// failure on either side (a bad line, a worker that cannot start) leaves the
// serial filing to do the work and report the error exactly as it would have.
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { PortNames } from '../ofp/ports.js';
import type { FlowsContext, FlowsIndex, TableLines } from './flows.js';
import type { SharedText } from './sources.js';
import { IndexedTable, type FiledTable } from './table-index.js';

/**
 * How large dumps are filed: 'shared' by this thread and a worker, which
 * runs `script` (the bundle, whose entry runs runFilingWorker off the main
 * thread); 'worker' by the worker alone, failing loudly if it breaks down
 * rather than falling back to this thread (tests: the worker's side is
 * always exercised).
 * Without a script, loading stays on one thread.
 */
let workers: { script: string; filing: 'shared' | 'worker' } | undefined;

export function setFilingWorkers(script: string | undefined, filing: 'shared' | 'worker' = 'shared'): void {
  workers = script === undefined ? undefined : { script, filing };
}

/** Slots of the shared counters: the next table to claim, whether the worker has replied, and its signs of life. */
const NEXT_CLAIM = 0, WORKER_DONE = 1, ALIVE = 2;

/** A worker that shows no sign of life this long (it could not start, or died) is given up on. */
const QUIET_MS = 120_000;

interface FilingJob {
  oftraceFiling: true;
  shared: SharedText;
  file: string;
  ports?: [number, string][];
  tables?: [number, string][];
  counters: Int32Array;
  port: MessagePort;
}

/** The main thread's index, as the worker receives it: each table's line offsets. */
type SharedIndex = [number, Omit<TableLines<Int32Array>, 'text'>][];

/** The worker's tables, or what went wrong filing them (a bad line: the serial filing reports it). */
type FilingReply = { filed: [number, FiledTable][] } | 'line failed';

/** A started worker: it decodes the dump, then claims tables as soon as it has the main thread's index. */
export class FilingWorker {
  private readonly counters = new Int32Array(new SharedArrayBuffer(12));
  private readonly channel = new MessageChannel();
  private readonly worker: Worker;

  constructor(script: string, private readonly filing: 'shared' | 'worker', shared: SharedText, ctx: FlowsContext) {
    const job: FilingJob = {
      oftraceFiling: true, shared, file: ctx.file, ports: ctx.ports?.pairs(), tables: ctx.tables?.pairs(),
      counters: this.counters, port: this.channel.port2,
    };
    this.worker = new Worker(script, { workerData: job, transferList: [this.channel.port2] });
    // It must never keep the process alive, nor fail it: a worker that cannot start just claims nothing.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Stops the worker (this thread could not index the dump). */
  stop(): void {
    void this.worker.terminate();
  }

  /** Hands the worker this thread's index of the dump, which it files from. */
  shareIndex(index: FlowsIndex): void {
    const shared: SharedIndex = [...index.byTable].map(([id, l]) => [id, {
      starts: new Int32Array(l.starts), ends: new Int32Array(l.ends), heads: new Int32Array(l.heads), lineNos: new Int32Array(l.lineNos),
    }]);
    this.channel.port1.postMessage(shared);
  }

  /**
   * File every table, claiming them with the worker; false when something
   * failed and the tables must be filed again, serially.
   */
  fileWith(tables: Map<number, IndexedTable>, ctx: FlowsContext): boolean {
    const order = claimOrder(tables);
    const total = order.reduce((n, id) => n + tables.get(id)!.count, 0);
    let mine = 0, handedOut = 0, ok = true;
    while (this.filing === 'shared') {
      const k = Atomics.add(this.counters, NEXT_CLAIM, 1);
      if (k >= order.length) break;
      const table = tables.get(order[k])!;
      handedOut += table.count;
      ctx.progress?.(`indexing ${ctx.file}`, handedOut, total);
      mine++;
      try {
        table.fileAll();
      } catch {
        // The serial filing meets this line again and reports it, in file order among the others.
        ok = false;
        break;
      }
    }
    const outcome = !ok ? 'line failed' : mine < order.length ? this.adoptFiled(tables) : 'adopted';
    this.stop();
    if (typeof outcome === 'object' && this.filing === 'worker') throw new Error(`filing worker: ${outcome.broken}`);
    return outcome === 'adopted';
  }

  /** Waits for the worker's tables and adopts them, unless a line failed there or the worker broke down. */
  private adoptFiled(tables: Map<number, IndexedTable>): 'adopted' | 'line failed' | { broken: string } {
    for (let seen = -1, quietSince = Date.now(); Atomics.wait(this.counters, WORKER_DONE, 0, 1000) === 'timed-out';) {
      const alive = Atomics.load(this.counters, ALIVE);
      if (alive !== seen) [seen, quietSince] = [alive, Date.now()];
      else if (Date.now() - quietSince > QUIET_MS) return { broken: `no sign of life in ${QUIET_MS / 1000} s` };
    }
    const reply = receiveMessageOnPort(this.channel.port1)?.message as FilingReply | undefined;
    if (!reply) return { broken: 'no reply' };
    if (reply === 'line failed') return reply;
    for (const [id, filed] of reply.filed) tables.get(id)!.adopt(filed);
    return 'adopted';
  }
}

/** A worker for this dump, when it is large enough to be worth one and workers can run here. */
export function startFilingWorker(shared: SharedText | undefined, ctx: FlowsContext): FilingWorker | undefined {
  return shared && workers ? new FilingWorker(workers.script, workers.filing, shared, ctx) : undefined;
}

/** Tables by descending line count (then id): large ones first, so the two threads end close together. */
function claimOrder(tables: Map<number, IndexedTable>): number[] {
  return [...tables.keys()].sort((a, b) => tables.get(b)!.count - tables.get(a)!.count || a - b);
}

/** Whether this thread is a filing worker (the bundle's entry asks before running the CLI). */
export function isFilingWorker(): boolean {
  return !isMainThread && (workerData as Partial<FilingJob> | undefined)?.oftraceFiling === true;
}

/** The worker's side: the text decoded while the main thread indexes it, then tables claimed until none are left. */
export function runFilingWorker(): void {
  const job = workerData as FilingJob;
  const alive = () => Atomics.add(job.counters, ALIVE, 1);
  alive();
  const { bytes, encoding } = job.shared;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(encoding);
  const ctx: FlowsContext = {
    file: job.file, ports: job.ports && new PortNames(job.ports), tables: job.tables && new PortNames(job.tables),
  };
  job.port.once('message', (index: SharedIndex) => {
    let reply: FilingReply;
    try {
      alive();
      const tables = new Map(index.map(([id, offsets]) => [id, new IndexedTable({ text, ...offsets }, ctx)]));
      const order = claimOrder(tables);
      const filed: [number, FiledTable][] = [];
      for (let k; (k = Atomics.add(job.counters, NEXT_CLAIM, 1)) < order.length;) {
        const table = tables.get(order[k])!;
        table.fileAll();
        filed.push([order[k], table.filedTable()]);
        alive();
      }
      reply = { filed };
    } catch {
      reply = 'line failed';
    }
    job.port.postMessage(reply);
    job.port.close();
    Atomics.store(job.counters, WORKER_DONE, 1);
    Atomics.notify(job.counters, WORKER_DONE);
  });
}
