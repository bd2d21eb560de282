/**
 * A problem in user input. The CLI prints `message` as one line and exits
 * non-zero without a stack trace; every other exception is a bug.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(formatLocation(file, line, column) + elideLongRuns(message));
    this.name = 'InputError';
  }
}

/**
 * A packet whose translation makes ovs-vswitchd 3.1 itself abort
 * (OVS_NOT_REACHED): there is no trace to print, only why.
 */
export class OvsAbortError extends InputError {
  constructor(what: string) {
    super(`ovs-vswitchd aborts translating this packet: ${what}`);
    this.name = 'OvsAbortError';
  }
}

function formatLocation(file?: string, line?: number, column?: number): string {
  if (file === undefined) return '';
  if (line === undefined) return `${file}: `;
  return column === undefined ? `${file}:${line}: ` : `${file}:${line}:${column}: `;
}

/** Longer runs of characters without a blank or separator are cut: a bad 5,000-character value is not echoed whole. */
const LONGEST_RUN = 200;

/** The message with each over-long run (no blank, `:`, `,` or `=`) cut to its start, `...`, and its length. */
function elideLongRuns(message: string): string {
  return message.replace(new RegExp(`[^\\s:,=]{${LONGEST_RUN + 1},}`, 'g'), (run) => `${run.slice(0, 60)}...(${run.length} characters)`);
}

/** Quote a token for an error message without flooding the terminal. */
export function quoteToken(text: string): string {
  const shown = text.length > 40 ? text.slice(0, 40) + '...' : text;
  return JSON.stringify(shown);
}
