/**
 * The part of js-yaml (4.x) that projectMacros.ts uses. js-yaml ships no types of its own; this declares only what
 * is called, so the compiler checks those calls.
 */
declare module 'js-yaml' {
  export interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    multi?: boolean;
    construct?: (data: unknown, tag?: string) => unknown;
  }
  export class Type {
    constructor(tag: string, options: TypeOptions);
  }
  export class Schema {
    extend(types: Type[]): Schema;
  }
  export const DEFAULT_SCHEMA: Schema;
  export interface LoadOptions {
    schema?: Schema;
    json?: boolean;
    filename?: string;
  }
  export function load(text: string, options?: LoadOptions): unknown;
}
