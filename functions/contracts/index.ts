export * from './env.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './names.ts';
export * from './patterns.ts';
export * from './phases.ts';
export * from './tags.ts';
export * from './wiring.ts';
