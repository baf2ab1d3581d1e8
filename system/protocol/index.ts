export * from './bet-text.js';
export * from './constants.js';
export * from './errors.js';
export * from './frame-decoder.js';
export * from './message-decoder.js';
export type * from './messages.js';
export * from './serializer.js';
