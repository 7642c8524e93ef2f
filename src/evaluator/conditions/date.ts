/**
 * Date condition operators (reference_policies_elements_condition_operators.md, "Date condition operators"). Values
 * are "one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time"; wildcards and policy
 * variables are not permitted. Policy and request values are compared as instants (epoch milliseconds).
 *
 * Accepted ISO 8601 forms (the W3C "Date and Time Formats" note): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
 * `YYYY-MM-DDThh:mm[:ss[.s+]]TZD` with TZD `Z` or `+hh:mm`/`-hh:mm`. Dates without a time are midnight UTC.
 * [choice] A time without a zone designator (`2024-01-01T10:00:00`) is read as UTC: the W3C note requires the
 * designator, but AWS's own examples are UTC and rejecting the value would make a working policy fail to compile.
 * [choice] Text made only of digits (with an optional fraction) is epoch SECONDS, so `2020` is 1970-01-01T00:33:40Z,
 * not the year 2020; such short values, and values that look like milliseconds, draw an `ambiguous-date-value`
 * warning.
 */
import { ComparisonOperator, compileComparison } from './comparison';
import { PolicyValue, RejectValue, ValueMatcher, ValueOperator, WarnValue } from './types';

const EXPECTED = 'an ISO 8601 date such as `2024-01-31`, `2024-01-31T12:00:00Z` or `2024-01-31T12:00:00+01:00`, or epoch seconds such as `1706702400`';

/** 400 Gregorian years, in milliseconds: shifts years 0-99, which Date.UTC would read as 1900-1999. */
const FOUR_CENTURIES_MS = 146097 * 86400000;

/** Epoch seconds from this value on (about year 5138) are more likely milliseconds. */
const LIKELY_MILLISECONDS = 1e11;

/** Value of `len` decimal digits at `i`, or -1. */
function digits(s: string, i: number, len: number): number {
  if (i + len > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return year < 100
    ? Date.UTC(year + 400, month - 1, day, hour, minute, second) - FOUR_CENTURIES_MS
    : Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Epoch seconds (`digits[.digits]`) in milliseconds, or NaN when the text is not in that form. */
function parseEpoch(s: string): number {
  let dot = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot < 0 && i > 0) dot = i;
    else if (c < 48 || c > 57) return NaN;
  }
  if (s.length === 0 || dot === s.length - 1) return NaN;
  return Number(s) * 1000;
}

/** The ISO 8601 (W3C profile) forms listed in the file comment, in epoch milliseconds, or NaN. */
function parseIso(s: string): number {
  const n = s.length;
  const year = digits(s, 0, 4);
  if (year < 0) return NaN;
  if (n === 4) return utc(year, 1, 1);
  if (s[4] !== '-') return NaN;
  const month = digits(s, 5, 2);
  if (month < 1 || month > 12) return NaN;
  if (n === 7) return utc(year, month, 1);
  if (s[7] !== '-') return NaN;
  const day = digits(s, 8, 2);
  if (day < 1 || day > daysInMonth(year, month)) return NaN;
  if (n === 10) return utc(year, month, day);
  if (s[10] !== 'T' && s[10] !== 't') return NaN;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || s[13] !== ':' || minute < 0 || minute > 59) return NaN;
  let i = 16;
  let second = 0;
  let fractionMs = 0;
  if (s[i] === ':') {
    second = digits(s, i + 1, 2);
    if (second < 0 || second > 59) return NaN;
    i += 3;
    if (s[i] === '.') {
      i++;
      const start = i;
      let scale = 100;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        fractionMs += (s.charCodeAt(i) - 48) * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return NaN;
    }
  }
  let offsetMinutes = 0;
  if (i === n) {
    offsetMinutes = 0; // [choice] no zone designator: UTC (file comment)
  } else if ((s[i] === 'Z' || s[i] === 'z') && i + 1 === n) {
    offsetMinutes = 0;
  } else if ((s[i] === '+' || s[i] === '-') && i + 6 === n && s[i + 3] === ':') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMinutes = (s[i] === '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return NaN;
  }
  return utc(year, month, day, hour, minute, second) + fractionMs - offsetMinutes * 60000;
}

// One request usually tests the same aws:CurrentTime against several conditions: remember the last parse.
let lastText: string | undefined;
let lastValue = NaN;

/** A date in epoch milliseconds, or NaN when the text is neither an accepted ISO 8601 form nor epoch seconds. */
export function parseDate(s: string): number {
  if (s === lastText) return lastValue;
  const epoch = parseEpoch(s);
  const value = Number.isNaN(epoch) ? parseIso(s) : epoch;
  lastText = s;
  lastValue = value;
  return value;
}

function compileDate(operator: ComparisonOperator) {
  return (values: readonly PolicyValue[], reject: RejectValue, warn: WarnValue): ValueMatcher => {
    const instants: number[] = [];
    values.forEach((v, i) => {
      const ms = typeof v === 'string' ? parseDate(v) : NaN;
      if (Number.isNaN(ms)) {
        reject(i, EXPECTED);
        return;
      }
      instants.push(ms);
      if (typeof v === 'string' && !Number.isNaN(parseEpoch(v))) {
        const integerDigits = v.split('.')[0].length;
        if (integerDigits <= 4) {
          warn(i, 'ambiguous-date-value', `date value ${JSON.stringify(v)} is read as epoch seconds (${new Date(ms).toISOString()}), not as a year; ` +
            `write \`${v.padStart(4, '0')}-01-01T00:00:00Z\` if you meant the year`);
        } else if (ms / 1000 >= LIKELY_MILLISECONDS) {
          warn(i, 'ambiguous-date-value', `date value ${JSON.stringify(v)} is read as epoch seconds, which is far in the future; ` +
            'it looks like epoch milliseconds: divide it by 1000');
        }
      }
    });
    return compileComparison(operator, instants, parseDate);
  };
}

function dateOperator(name: string, negated: boolean, operator: ComparisonOperator): ValueOperator {
  return { kind: 'value', name, negated, acceptsVariables: false, keyTypes: ['Date'], compile: compileDate(operator) };
}

export const DATE_OPERATORS: readonly ValueOperator[] = [
  dateOperator('DateEquals', false, 'eq'),
  dateOperator('DateNotEquals', true, 'eq'),
  dateOperator('DateLessThan', false, 'lt'),
  dateOperator('DateLessThanEquals', false, 'le'),
  dateOperator('DateGreaterThan', false, 'gt'),
  dateOperator('DateGreaterThanEquals', false, 'ge'),
];
