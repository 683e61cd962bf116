declare module 'spdx-expression-parse' {
  function parse(expression: string): unknown;
  export default parse;
}
declare module 'spdx-satisfies' {
  function satisfies(expression: string, allowed: string[]): boolean;
  export default satisfies;
}
