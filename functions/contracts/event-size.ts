/**
 * EventBridge's limit on one PutEvents call: its entries must total less than 256 KB, each sized as the EventBridge
 * user guide's "Calculating PutEvents event entry size" says (docs/design.md §4).
 */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

export interface SizedEntry {
  readonly Time?: unknown;
  readonly Source?: string | undefined;
  readonly DetailType?: string | undefined;
  readonly Detail?: string | undefined;
  readonly Resources?: readonly string[] | undefined;
}

/** 14 bytes for a Time, and the UTF-8 bytes of Source, DetailType, Detail and each of Resources. */
export const putEventsEntryBytes = (entry: SizedEntry): number =>
  (entry.Time === undefined ? 0 : 14) +
  [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
    (total, text) => total + Buffer.byteLength(text ?? '', 'utf8'),
    0,
  );
