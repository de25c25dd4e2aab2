export { exceedsUtf8Bytes, utf8ByteLength } from './utf8.js';
