/**
 * Layer: types. Picks the builder for a RivetType; the storage layout of each
 * canonical type is decided here and nowhere else.
 */
import { DecimalBuilder, FixedBytesBuilder, Int64Builder, NumberBuilder } from './fixed-builders.js';
import { ListBuilder } from './list-builder.js';
import type { RivetType } from './rivet-type.js';
import { VarBuilder } from './var-builder.js';

export type ColumnBuilder =
  | NumberBuilder<'bool' | 'int16' | 'int32' | 'float32' | 'float64'>
  | Int64Builder
  | DecimalBuilder
  | FixedBytesBuilder
  | VarBuilder
  | ListBuilder<ColumnBuilder>;

/** A list column whose elements are built by any column builder. */
export type ColumnListBuilder = ListBuilder<ColumnBuilder>;

export function createBuilder(type: RivetType): ColumnBuilder {
  switch (type.kind) {
    case 'bool':
      return new NumberBuilder('bool');
    case 'int16':
      return new NumberBuilder('int16');
    case 'int32':
    case 'date':
      return new NumberBuilder('int32');
    case 'float32':
      return new NumberBuilder('float32');
    case 'float64':
      return new NumberBuilder('float64');
    case 'int64':
    case 'time':
    case 'timestamp':
      return new Int64Builder();
    case 'decimal':
      return new DecimalBuilder(type.precision, type.scale);
    case 'uuid':
      return new FixedBytesBuilder(16);
    case 'utf8':
    case 'binary':
    case 'json':
    case 'interval':
    case 'enum':
      return new VarBuilder();
    case 'list':
      return new ListBuilder<ColumnBuilder>(createBuilder(type.item));
  }
}
