/** The export cannot go on; the message is for the user as it stands (never holds the token). */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** A 200 whose body is not a whole page (cut short, garbled): worth asking for again. */
export class BadPageError extends Error {
  override name = 'BadPageError';
}
