// comlink ships types only for its UMD entry; the ESM paths we import at runtime (toolchain.md,
// "comlink") get these re-exports so tsc (NodeNext) sees the same API.
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { NodeEndpoint } from 'comlink/dist/umd/node-adapter.js';
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
