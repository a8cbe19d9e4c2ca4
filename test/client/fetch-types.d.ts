/**
 * The generated client (test/client/generated) is written against the DOM's fetch types; Node's own fetch
 * (undici, typed by @types/node) has them all but for the global `BodyInit`, given here from undici's types.
 */
declare global {
  type BodyInit = import('undici-types').BodyInit;
}

export {};
