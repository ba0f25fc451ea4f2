/**
 * Layer: source (seam). What `rivet check` and `rivet doctor` ask a database, read-only
 * and in short statements: server facts, the plan of the statement an export would
 * run, catalog statistics, indexes, and a small sample for the real row width.
 */
import type { ReadSpec, SourceRelation } from '../contracts/run-plan.js';
import type { ColumnSpec } from '../types/rivet-type.js';

export interface ServerFacts {
  /** `PostgreSQL 15.19`, `MariaDB 10.11.9`. */
  readonly product: string;
  /** Major × 10000 + minor × 100 + patch (PostgreSQL: its own server_version_num). */
  readonly versionNumber: number;
  readonly maxConnections: number | undefined;
  readonly connectionsInUse: number | undefined;
  /** Connections still available to Rivet (max − reserved − in use), if readable. */
  readonly freeConnections: number | undefined;
  /** A connection pooler or proxy between Rivet and the server, and how it was recognised. */
  readonly pooler: string | undefined;
  /** The server is a read replica (PostgreSQL in recovery, MySQL read_only). */
  readonly replica: boolean;
  /** Settings that decide whether long statements survive on a replica. */
  readonly replicaSettings: Readonly<Record<string, string>>;
  /** Whether this connection is encrypted. */
  readonly tls: boolean | undefined;
  /** The server's default statement timeout for this user (0: none). */
  readonly statementTimeoutMs: number | undefined;
  /** PostgreSQL `work_mem` in bytes (a sort larger than this spills to disk). */
  readonly workMemBytes: number | undefined;
}

export interface PlanFacts {
  /** The statement that was explained (values inlined or as placeholders). */
  readonly statement: string;
  /** Relations read in full (sequential scan, MySQL access type ALL). */
  readonly fullScans: readonly string[];
  /** Indexes the plan uses. */
  readonly indexes: readonly string[];
  /** The plan sorts rows. */
  readonly sorts: boolean;
  /** The plan materialises a temporary table (MySQL says so outright). */
  readonly temp: boolean;
  /** Largest rows × width the planner expects a sort, hash or materialize node to hold
   * (PostgreSQL; 0 when unknown): beyond work_mem it spills to disk. */
  readonly memoryBytes: number;
  /** The planner's row estimate of the statement. */
  readonly estimatedRows: number | undefined;
  /** The planner's average row width in bytes (PostgreSQL). */
  readonly estimatedWidth: number | undefined;
}

export interface RelationStats {
  readonly rows: number | undefined;
  readonly avgRowBytes: number | undefined;
}

export interface SampleFacts {
  readonly rows: number;
  /** Average stored bytes per row of the sample. */
  readonly avgRowBytes: number;
}

export interface ListedRelation {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'view';
}

export interface SourceDiagnostics {
  /** Tables and views of a schema (default: PostgreSQL `public`, MySQL the connection's database). */
  listRelations(schema: string | undefined): Promise<readonly ListedRelation[]>;
  server(): Promise<ServerFacts>;
  /** EXPLAIN (never ANALYZE) of the first statement a read of `spec` would run. */
  explainRead(spec: ReadSpec, pageRows: number): Promise<PlanFacts>;
  /** Catalog statistics of a table (undefined values for a query or no statistics). */
  stats(relation: SourceRelation): Promise<RelationStats>;
  /** The index whose first column is `column`, if any (tables only). */
  leadingIndex(relation: SourceRelation, column: string): Promise<string | undefined>;
  /** Reads the first `rows` rows (one LIMIT statement) and measures them. */
  sample(relation: SourceRelation, columns: readonly ColumnSpec[], rows: number): Promise<SampleFacts>;
}
