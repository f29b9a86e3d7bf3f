export * from './codec.ts';
export * from './enums.ts';
export * from './kinds.ts';
export * from './layouts.ts';
