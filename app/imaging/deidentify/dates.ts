// Dates under the Retain Longitudinal Temporal Information with Modified Dates option, as this
// workstation applies it: year and month are kept, the day becomes 01, times become 000000.

/** How dates are treated: `yearMonth` is the Modified Dates option (the default); `remove` applies the Basic Profile alone. */
export type DatePolicy = 'yearMonth' | 'remove';

const dateParts = /^(\d{4})\.?(\d{2})\.?(\d{2})$/;
const validMonth = (month: string) => Number(month) >= 1 && Number(month) <= 12;

/** DA `YYYYMMDD` (or ACR-NEMA `YYYY.MM.DD`) -> `YYYYMM01`; a range keeps its form. Undefined if not a date. */
export function yearMonthDate(value: string): string | undefined {
  if (value.includes('-')) {
    const parts = value.split('-').map((part) => (part === '' ? '' : yearMonthDate(part)));
    return parts.some((part) => part === undefined) ? undefined : parts.join('-');
  }
  const match = dateParts.exec(value.trim());
  if (!match || !validMonth(match[2]!)) return undefined;
  return `${match[1]}${match[2]}01`;
}

/** DT -> `YYYYMM01` (time and UTC offset dropped), or `YYYY` when only the year is given. Undefined if not a date-time. */
export function yearMonthDateTime(value: string): string | undefined {
  const match = /^(\d{4})(\d{2})?/.exec(value.trim());
  if (!match) return undefined;
  if (match[2] === undefined) return /^\d{4}([+-]\d{4})?$/.test(value.trim()) ? match[1] : undefined;
  return validMonth(match[2]) ? `${match[1]}${match[2]}01` : undefined;
}

/** TM -> `000000`: the time of day is not kept. Undefined if the value is not a time. */
export function zeroTime(value: string): string | undefined {
  return /^\d{2}(:?\d{2}(:?\d{2}(\.\d{1,6})?)?)?$/.test(value.trim()) ? '000000' : undefined;
}

/** The modified value of a DA, DT or TM value, or undefined when it cannot be read as one. */
export function modifiedTemporalValue(vr: string, value: string): string | undefined {
  if (vr === 'DA') return yearMonthDate(value);
  if (vr === 'DT') return yearMonthDateTime(value);
  if (vr === 'TM') return zeroTime(value);
  return undefined;
}
