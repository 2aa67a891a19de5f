/**
 * Pure: spreadsheet formula injection in CSV files (the OWASP rule). A cell whose text starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return opens in a spreadsheet as a formula, so the app's CSV files write it with a
 * single quote in front (`'=HYPERLINK(…)`), which a spreadsheet shows as text. Text already starting with quotes
 * before such a character gets one more, so `parseCsv` can take exactly one off and read back the text written.
 * A number written the way JavaScript writes it (`-3.5`) is no formula and is left as it is.
 */

const FORMULA_START = /^'*[=+\-@\t\r]/;
const QUOTED_FORMULA_START = /^'+[=+\-@\t\r]/;

/** The text as a CSV cell may hold it without a spreadsheet reading a formula in it. */
export function neutraliseFormula(text: string): string {
  if (text !== '' && String(Number(text)) === text) return text;
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** What `neutraliseFormula` was given, from what it wrote (text it never wrote comes back unchanged). */
export function restoreFormula(text: string): string {
  return QUOTED_FORMULA_START.test(text) ? text.slice(1) : text;
}
