export * from './command-executor';
export * from './units';
export * from './streams';
export * from './nest/messages';
export * from './write-gate';
