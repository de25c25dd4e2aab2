/** The tools that run anywhere, in the order `standardTools` makes them. */
export const LOCAL_TOOL_NAMES = [
  'text_uppercase',
  'text_reverse',
  'text_analyze',
  'text_search',
  'text_split',
  'json_parse',
  'json_transform',
  'xml_parse',
];

/** The HTTP tools, in the order `httpTools` and `nodeHttpTools` make them. */
export const HTTP_TOOL_NAMES = ['http_get', 'http_post', 'http_put', 'http_delete'];

/** The file tools, in the order `fileTools` makes them. */
export const FILE_TOOL_NAMES = ['file_read', 'file_write', 'directory_list', 'directory_create'];
