/**
 * `skreaver/tools/node`: the standard tools that need Node. The file tools
 * (`file_read`, `file_write`, `directory_list`, `directory_create`) are
 * confined to the security policy's roots with real-path checks and
 * no-follow opens; the HTTP tools resolve every host once, check every
 * address and connect only to those (DNS pinning), on every redirect hop.
 * `nodeStandardTools(policy)` returns all sixteen standard tools.
 *
 * @packageDocumentation
 */
export {
  type DirectoryCreateInput,
  type DirectoryCreateOutput,
  directoryCreateTool,
} from './directory-create.js';
export {
  type DirectoryListInput,
  type DirectoryListOutput,
  directoryListTool,
  type ListedDirectory,
  type ListedFile,
} from './directory-list.js';
export { type FileReadInput, type FileReadOutput, fileReadTool } from './file-read.js';
export { type FileWriteInput, type FileWriteOutput, fileWriteTool } from './file-write.js';
export {
  nodeHttpDeleteTool,
  nodeHttpGetTool,
  nodeHttpPostTool,
  nodeHttpPutTool,
  nodeHttpTools,
} from './http.js';
export {
  fileTools,
  type NodeStandardToolsOptions,
  nodeStandardTools,
  type RegisterNodeStandardToolsOptions,
  registerNodeStandardTools,
} from './node-standard-tools.js';
export type { FileToolOptions, NodeHttpToolOptions } from './options.js';
