// The `oftrace` command line. runCli() is the whole program with its output
// captured, so tests and the oracle harness run it in-process.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { InputError } from '../model/errors.js';
import { readDumpsDir, readBridgeFile, readPlainFile, type DumpKind, type DumpText } from '../ingest/sources.js';
import { loadSnapshot } from '../ingest/load.js';
import type { Snapshot } from '../model/snapshot.js';
import type { ProgressSink } from '../ingest/progress.js';
import { traceCommand } from './trace-command.js';
import { showCommand, flowsCommand } from './show-commands.js';
import { lintCommand } from './lint-command.js';
import { checkCommand, diffCommand, type CheckOptions, type DiffOptions } from './check-commands.js';

export interface CliResult {
  /** What the run printed (empty where the caller gave its own `out` and `err`). */
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin?: string;
  /** Colour the human-readable reports (the launcher sets it on a terminal without NO_COLOR). */
  color?: boolean;
  /** Standard output is a terminal: traces default to the pretty tree instead of OVS's text. */
  tty?: boolean;
  /** Where long loads report progress (the launcher's bar on a terminal's stderr). */
  progress?: ProgressSink;
}

/** Where the dumps come from, as the options name them. */
export interface SourceOptions {
  dumps?: string;
  vsctl?: string;
  flows?: string[];
  ports?: string[];
  dpif?: string;
  fdb?: string[];
  groups?: string[];
  tlvMap?: string[];
  routes?: string;
  neighbors?: string;
  lenient?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
/** The option that names a dump of each kind, where it is not the kind itself. */
const optionOf = (kind: DumpKind) => `--${({ tlv: 'tlv-map', neigh: 'neighbors' } as Partial<Record<DumpKind, string>>)[kind] ?? kind}`;
const collectTable = (v: string, prev: number[] = []) => {
  if (!/^\d+$/.test(v) || Number(v) > 254) throw new InvalidArgumentError('expected a table number 0-254');
  return [...prev, Number(v)];
};

/**
 * Loads the dumps the options name. Standard input can be read once: by one
 * dump, or by what `stdinTaken` names (a --batch reading its traces from it).
 */
export function loadFromOptions(o: SourceOptions, io: Io, stdinTaken?: string): Snapshot {
  const dumps: DumpText[] = [];
  if (o.dumps) dumps.push(...readDumpsDir(o.dumps));
  if (o.vsctl) dumps.push(readPlainFile('vsctl', o.vsctl));
  if (o.dpif) dumps.push(readPlainFile('dpif', o.dpif));
  if (o.routes) dumps.push(readPlainFile('routes', o.routes));
  if (o.neighbors) dumps.push(readPlainFile('neigh', o.neighbors));
  for (const [kind, specs] of [['flows', o.flows], ['ports', o.ports], ['fdb', o.fdb], ['groups', o.groups], ['tlv', o.tlvMap]] as const) {
    const files = new Map<string, string>();
    for (const spec of specs ?? []) {
      const d = readBridgeFile(kind, spec);
      // One dump per bridge: a second one would be ignored.
      const first = files.get(d.bridge!);
      if (first !== undefined) throw new InputError(`bridge ${d.bridge} given twice (${first} and ${d.file})`, optionOf(kind));
      files.set(d.bridge!, d.file);
      dumps.push(d);
    }
  }
  // `-` means standard input; the CLI read it up front.
  const fromStdin = dumps.filter((d) => d.file === '-');
  if (fromStdin.length > (stdinTaken ? 0 : 1)) throw new InputError(`standard input (-) given twice: to ${[...(stdinTaken ? [stdinTaken] : []), ...fromStdin.map((d) => optionOf(d.kind))].join(' and ')}`);
  for (const d of fromStdin) if (io.stdin !== undefined) d.text = io.stdin;
  if (dumps.length === 0) throw new InputError('no dumps given (use --dumps DIR or --flows BR=FILE ...)');
  const snap = loadSnapshot(dumps, { lenient: o.lenient, warn: (m) => io.err(m + '\n'), progress: io.progress });
  return snap;
}

function program(io: Io, setExit: (code: number) => void): Command {
  const addSources = (c: Command) => c
    .option('--dumps <dir>', 'folder of OVS command outputs named as sosreport names them (or a sosreport root)')
    .option('--vsctl <file>', '`ovs-vsctl show` output')
    .option('--flows <br=file>', '`ovs-ofctl dump-flows BR` output (repeatable; - is stdin)', collect)
    .option('--ports <br=file>', '`ovs-ofctl show BR` or dump-ports-desc output (repeatable)', collect)
    .option('--dpif <file>', '`ovs-appctl dpif/show` output')
    .option('--fdb <br=file>', '`ovs-appctl fdb/show BR` output (repeatable)', collect)
    .option('--groups <br=file>', '`ovs-ofctl -O OpenFlow13 dump-groups BR` output (repeatable)', collect)
    .option('--tlv-map <br=file>', '`ovs-ofctl -O OpenFlow13 dump-tlv-map BR` output: Geneve options as tun_metadata (repeatable)', collect)
    .option('--routes <file>', '`ovs-appctl ovs/route/show` output: where native (userspace) tunnels send packets')
    .option('--neighbors <file>', '`ovs-appctl tnl/neigh/show` output: the next hops\' MACs for native tunnels')
    .option('--lenient', 'skip unparsable dump lines with a warning instead of failing');

  const cmd = addSources(new Command('oftrace'))
    .description('Trace a packet through Open vSwitch flow tables offline, as `ovs-appctl ofproto/trace` does')
    .version(pkg.version, '-V, --version')
    .argument('[bridge]', 'bridge to trace on (or the datapath, e.g. ovs-system, before a datapath flow)')
    .argument('[flow]', 'the packet, in ofproto/trace flow syntax or datapath flow syntax (in_port(1),eth(...),...)')
    .argument('[packet]', 'optional packet in hex: its headers replace the flow\'s, the flow gives the metadata')
    .option('--ct-next <state>', 'ct_state for the next conntrack recirculation (repeatable)', collect)
    .option('-g, --generate', 'as ofproto/trace -generate: side effects allowed (learn adds its flow), no packet argument')
    .addOption(new Option('--format <format>', 'output format (default: pretty on a terminal, else ovs); legacy: the OVS 2.5/2.6 layout (Rule:, Resubmitted flow:, ...), see docs/legacy-format.md').choices(['ovs', 'pretty', 'json', 'legacy']))
    .option('--json', 'same as --format json')
    .option('--pretty', 'same as --format pretty: colours, port names, rule file:line, loop and no-match notes')
    .option('--why <table>', 'list the rules of TABLE that came closest to matching, at each of its lookups (repeatable)', collectTable)
    .option('--explain', 'at each resubmit, show the fields earlier resubmits changed and which table set them')
    .option('--batch <file>', 'trace each line of FILE (`BRIDGE FLOW [PACKET]`; - is stdin) on the snapshot loaded once; JSON output is JSON Lines')
    .showHelpAfterError(false)
    // Options after a subcommand's name are the subcommand's (`check --json`, `diff --flows FILE`).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: (s) => { if (!/unknown option/.test(s)) io.err(s); } })
    .action((_bridge, _flow, _packet, opts, command: Command) => {
      setExit(traceCommand(loadFromOptions(opts, io, opts.batch === '-' ? '--batch' : undefined), command.args, opts, io));
    });
  cmd.command('show')
    .description('print the loaded topology: bridges, ports, datapath numbers, patch peers, flows per table')
    .action(() => { setExit(showCommand(loadFromOptions(cmd.opts(), io), io)); });
  cmd.command('flows')
    .description('print a bridge\'s parsed flows back in ovs-ofctl syntax, or as JSON')
    .argument('<bridge>')
    .option('--table <n>', 'only this table', (v) => Number(v))
    .option('--json', 'JSON output')
    .action((bridge: string, o: { table?: number; json?: boolean }) => { setExit(flowsCommand(loadFromOptions(cmd.opts(), io), bridge, o, io)); });
  cmd.command('lint')
    .description('find rules that can never match, jumps to empty tables, outputs to missing ports, patch ports without a peer; exit 1 when any')
    .argument('[bridge]', 'only this bridge')
    .action((bridge: string | undefined) => { setExit(lintCommand(loadFromOptions(cmd.opts(), io), bridge, io)); });
  cmd.command('check')
    .description('trace the cases of a YAML spec against its snapshot; exit 0 all pass, 1 some fail, 2 bad spec')
    .argument('<spec>', 'the spec file (snapshot path and cases with expectations)')
    .option('--junit <file>', 'also write JUnit XML, one testcase per case')
    .option('--json', 'print the results as JSON (oftrace/check/v1)')
    .action((spec: string, o: CheckOptions) => { setExit(checkCommand(spec, o, io)); });
  cmd.command('diff')
    .description('trace the same packets through two snapshots and show what changed; exit 1 when anything did')
    .requiredOption('--before <dir>', 'the old snapshot (--dumps folder or sosreport)')
    .requiredOption('--after <dir>', 'the new snapshot')
    .option('--spec <file>', 'the packets: a check spec\'s cases')
    .option('--flows <file>', 'the packets: `BRIDGE FLOW` per line')
    .action((o: DiffOptions) => { setExit(diffCommand(o, io)); });
  // After the subcommands, so they do not inherit it: ofproto/trace itself reports "too many arguments".
  cmd.allowExcessArguments();
  return cmd;
}

/** ovs-appctl style: `-generate` is one dash; commander wants two. */
function normalizeArgv(argv: string[]): string[] {
  return argv.map((a) => (a === '-generate' ? '--generate' : a));
}

/**
 * The whole program; its output is captured in the result unless `opts`
 * gives `out` and `err` to print it as it comes (the launcher: a batch's
 * traces appear as they are done, and are not all held in memory).
 */
export async function runCli(argv: string[], stdin?: string, opts: Partial<Omit<Io, 'stdin'>> = {}): Promise<CliResult> {
  let stdout = '', stderr = '', exitCode = 0;
  const io: Io = { out: (s) => { stdout += s; }, err: (s) => { stderr += s; }, stdin, ...opts };
  try {
    await program(io, (c) => { exitCode = c; }).parseAsync(normalizeArgv(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // ofproto/trace's wording for options it does not know.
      const unknown = /unknown option '([^']+)'/.exec(e.message);
      if (unknown) io.err(`${unknown[1]}: unknown option\n`);
      exitCode = e.exitCode === 0 ? 0 : 2;
    } else if (e instanceof InputError) {
      io.err(`oftrace: ${e.message}\n`);
      exitCode = 1;
    } else {
      throw e;
    }
  }
  return { stdout, stderr, exitCode };
}
