/**
 * Layer: engine. Everything the engine needs from the outside world, passed in by
 * the CLI's wiring; the engine never reads config, argv, the clock or stdout itself.
 */

import type { RunEvent } from '../contracts/run-event.js';
import type { DestinationPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import type { Format } from '../format/format.js';
import type { Source } from '../source/source.js';
import type { StateStore } from '../state/state.js';

export interface EngineDeps {
  /** Opens a new connection; each task owns (and closes) its own. */
  readonly openSource: () => Promise<Source>;
  readonly openDestination: (plan: DestinationPlan) => Destination;
  readonly formats: Readonly<Record<'parquet' | 'csv', Format>>;
  readonly state: StateStore;
  readonly now: () => Date;
  readonly onEvent: (event: RunEvent) => void;
  /** Peak resident set size of the process so far, in MB. */
  readonly peakRssMb: () => number;
  /** Waits between retries; injectable so tests do not sleep. */
  readonly sleep: (ms: number) => Promise<void>;
}
