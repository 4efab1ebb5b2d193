import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, FormatError, initBackend, tf } from '@basiskit/tensor';
import { loadCsv, parseCsv } from './csv';
import { expectOnlyBasiskitErrors, mutations } from './formats_testing';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('parseCsv / loadCsv', () => {
  it('round-trips random numeric tables (quoted headers, CRLF or LF, any delimiter, NaN and infinities)', () => {
    const cell = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e6 }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(',', '\t', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.infiniteStream(cell),
        (cols, rows, delim, eol, values) => {
          const names = Array.from({ length: cols }, (_, j) => `c${j}, "q"`);
          const it = values[Symbol.iterator]();
          const table = Array.from({ length: rows }, () => Array.from({ length: cols }, () => it.next().value as number));
          const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
          const text = [names.map(quote).join(delim), ...table.map((r) => r.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(delim))].join(eol) + eol;
          const t = parseCsv(text);
          expect(t.columns).toEqual(names);
          expect(t.rows).toBe(rows);
          expect(Array.from(t.data)).toEqual(table.flat());
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('splits x and y by target, selects columns, reads headerless files and bytes with a BOM', () => {
    const text = 'a,b,label\n1,2,0\n3,4,1\n\n5,6,1\n';
    const { x, y, columns, targetColumns } = loadCsv(text, { target: 'label' });
    expect(columns).toEqual(['a', 'b']);
    expect(targetColumns).toEqual(['label']);
    expect(x.shape).toEqual([3, 2]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(y!.dataSync())).toEqual([0, 1, 1]);
    const sel = loadCsv(text, { columns: ['label', 'a'] });
    expect(Array.from(sel.x.dataSync())).toEqual([0, 1, 1, 3, 1, 5]);
    expect(sel.y).toBeUndefined();
    const raw = parseCsv(new TextEncoder().encode('\ufeff7;8\n9;1e3\n'), { header: false });
    expect(raw.columns).toEqual(['0', '1']);
    expect(Array.from(raw.data)).toEqual([7, 8, 9, 1000]);
    expect(Array.from(parseCsv('v\nnan\n-inf\n NA \n', { missing: 'nan' }).data)).toEqual([NaN, -Infinity, NaN]);
    tf.dispose([x, y!, sel.x]);
  });

  it('ragged rows, non-numeric cells and broken quotes give a FormatError with row and column', () => {
    const cases: [string, RegExp][] = [
      ['a,b\n1,2\n3\n', /data\.csv: row 3 has 1 fields \(expected 2 fields \(as the header\), got 1: "3"\)/],
      ['a,b\n1,2\n3,4,5\n', /row 3 has 3 fields/],
      ['a,b\n1,2\n3,x7\n', /row 3, column "b" \(2\): not a number.*got "x7"/],
      ['a,b\n1,\n', /row 2, column "b" \(2\): not a number.*missing: 'nan'/],
      ['a,b\n1,"2\n', /malformed quotes/],
      ['', /empty CSV/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseCsv(text, { name: 'data.csv' })).toThrow(FormatError);
      expect(() => parseCsv(text, { name: 'data.csv' })).toThrow(message);
    }
    const before = tf.memory().numTensors;
    expect(() => loadCsv('a,b\n1,2\n3,q\n', { target: 'b' })).toThrow(/row 3/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => parseCsv('a,b\n1,2\n', { columns: ['c'] })).toThrow(ConfigError);
    expect(() => loadCsv('a,b\n1,2\n', { target: 'z' })).toThrow(/no such target column/);
    expect(() => parseCsv(new Uint8Array([0xff, 0xfe, 0x41]))).toThrow(/not UTF-8/);
    expect(() => parseCsv('a\n1\n', { header: 'yes' } as never)).toThrow(/header/);
  });

  it('random byte mutations parse to a consistent table or throw a BasiskitError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        mutations(),
        (rows, mutate) => {
          const text = ['x,y,z', ...rows.map((r) => r.join(','))].join('\n');
          const bytes = mutate(new TextEncoder().encode(text));
          expectOnlyBasiskitErrors(() => {
            const t = parseCsv(bytes);
            expect(t.data.length).toBe(t.rows * t.columns.length);
          });
        },
      ),
      { numRuns: 600, seed: 8 },
    );
  });
});
