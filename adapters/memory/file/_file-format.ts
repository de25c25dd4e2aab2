import { MEMORY_SNAPSHOT_FORMAT } from 'skreaver';

/** The `format` field of a memory file. */
export const FILE_MEMORY_FORMAT = 'skreaver.memory.file';

/*
 * A memory file is a core snapshot document with its own format name, so a
 * snapshot can never be mistaken for the live file (or the other way round)
 * while the parsing, validation and key order stay the core's.
 */
const SNAPSHOT_HEAD = `{"format":"${MEMORY_SNAPSHOT_FORMAT}",`;
const FILE_HEAD = `{"format":"${FILE_MEMORY_FORMAT}",`;

/** How many bytes longer a file is than the snapshot it was made from. */
export const FILE_HEAD_EXTRA = FILE_HEAD.length - SNAPSHOT_HEAD.length;

/** The file text for a snapshot written by `formatMemorySnapshot`. */
export function toFileText(snapshot: string): string {
  if (!snapshot.startsWith(SNAPSHOT_HEAD)) {
    // formatMemorySnapshot always starts this way; anything else is a bug here.
    throw new Error(`file memory: unexpected snapshot text ${snapshot.slice(0, 40)}`);
  }
  return FILE_HEAD + snapshot.slice(SNAPSHOT_HEAD.length);
}

/**
 * The document `restore()` should read for a file's text: a memory file
 * becomes the snapshot it holds; a snapshot document and the Rust original's
 * flat `{"key":"value"}` file are read as they are. Invalid text is passed on
 * unchanged so the core's parser reports exactly what is wrong with it.
 */
export function toSnapshotText(text: string): string {
  // The file as this adapter writes it: no second parse.
  if (text.startsWith(FILE_HEAD)) return SNAPSHOT_HEAD + text.slice(FILE_HEAD.length);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
    const fields = document as Record<string, unknown>;
    // A file reformatted by hand (indented, fields reordered).
    if (fields.format === FILE_MEMORY_FORMAT) {
      return JSON.stringify({ ...fields, format: MEMORY_SNAPSHOT_FORMAT });
    }
  }
  return text;
}
