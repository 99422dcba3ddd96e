/**
 * The company record the search endpoint returns, and its validation: the one place that decides
 * what a well-formed record is, shared by the download (before writing), the loader (after
 * reading) and the CPU task.
 */
import { InvalidRecordError, describe } from "./errors.js";

/** One search hit, as the company-search API returns it. */
export interface CompanyRecord {
  /** Unique id of the company. */
  id: number;
  /** Company name, e.g. `"Kelvara Logistics Ltd"`. */
  name: string;
  /** Path of the company's page, e.g. `"/company/K7QX2M/"`. */
  url: string;
}

/**
 * Checks that `value` is a list of company records and returns it typed. Extra fields are kept;
 * missing or mistyped ones throw an {@link InvalidRecordError} naming the first bad record.
 */
export function parseRecordList(value: unknown): CompanyRecord[] {
  if (!Array.isArray(value))
    throw new InvalidRecordError(`expected a JSON list of records, got ${describe(value)}`);
  value.forEach((item, index) => checkRecord(item, `record ${index}`));
  return value as CompanyRecord[];
}

/** Checks one record; `where` prefixes the error message (e.g. `"record 3"`). */
export function checkRecord(value: unknown, where = "record"): asserts value is CompanyRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidRecordError(`${where} is ${describe(value)}, expected an object {id, name, url}`);
  }
  const { id, name, url } = value as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isFinite(id)) {
    throw new InvalidRecordError(`${where}: "id" is ${describe(id)}, expected a number`);
  }
  checkNameAndUrl(name, url, where);
}

/** The part of the check the CPU task needs: its arithmetic only reads `name` and `url`. */
export function checkNameAndUrl(name: unknown, url: unknown, where = "record"): void {
  if (typeof name !== "string")
    throw new InvalidRecordError(`${where}: "name" is ${describe(name)}, expected a string`);
  if (typeof url !== "string")
    throw new InvalidRecordError(`${where}: "url" is ${describe(url)}, expected a string`);
}
