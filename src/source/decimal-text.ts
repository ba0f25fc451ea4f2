/**
 * Layer: source (shared by the adapters). A decimal's text (`-123.45`) into a Decimal128
 * column: exact digits or a named failure, checked against an override's precision.
 */
import { below, negate, parseDecimalText, precisionLimit } from '../types/decimal128.js';
import type { DecimalBuilder } from '../types/fixed-builders.js';
import { decimalDoesNotFit } from './value-errors.js';

export function decimalTextAppender(
  b: DecimalBuilder,
  column: string,
  checkPrecision: boolean,
): (text: string) => void {
  const limit = precisionLimit(b.precision);
  return (text) => {
    const negative = text.startsWith('-');
    const at = b.next();
    const result = parseDecimalText(negative ? text.slice(1) : text, b.scale, b.words, at);
    if (result !== 'ok' || (checkPrecision && !below(b.words, at, limit))) {
      b.undoNext();
      throw decimalDoesNotFit(column, b.precision, b.scale, text);
    }
    if (negative) negate(b.words, at);
  };
}
