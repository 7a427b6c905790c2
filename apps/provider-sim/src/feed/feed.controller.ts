import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublicRoute } from '@app/common';

// Development stand-in for the provider's XML feed. The provider issue adds rotation between responses
// and injectable faults (latency, 5xx, timeouts, malformed and truncated bodies).
const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'feed-1.xml'), 'utf8');

@Controller('feed')
export class FeedController {
  @Get()
  @PublicRoute()
  @Header('Content-Type', 'application/xml; charset=utf-8')
  feed(): string {
    return FIXTURE;
  }
}
