type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasObjectId = (value: unknown): value is Record<string, Json> & { objectId: string } => isObject(value) && typeof value.objectId === 'string';

// RFC 7396 merge patch, with the contract's rule for arrays of objects that carry an objectId: elements are
// merged by objectId (a matching element is merged recursively, a new one appended) and
// `{"objectId": X, "_delete": true}` removes element X with its whole subtree. Other arrays are replaced.
// Never mutates its inputs; 0, false and "" are values, only null deletes.
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch as Json);
  const result: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (Array.isArray(value) && value.length > 0 && value.every(hasObjectId)) {
      result[key] = mergeById(Array.isArray(result[key]) ? result[key] : [], value);
    } else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function mergeById(current: Json[], patch: Array<Record<string, Json> & { objectId: string }>): Json[] {
  const result = current.map((element) => structuredClone(element));
  for (const element of patch) {
    const index = result.findIndex((candidate) => hasObjectId(candidate) && candidate.objectId === element.objectId);
    if (element._delete === true) {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = mergePatch(result[index], element);
    else result.push(mergePatch({}, element));
  }
  return result;
}
