// CSV for tabular data (RFC 4180: quoted fields, "" escapes, CRLF or LF), split into records by
// papaparse (https://www.papaparse.com; browser and Node, no dependencies); the numeric
// conversion, the header and the checks are here: every record must have the header's number of
// fields and every selected cell must be a number, else a FormatError names the row (1-based,
// the header being row 1) and the column (name and 1-based index).
import Papa from 'papaparse';
import { ConfigError, FormatError, isRecord, show, tf } from '@basiskit/tensor';

/** Options of {@link parseCsv} and {@link loadCsv}. */
export interface CsvOptions {
  /** The first row names the columns. Default true (else columns are named `'0'`, `'1'`, ...). */
  header?: boolean;
  /** Field delimiter. Default: detected (comma, tab, semicolon, pipe). */
  delimiter?: string;
  /** Columns to read, by name or 0-based index, in this order. Default: all. */
  columns?: (string | number)[];
  /**
   * Cells that are empty or `NA`/`null`: `'error'` (default) throws, `'nan'` reads NaN.
   * (`nan`, `NaN`, `inf`, `-inf`, `Infinity` are numbers either way, as NumPy and pandas write them.)
   */
  missing?: 'error' | 'nan';
  /** Name of the file or argument for error messages. Default `'text'`. */
  name?: string;
}

/** Options of {@link loadCsv}: the CSV options and which columns are targets. */
export interface LoadCsvOptions extends CsvOptions {
  /** Target column(s) for `y`, by name or index; the other read columns form `x`. Default: none (`y` absent). */
  target?: string | number | (string | number)[];
}

/** A numeric table: `rows x columns.length` values, row-major, in float64. */
export interface CsvTable {
  columns: string[];
  rows: number;
  data: Float64Array;
}

const KNOWN = ['header', 'delimiter', 'columns', 'missing', 'name'];
const NUMBER_RE = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;
const SPECIAL: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

