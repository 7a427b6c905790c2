const OPAQUE_KEYS = new WeakMap<object, string[]>();

// A payload property that carries a client's JSON as it came (a plan document, a patch). The receiver validates it
// itself (core: the plan schema with ajv, assertSafeJson), so the validation pipe only checks that it is present
// (its own decorators, e.g. @IsDefined) and neither copies nor walks it: class-transformer would copy the whole
// document, field by field, for every write.
export function OpaqueJson(): PropertyDecorator {
  return (prototype, key) => {
    OPAQUE_KEYS.set(prototype.constructor, [...(OPAQUE_KEYS.get(prototype.constructor) ?? []), String(key)]);
  };
}

export function opaqueJsonKeys(type: unknown): readonly string[] {
  return (typeof type === 'function' && OPAQUE_KEYS.get(type)) || [];
}
