export { createRing, ringStats, RingConsumer, RingProducer, type RingDescriptor, type RingStats, type RecordHandler } from './spsc.ts';
export { createDoorbell, Doorbell } from './doorbell.ts';
export { memoryOf, type Memory } from './memory.ts';
export type { RingPolicy } from './layout.ts';
