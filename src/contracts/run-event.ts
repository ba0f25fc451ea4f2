/**
 * Layer: contracts. Typed events the engine emits; the CLI decides how they look.
 */
export type RunEvent =
  | {
      readonly type: 'export-started';
      readonly exportName: string;
      readonly runId: string;
      readonly strategy: string;
    }
  | {
      readonly type: 'batch-read';
      readonly exportName: string;
      readonly rows: number;
      readonly totalRows: number;
    }
  | {
      readonly type: 'part-committed';
      readonly exportName: string;
      readonly path: string;
      readonly rows: number;
      readonly bytes: number;
    }
  | {
      readonly type: 'retry';
      readonly exportName: string;
      readonly attempt: number;
      readonly reason: string;
      readonly delayMs: number;
    }
  | { readonly type: 'warning'; readonly exportName: string | undefined; readonly message: string }
  /** The failure behind a failed export, for `--debug` traces. */
  | { readonly type: 'export-error'; readonly exportName: string; readonly error: unknown }
  | { readonly type: 'export-finished'; readonly exportName: string; readonly status: string };
