// `oftrace check` and `oftrace diff` results for people (text, coloured on a terminal), for CI
// dashboards (JUnit XML) and for scripts (JSON).
import { Chalk } from 'chalk';
import { formatOutputs } from '../check/facts.js';
import type { PacketDiff } from '../check/diff.js';
import type { CaseResult } from '../check/run.js';
import type { CheckSpec } from '../check/spec.js';
import { traceToJson } from './json.js';
import type { World } from '../xlate/world.js';

/** A failing trace longer than this is cut in the text report (JUnit and JSON keep it whole). */
const MAX_TRACE_LINES = 200;

export function summaryLine(results: readonly CaseResult[]): string {
  const failed = results.filter((r) => r.mismatches.length).length;
  return `${results.length - failed} passed, ${failed} failed`;
}

export function formatCheckText(results: readonly CaseResult[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const r of results) {
    if (!r.mismatches.length) {
      out.push(`${c.green('PASS')} ${r.case.name}`);
      continue;
    }
    out.push(`${c.red.bold('FAIL')} ${r.case.name}`);
    out.push(c.dim(`     ${r.case.bridge} ${r.case.flow}${r.case.ctNextText.length ? `  (ct_next ${r.case.ctNextText.join(' ')})` : ''}`));
    for (const m of r.mismatches) {
      out.push(`     ${c.bold(m.key)}:`, `       expected: ${c.green(m.expected)}`, `       actual:   ${c.red(m.actual)}`);
    }
    const lines = r.traced.text.trimEnd().split('\n');
    out.push('     trace:', ...lines.slice(0, MAX_TRACE_LINES).map((l) => c.dim(`       ${l}`)));
    if (lines.length > MAX_TRACE_LINES) out.push(c.dim(`       ... ${lines.length - MAX_TRACE_LINES} more lines (run the trace, or see --junit/--json)`));
  }
  // The summary stays plain so CI log scrapers can match it.
  out.push('', summaryLine(results));
  return out.join('\n') + '\n';
}

const xmlEscape = (s: string) => s
  // XML 1.0 cannot carry most control characters at all, escaped or not.
  .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Attribute values: parsers fold a raw newline there into a space. */
const xmlAttr = (s: string) => xmlEscape(s).replace(/\n/g, '&#10;');

export function formatCheckJunit(spec: CheckSpec, results: readonly CaseResult[]): string {
  const failed = results.filter((r) => r.mismatches.length).length;
  const counts = `tests="${results.length}" failures="${failed}" errors="0" skipped="0"`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="oftrace check" ${counts}>`,
    `  <testsuite name="${xmlAttr(spec.file)}" ${counts}>`,
  ];
  for (const r of results) {
    const open = `    <testcase classname="${xmlAttr(spec.file)}" name="${xmlAttr(r.case.name)}"`;
    if (!r.mismatches.length) {
      out.push(open + '/>');
      continue;
    }
    const message = r.mismatches.map((m) => `${m.key}: expected ${m.expected}; actual ${m.actual}`).join('\n');
    out.push(open + '>',
      `      <failure type="expectation" message="${xmlAttr(message)}">${xmlEscape(`${message}\n\n${r.case.bridge} ${r.case.flow}\n\n${r.traced.text}`)}</failure>`,
      '    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}

/** Schema `oftrace/check/v1` (docs/json-schema.md). */
export function checkToJson(spec: CheckSpec, results: readonly CaseResult[], world: World) {
  const failed = results.filter((r) => r.mismatches.length).length;
  return {
    schema: 'oftrace/check/v1',
    spec: spec.file,
    snapshot: spec.snapshot,
    passed: results.length - failed,
    failed,
    cases: results.map((r) => ({
      name: r.case.name,
      line: r.case.line,
      passed: r.mismatches.length === 0,
      mismatches: r.mismatches,
      outputsSummary: formatOutputs(r.traced.facts.outputs),
      trace: traceToJson(r.traced.result, world, world.bridges.get(r.case.bridge)!),
    })),
  };
}

export function formatDiffText(diffs: readonly PacketDiff[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const d of diffs) {
    const p = d.packet;
    if (!d.changes.length) {
      out.push(`${c.green('SAME')}    ${p.name}`);
      continue;
    }
    out.push(`${c.yellow.bold('CHANGED')} ${p.name}`, c.dim(`        ${p.bridge} ${p.flow}`));
    for (const ch of d.changes) out.push(`        ${c.bold(ch.what)}:`, `          before: ${c.red(ch.before)}`, `          after:  ${c.green(ch.after)}`);
  }
  const changed = diffs.filter((d) => d.changes.length).length;
  out.push('', `${changed} changed, ${diffs.length - changed} unchanged`);
  return out.join('\n') + '\n';
}
