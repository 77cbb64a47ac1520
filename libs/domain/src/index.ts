// Duban's domain: pure deciders and the working-day calendar (no Nest, no I/O).
export * from './decider';
export * from './closure-loop';
export * from './task';
export * from './issue';
export * from './calendar';
export * from './units';
export * from './park';
export * from './target';
export * from './ladder';
export * from './period';
