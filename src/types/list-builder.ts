/**
 * Layer: types. Builder for one-dimensional list columns: int32 offsets into a child
 * column built by any other builder; NULL elements live in the child's validity.
 */

import type { ColumnData } from './column-data.js';
import { ValidityBuilder } from './validity-builder.js';

/** What a list needs of its element builder (any column builder qualifies). */
export interface ChildBuilder {
  readonly length: number;
  appendNull(): void;
  byteSize(): number;
  finish(): ColumnData;
}

export class ListBuilder<C extends ChildBuilder = ChildBuilder> {
  readonly child: C;
  offsets = new Int32Array(1025);
  length = 0;
  readonly #validity = new ValidityBuilder();

  constructor(child: C) {
    this.child = child;
  }

  /** Call after appending this list's elements to `child`. */
  closeList(): void {
    this.#reserve();
    this.offsets[++this.length] = this.child.length;
  }

  appendNull(): void {
    this.#reserve();
    this.#validity.setNull(this.length, this.offsets.length - 1);
    this.offsets[++this.length] = this.child.length;
  }

  byteSize(): number {
    return this.length * 4 + this.child.byteSize();
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const data: ColumnData = {
      layout: 'list',
      length: this.length,
      offsets: this.offsets.subarray(0, this.length + 1),
      child: this.child.finish(),
      validity,
      nullCount,
    };
    this.length = 0;
    return data;
  }

  #reserve(): void {
    if (this.length + 1 < this.offsets.length) return;
    const next = new Int32Array(this.offsets.length * 2);
    next.set(this.offsets);
    this.offsets = next;
    this.#validity.reserve(next.length - 1);
  }
}
