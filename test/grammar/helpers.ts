import { readFileSync } from 'node:fs';

export const sample = (name: string): string => readFileSync(new URL(`samples/${name}`, import.meta.url), 'utf8');

/** The command's output in a seed blog post: lines after `[root]# CMD` up to the next prompt or blank line. */
export function seedBlock(seed: string, command: string): string {
  const lines = readFileSync(`/work/shared/seeds/${seed}`, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(command)) + 1;
  const end = lines.findIndex((l, i) => i >= start && (l.startsWith('[root]') || l.trim() === ''));
  return lines.slice(start, end).join('\n');
}

/** Error cases every grammar must handle: [name, input, message pattern]. */
export const commonErrors = (what: string): [string, string, RegExp][] => [
  ['garbage', '@@@ ~~~\n', new RegExp(`^f:1:\\d+: ${what}: unexpected `)],
  ['NUL bytes', 'x\n\0\0', /^f:2: binary data/],
  ['empty file', '', new RegExp(`^f: ${what}: empty input$`)],
  ['a 1 MB line', 'z@ '.repeat(350000), new RegExp(`^f:1:\\d+: ${what}: unexpected `)],
];