function checkCsvOptions(options: unknown, where: string, extra: string[] = []): CsvOptions & Record<string, unknown> {
  if (options === undefined) return {};
  if (!isRecord(options)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
  const known = [...KNOWN, ...extra];
  const bad = Object.keys(options).filter((k) => !known.includes(k));
  if (bad.length) throw new ConfigError('unknown option', { where, argument: bad.join(', '), expected: known.join(', '), got: bad.join(', ') });
  const o = options as CsvOptions & Record<string, unknown>;
  if (o.header !== undefined && typeof o.header !== 'boolean')
    throw new ConfigError('invalid option', { where, argument: 'header', expected: 'a boolean', got: show(o.header) });
  if (o.delimiter !== undefined && (typeof o.delimiter !== 'string' || o.delimiter.length === 0 || /["\r\n]/.test(o.delimiter)))
    throw new ConfigError('invalid option', {
      where,
      argument: 'delimiter',
      expected: 'a non-empty string without quotes or line breaks',
      got: show(o.delimiter),
    });
  if (o.missing !== undefined && o.missing !== 'error' && o.missing !== 'nan')
    throw new ConfigError('invalid option', { where, argument: 'missing', expected: "'error' or 'nan'", got: show(o.missing) });
  if (o.columns !== undefined && (!Array.isArray(o.columns) || o.columns.length === 0 || !o.columns.every((c) => typeof c === 'string' || Number.isInteger(c))))
    throw new ConfigError('invalid option', { where, argument: 'columns', expected: 'a non-empty array of column names or indices', got: show(o.columns) });
  if (o.name !== undefined && typeof o.name !== 'string')
    throw new ConfigError('invalid option', { where, argument: 'name', expected: 'a string', got: show(o.name) });
  return o;
}

/** One cell as a number, or undefined when it is not one. */
function toNumber(cell: string, missingNaN: boolean): number | undefined {
  const s = cell.trim();
  if (NUMBER_RE.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (lower in SPECIAL) return SPECIAL[lower];
  if (missingNaN && MISSING.has(lower)) return NaN;
  return undefined;
}

function readTable(text: unknown, o: CsvOptions, where: string): CsvTable {
  const name = o.name ?? 'text';
  let s: string;
  if (typeof text === 'string') s = text;
  else if (text instanceof Uint8Array || text instanceof ArrayBuffer) {
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      throw new FormatError('not UTF-8 text', { where, argument: name, expected: 'a UTF-8 encoded CSV file', got: 'invalid bytes' });
    }
  } else throw new ConfigError('not CSV text', { where, argument: name, expected: 'a string, Uint8Array or ArrayBuffer', got: show(text) });
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const fail = (problem: string, expected?: string, got?: string): never => {
    throw new FormatError(problem, { where, argument: name, expected, got });
  };
  const parsed = Papa.parse<string[]>(s, {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: 'greedy',
    delimiter: o.delimiter ?? '',
    delimitersToGuess: [',', '\t', ';', '|'],
  });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) fail(`malformed quotes in row ${(quoteError.row ?? 0) + 1}`, 'quoted fields closed by a quote', quoteError.message);
  const records = parsed.data;
  const header = o.header ?? true;
  if (records.length === 0 || (header && records.length === 1 && records[0].every((c) => c.trim() === '')))
    fail('empty CSV', 'a header and rows of numbers', 'no records');
  const width = records[0].length;
  const names = header ? records[0].map((c) => c.trim()) : Array.from({ length: width }, (_, i) => String(i));
  const first = header ? 1 : 0;
  for (let r = first; r < records.length; r++) {
    if (records[r].length !== width) {
      fail(
        `row ${r + 1} has ${records[r].length} fields`,
        `${width} fields (as ${header ? 'the header' : 'row 1'})`,
        `${records[r].length}: ${show(records[r].join(parsed.meta.delimiter))}`,
      );
    }
  }
  const select: number[] = (o.columns ?? names.map((_, i) => i)).map((c) => {
    const i = typeof c === 'number' ? c : names.indexOf(c);
    if (i < 0 || i >= width) {
      throw new ConfigError('no such column', {
        where,
        argument: 'columns',
        expected: `one of ${names.map((n) => JSON.stringify(n)).join(', ')} or an index < ${width}`,
        got: show(c),
      });
    }
    return i;
  });
  const rows = records.length - first;
  const data = new Float64Array(rows * select.length);
  const missingNaN = o.missing === 'nan';
  for (let r = 0; r < rows; r++) {
    const rec = records[r + first];
    for (let j = 0; j < select.length; j++) {
      const v = toNumber(rec[select[j]], missingNaN);
      if (v === undefined) {
        const label = `column ${JSON.stringify(names[select[j]])} (${select[j] + 1})`;
        fail(
          `row ${r + first + 1}, ${label}: not a number`,
          missingNaN ? 'a number' : "a number (missing: 'nan' reads empty/NA cells as NaN)",
          show(rec[select[j]]),
        );
      }
      data[r * select.length + j] = v as number;
    }
  }
  return { columns: select.map((i) => names[i]), rows, data };
}

/**
 * Parses CSV text (or UTF-8 bytes) into a numeric table in float64. Ragged rows, malformed quotes
 * and cells that are not numbers throw a {@link FormatError} naming the row and column.
 *
 * @example
 * parseCsv('x,y\n1,2\n3,4\n'); // { columns: ['x', 'y'], rows: 2, data: Float64Array [1, 2, 3, 4] }
 */
export function parseCsv(text: string | Uint8Array | ArrayBuffer, options?: CsvOptions): CsvTable {
  const where = 'parseCsv';
  return readTable(text, checkCsvOptions(options, where), where);
}

/**
 * Loads CSV as float32 tensors: `x` [rows, features] from the read columns, and `y` [rows,
 * targets] from the `target` column(s) when given (a TensorDataset for `fit`).
 *
 * @example
 * const { x, y, columns } = loadCsv(text, { target: 'price' });
 */
export function loadCsv(
  text: string | Uint8Array | ArrayBuffer,
  options?: LoadCsvOptions,
): { x: tf.Tensor2D; y?: tf.Tensor2D; columns: string[]; targetColumns: string[] } {
  const where = 'loadCsv';
  const o = checkCsvOptions(options, where, ['target']);
  const table = readTable(text, o, where);
  const targets = o.target === undefined ? [] : Array.isArray(o.target) ? o.target : [o.target];
  const tIdx = targets.map((t) => {
    const i = typeof t === 'number' ? (o.columns ? o.columns.indexOf(t) : t) : table.columns.indexOf(t);
    if (i < 0 || i >= table.columns.length || !Number.isInteger(i))
      throw new ConfigError('no such target column', {
        where,
        argument: 'target',
        expected: `one of ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`,
        got: show(t),
      });
    return i;
  });
  const xIdx = table.columns.map((_, i) => i).filter((i) => !tIdx.includes(i));
  const pick = (idx: number[]) => {
    const out = new Float32Array(table.rows * idx.length);
    const w = table.columns.length;
    for (let r = 0; r < table.rows; r++) for (let j = 0; j < idx.length; j++) out[r * idx.length + j] = table.data[r * w + idx[j]];
    return tf.tensor2d(out, [table.rows, idx.length], 'float32');
  };
  const x = pick(xIdx);
  return { x, y: tIdx.length ? pick(tIdx) : undefined, columns: xIdx.map((i) => table.columns[i]), targetColumns: tIdx.map((i) => table.columns[i]) };
}
