// Shared helpers for the line-oriented dump grammars: every dump format is
// read a line at a time so errors can name the line and column.
import { Lexer, type IRecognitionException, type ILexingError, type IToken, type TokenType } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';

/**
 * Chevrotain's self-checks of a grammar (bad patterns, ambiguities) cost more
 * than parsing a dump does. They run where grammars change, under the tests
 * (vitest sets VITEST); a CLI run skips them, as Chevrotain advises.
 */
export const GRAMMAR_CHECKS = { skipValidations: !process.env.VITEST } as const;

/** A line grammar's lexer options: errors name a token's line and column, so only starts are tracked. */
export const LINE_LEXER = { ...GRAMMAR_CHECKS, positionTracking: 'onlyStart' } as const;

/**
 * A dump format's lexer and parser, built when the first dump of that format
 * is read: building a grammar (Chevrotain's self-analysis) takes milliseconds
 * that a run without such a dump should not pay.
 */
export function grammarOnce<P>(build: () => { lexer: Lexer; parser: P }): () => { lexer: Lexer; parser: P } {
  let built: { lexer: Lexer; parser: P } | undefined;
  return () => (built ??= build());
}

export interface SourceLine {
  text: string;
  /** 1-based line number in the file. */
  line: number;
}

/** Reject input that is clearly not a text dump. */
export function rejectBinary(text: string, file: string): void {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new InputError('binary data (NUL byte), not a text dump', file, line);
  }
}

/** Split text into lines, rejecting input that is clearly not a text dump. */
export function splitLines(text: string, file: string): SourceLine[] {
  rejectBinary(text, file);
  const out: SourceLine[] = [];
  const parts = text.split('\n');
  for (let i = 0; i < parts.length; i++) {
    let t = parts[i];
    if (t.endsWith('\r')) t = t.slice(0, -1);
    out.push({ text: t, line: i + 1 });
  }
  if (out.length > 0 && out[out.length - 1].text === '') out.pop();
  return out;
}

/** The lines with text on them; a dump without any is an error. */
export function contentLines(text: string, file: string, what: string): SourceLine[] {
  const lines = splitLines(text, file).filter((l) => l.text.trim() !== '');
  if (lines.length === 0) throw new InputError(`${what}: empty input`, file);
  return lines;
}

/** A Chevrotain parser that reads a dump a line at a time. */
interface LineParser {
  input: IToken[];
  readonly errors: IRecognitionException[];
}

/** One line through `rule` of `parser`; the first lexing or parse error is an InputError naming the line. */
export function parseLine<T>(lexer: Lexer, parser: LineParser, rule: () => T, src: SourceLine, file: string, what: string): T {
  parser.input = lexLine(lexer, src, file);
  const out = rule();
  if (parser.errors.length > 0) throw parseError(parser.errors, src, file, what);
  return out;
}

/** Tokenize one line with a Chevrotain lexer; a lexing error becomes an InputError. */
export function lexLine(lexer: Lexer, src: SourceLine, file: string) {
  const result = lexer.tokenize(src.text);
  if (result.errors.length > 0) throw lexError(result.errors[0], src, file);
  return result.tokens;
}

function lexError(err: ILexingError, src: SourceLine, file: string): InputError {
  const col = (err.column ?? 1);
  const bad = src.text.slice(err.offset, err.offset + Math.max(1, err.length));
  return new InputError(`unexpected character ${quoteToken(bad)}`, file, src.line, col);
}

/** Turn the first Chevrotain parse error into an InputError naming the token. */
export function parseError(errors: IRecognitionException[], src: SourceLine, file: string, what: string, expected?: string): InputError {
  const e = errors[0];
  const tok = e.token;
  const atEnd = tok.image === '' || !Number.isFinite(tok.startOffset);
  const col = atEnd ? src.text.length + 1 : tok.startOffset + 1;
  const shown = atEnd ? 'end of line' : quoteToken(tok.image);
  return new InputError(`${what}: unexpected ${shown}${expected ? `, expected ${expected}` : ''}`, file, src.line, col);
}

/**
 * First characters for a complement-set token (`[^...]+`), which Chevrotain
 * cannot derive itself: printable ASCII minus `excluded`.
 */
export function startCharsExcept(excluded: string): string[] {
  const out: string[] = [];
  for (let c = 0x21; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (!excluded.includes(ch)) out.push(ch);
  }
  return out;
}

export type { TokenType };
