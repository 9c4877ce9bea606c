// Types of the hyparquet-writer modules the page-layout test writes page headers with (the
// package exports ./src/*.js and ships their declarations under types/, which the project's
// module resolution does not map).
declare module 'hyparquet-writer/src/bytewriter.js' {
  export * from 'hyparquet-writer/types/bytewriter';
}
declare module 'hyparquet-writer/src/datapage.js' {
  export * from 'hyparquet-writer/types/datapage';
}
