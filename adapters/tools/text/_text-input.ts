import type { ObjectSchema } from '../_define.js';

/** The object form of the text tools that take only text. */
export const TEXT_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: { text: { type: 'string', description: 'The text to work on.' } },
  required: ['text'],
  description: 'An object with the text, or the text itself as a string.',
};
