// A unique constraint refused a write; `constraint` names which one, so callers can say why.
export class UniqueViolationError extends Error {
  constructor(readonly constraint: string) {
    super(`unique violation: ${constraint}`);
    this.name = 'UniqueViolationError';
  }
}

export function rethrowUniqueViolation(error: unknown): never {
  const pg = (error as { driverError?: { code?: string; constraint?: string } }).driverError ?? (error as { code?: string; constraint?: string });
  if (pg?.code === '23505') throw new UniqueViolationError(pg.constraint ?? 'unknown');
  throw error;
}
