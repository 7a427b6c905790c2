import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'access:public';
export const SKIP_RATE_LIMIT = 'access:skip-rate-limit';

// No token needed (the contract's public routes).
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
// Operational endpoints (probes, scrapes) are not counted against anyone's rate limit.
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);
