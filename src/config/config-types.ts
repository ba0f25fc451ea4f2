/**
 * Layer: config. The typed, frozen Config the rest of Rivet sees: defaults applied,
 * secrets still as references (env names, file paths), resolved only at connect time.
 */
import type { Compression, ReadPolicy, SourceRelation } from '../contracts/run-plan.js';
import type { ResolvedTuning } from './tuning-profiles.js';

export type SourceConnection =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'url_env'; readonly name: string }
  | { readonly kind: 'url_file'; readonly path: string }
  | {
      readonly kind: 'structured';
      readonly host: string;
      readonly port: number | undefined;
      readonly user: string;
      readonly password:
        | { readonly kind: 'inline'; readonly value: string }
        | { readonly kind: 'env'; readonly name: string }
        | undefined;
      readonly database: string;
    };

export interface TlsConfig {
  readonly mode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  readonly caFile: string | undefined;
  readonly acceptInvalidCerts: boolean;
  readonly acceptInvalidHostnames: boolean;
}

export interface SourceConfig {
  readonly type: 'postgres' | 'mysql';
  readonly connection: SourceConnection;
  /** `undefined` when the file has no `tls:` block (remote hosts are then refused). */
  readonly tls: TlsConfig | undefined;
}

export type DestinationConfig =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'stdout' };

export interface ExportConfig {
  readonly name: string;
  readonly relation: SourceRelation;
  readonly mode: 'full';
  readonly format: 'parquet' | 'csv';
  readonly compression: Compression;
  readonly compressionLevel: number | undefined;
  readonly skipEmpty: boolean;
  readonly maxFileBytes: number | undefined;
  readonly destination: DestinationConfig;
  readonly columns: readonly { readonly column: string; readonly type: string }[];
  readonly rowGroupRows: number | undefined;
  readonly rowGroupBytes: number;
  readonly tuning: ResolvedTuning;
  readonly readPolicy: ReadPolicy;
}

export interface Config {
  /** Path of the config file as given, and its absolute directory (state lives there). */
  readonly path: string;
  readonly dir: string;
  readonly source: SourceConfig;
  readonly exports: readonly ExportConfig[];
  /** Non-fatal findings, each printed once. */
  readonly warnings: readonly string[];
}
