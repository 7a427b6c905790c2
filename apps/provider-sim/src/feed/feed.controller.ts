import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRoute } from '@app/common';
import { FeedResponder } from './feed-responder.service';

// Development and test stand-in for the provider's XML feed (never deploy it as a real provider). Each request
// gets the next fixture of the rotation (fixtures/README.md says what each one changes), one pinned fixture,
// or a generated feed of N plans, with optional validators (ETag, Last-Modified) and 304s, unless a fault
// from the configuration or PUT /admin/faults answers instead.
@Controller('feed')
export class FeedController {
  constructor(private readonly responder: FeedResponder) {}

  @Get()
  @PublicRoute()
  feed(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.responder.respond(request, reply);
  }
}
