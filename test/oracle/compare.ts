// Pure comparison of ofproto/trace outputs (OVS's recorded one vs oftrace's), per section.

export interface TraceOutput {
  stdout: string;
  stderr: string;
  exit: number;
}

export const SECTIONS = ['whole', 'datapathActions', 'megaflow', 'finalFlow', 'tree'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<Section, string> = {
  whole: 'whole output',
  datapathActions: 'Datapath actions',
  megaflow: 'Megaflow',
  finalFlow: 'Final flow',
  tree: 'tree',
};

export interface Comparison {
  agree: Record<Section, boolean>;
  /** First differing section and a few lines around its first difference. */
  diff?: string;
}

// recirc(0x5), recirc_id=0x5, recirc_id(0x5), and the decimal recirc_id=6 inside
// controller(...) continuations all name the same id space.
const RECIRC_RE = /(recirc\(|recirc_id[=(])(0x[0-9a-f]+|\d+)/g;

/** Recirc ids depend on the daemon's history; number them 1, 2, ... by first appearance. 0 means "none" and stays. */
export function renumberRecirc(text: string): string {
  const ids = new Map<number, number>();
  return text.replace(RECIRC_RE, (_all, head: string, id: string) => {
    const value = Number(id);
    if (value === 0) return head + id;
    if (!ids.has(value)) ids.set(value, ids.size + 1);
    const n = ids.get(value)!;
    return head + (id.startsWith('0x') ? `0x${n.toString(16)}` : String(n));
  });
}

export interface Sections {
  tree: string;
  finalFlow: string;
  megaflow: string;
  datapathActions: string;
}

const SUMMARY: [keyof Sections, string][] = [
  ['finalFlow', 'Final flow: '],
  ['megaflow', 'Megaflow: '],
  ['datapathActions', 'Datapath actions: '],
];

/**
 * Splits a trace into its summary lines and everything else (the tree, with the Flow: lines
 * and recirculation banners). With ct/recirculation a trace has one summary per pass, so each
 * section is all of its occurrences joined by newlines.
 */
export function splitSections(text: string): Sections {
  const parts: Record<keyof Sections, string[]> = { tree: [], finalFlow: [], megaflow: [], datapathActions: [] };
  for (const line of text.split('\n')) {
    const hit = SUMMARY.find(([, prefix]) => line.startsWith(prefix));
    if (hit) parts[hit[0]].push(line.slice(hit[1].length));
    else parts.tree.push(line);
  }
  return {
    tree: parts.tree.join('\n').trim(),
    finalFlow: parts.finalFlow.join('\n'),
    megaflow: parts.megaflow.join('\n'),
    datapathActions: parts.datapathActions.join('\n'),
  };
}

/**
 * ovs-appctl adds its own error trailer, which oftrace has no reason to
 * imitate; oftrace's warnings say what the dumps cannot tell, which OVS knows.
 */
function normalizeStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('ovs-appctl: ') && !l.startsWith('oftrace: warning: '))
    .join('\n')
    .trim();
}

function firstDiff(section: Section, expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ctx = a.slice(Math.max(0, i - 2), i).map((l) => `  ${l}`);
  const minus = a.slice(i, i + 3).map((l) => `- ${l}`);
  const plus = b.slice(i, i + 3).map((l) => `+ ${l}`);
  return [`@@ ${SECTION_TITLES[section]}, line ${i + 1} (- OVS, + oftrace)`, ...ctx, ...minus, ...plus].join('\n');
}

export function compareTrace(expected: TraceOutput, actual: TraceOutput): Comparison {
  const e = { ...expected, stdout: renumberRecirc(expected.stdout) };
  const a = { ...actual, stdout: renumberRecirc(actual.stdout) };
  const sameStatus = (e.exit === 0) === (a.exit === 0);
  const es = splitSections(e.stdout);
  const as = splitSections(a.stdout);
  const eWhole = e.stdout + normalizeStderr(e.stderr);
  const aWhole = a.stdout + normalizeStderr(a.stderr);
  const texts: Record<Section, [string, string]> = {
    whole: [eWhole, aWhole],
    datapathActions: [es.datapathActions, as.datapathActions],
    megaflow: [es.megaflow, as.megaflow],
    finalFlow: [es.finalFlow, as.finalFlow],
    tree: [es.tree, as.tree],
  };
  const agree = Object.fromEntries(
    SECTIONS.map((s) => [s, sameStatus && texts[s][0] === texts[s][1]]),
  ) as Record<Section, boolean>;
  // Report the most telling difference: the datapath actions first, the raw text last.
  const order: Section[] = ['datapathActions', 'megaflow', 'finalFlow', 'tree', 'whole'];
  const first = order.find((s) => !agree[s]);
  if (!first) return { agree };
  const diff = sameStatus
    ? firstDiff(first, ...texts[first])
    : `@@ exit status: OVS ${e.exit}, oftrace ${a.exit}\n- ${eWhole.split('\n')[0]}\n+ ${aWhole.split('\n')[0]}`;
  return { agree, diff };
}

export interface Summary {
  total: number;
  agree: Record<Section, number>;
  percent: Record<Section, number>;
}

export function summarize(results: Comparison[]): Summary {
  const agree = Object.fromEntries(SECTIONS.map((s) => [s, results.filter((r) => r.agree[s]).length])) as Record<
    Section,
    number
  >;
  const percent = Object.fromEntries(
    SECTIONS.map((s) => [s, results.length ? Math.round((1000 * agree[s]) / results.length) / 10 : 0]),
  ) as Record<Section, number>;
  return { total: results.length, agree, percent };
}

export function formatSummary(s: Summary): string {
  return SECTIONS.map(
    (k) => `  ${SECTION_TITLES[k].padEnd(17)} ${String(s.agree[k]).padStart(5)}/${s.total}  ${s.percent[k].toFixed(1)}%`,
  ).join('\n');
}
