/**
 * Layer: common. Suggests the closest known name for a misspelt key, flag or export.
 */
import { distance } from 'fastest-levenshtein';

/**
 * Case-insensitive edit distance within max(len/3, 2); failing that, the candidate
 * sharing the longest common substring of at least 3 characters.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(Math.floor(needle.length / 3), 2)) return best;
  let longest = 2;
  let bySubstring: string | undefined;
  for (const candidate of candidates) {
    const len = longestCommonSubstring(needle, candidate.toLowerCase());
    if (len > longest) {
      longest = len;
      bySubstring = candidate;
    }
  }
  return bySubstring;
}

function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let prevDiagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      row[j] = a[i - 1] === b[j - 1] ? prevDiagonal + 1 : 0;
      best = Math.max(best, row[j] ?? 0);
      prevDiagonal = saved;
    }
  }
  return best;
}
