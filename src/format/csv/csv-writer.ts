/**
 * Layer: format/csv. RFC 4180 CSV from columnar batches: a header row, `,` separators,
 * LF record ends, quoting on `,` `"` CR LF. NULL is an empty unquoted cell and the
 * empty string is `""`, so the two stay distinct. Text bytes are copied, never decoded.
 */
import { type Batch, type ColumnData, isValid } from '../../types/column-data.js';
import type { ColumnSpec, RivetType } from '../../types/rivet-type.js';
import type { ByteSink, Format, FormatWriter } from '../format.js';
import { listJson } from './csv-list-json.js';
import { CsvOutput } from './csv-output.js';
import { int64Words, scalarText } from './csv-values.js';

export const csvFormat: Format = {
  kind: 'csv',
  open: async (sink, columns) => new CsvWriter(sink, columns),
};

type CellWriter = (row: number) => void;

const EMPTY = Buffer.alloc(0);
const FLUSH_BYTES = 1 << 20;

class CsvWriter implements FormatWriter {
  readonly #sink: ByteSink;
  readonly #columns: readonly ColumnSpec[];
  readonly #out = new CsvOutput();
  #rows = 0;
  #headerWritten = false;
  bytesWritten = 0;

  constructor(sink: ByteSink, columns: readonly ColumnSpec[]) {
    this.#sink = sink;
    this.#columns = columns;
  }

  async write(batch: Batch): Promise<void> {
    if (!this.#headerWritten) this.#header();
    const out = this.#out;
    const cells = batch.columns.map((column, i) => cellWriter(this.#columns[i]!.type, column, out));
    const validity = batch.columns.map((c) => c.validity);
    const last = cells.length - 1;
    for (let row = 0; row < batch.length; row++) {
      for (let c = 0; c <= last; c++) {
        if (isValid(validity[c]!, row)) cells[c]!(row);
        out.separator(c === last);
      }
      out.settle();
      // Bounded output buffer: hand over ~1 MB at a time.
      if (out.pos >= FLUSH_BYTES) await this.#flush();
    }
    this.#rows += batch.length;
    await this.#flush();
  }

  async finish(): Promise<{ rows: number }> {
    if (!this.#headerWritten) this.#header();
    await this.#flush();
    return { rows: this.#rows };
  }

  abort(): void {
    this.#out.pos = 0;
  }

  #header(): void {
    this.#columns.forEach((c, i) => {
      this.#out.textField(c.name);
      this.#out.separator(i === this.#columns.length - 1);
    });
    this.#headerWritten = true;
  }

  async #flush(): Promise<void> {
    this.bytesWritten += await this.#out.flushTo((chunk) => this.#sink.write(chunk));
  }
}

function cellWriter(type: RivetType, column: ColumnData, out: CsvOutput): CellWriter {
  if (column.layout === 'var' && type.kind !== 'binary') {
    const { data, offsets } = column;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return (row) => out.field(bytes, offsets[row]!, offsets[row + 1]!);
  }
  if (column.layout === 'list' && type.kind === 'list') {
    return (row) => out.textField(listJson(type.item, column, row));
  }
  const words = column.layout === 'int64' ? int64Words(column) : undefined;
  return (row) => {
    const text = scalarText(type, column, row, words)!;
    // An empty rendering (zero-length bytea) must stay distinct from NULL.
    if (text === '') out.field(EMPTY, 0, 0);
    else out.ascii(text);
  };
}
