/** The end of a switch over a union of literals: a new member fails the type check here (the app's copy of the domain's, which the app may import only as types). */
export function throwIllegalValue(value: never, what = 'value'): never {
  throw new Error(`illegal ${what}: ${JSON.stringify(value)}`);
}
