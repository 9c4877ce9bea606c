// Types of the hyparquet modules the restore reads pages with (the package exports ./src/*.js
// and ships their declarations under types/, which the project's module resolution does not map).
declare module 'hyparquet/src/column.js' {
  export * from 'hyparquet/types/column';
}
declare module 'hyparquet/src/datapage.js' {
  export * from 'hyparquet/types/datapage';
}
declare module 'hyparquet/src/convert.js' {
  export * from 'hyparquet/types/convert';
}
declare module 'hyparquet/src/plain.js' {
  export * from 'hyparquet/types/plain';
}
declare module 'hyparquet/src/schema.js' {
  export * from 'hyparquet/types/schema';
}
declare module 'hyparquet/src/types.js' {
  export type { ColumnDecoder } from 'hyparquet/src/types';
}
declare module 'hyparquet/src/encoding.js' {
  export * from 'hyparquet/types/encoding';
}
