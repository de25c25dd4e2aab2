/** Size and shape limits every message is checked against, sent or received. */
export interface MessageLimits {
  /**
   * Largest payload in bytes: UTF-8 bytes of a text, raw bytes of a binary,
   * UTF-8 bytes of the JSON text of a JSON value.
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxPayloadBytes?: number;
  /**
   * Largest total of header names and values, in UTF-8 bytes.
   * @defaultValue 16384
   */
  readonly maxHeaderBytes?: number;
  /**
   * Deepest nesting of arrays and objects in a JSON payload.
   * @defaultValue 64
   */
  readonly maxJsonDepth?: number;
}

/** {@link MessageLimits} with every default applied. */
export type ResolvedMessageLimits = Required<MessageLimits>;

/** The default limits. */
export const DEFAULT_MESSAGE_LIMITS: ResolvedMessageLimits = Object.freeze({
  maxPayloadBytes: 1_048_576,
  maxHeaderBytes: 16_384,
  maxJsonDepth: 64,
});
