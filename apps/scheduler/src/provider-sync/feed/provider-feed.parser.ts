import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import { MalformedFeedError } from '../feed-processor.port';

export type RawAttributes = Record<string, string>;

// One <plan> as the feed wrote it (attribute strings, unchecked), with its base plan's attributes.
export interface RawPlan {
  basePlan: RawAttributes;
  plan: RawAttributes;
  zones: RawAttributes[]; // in feed order, at most MAX_ZONES_PER_PLAN
  zonesDropped: number; // zones past MAX_ZONES_PER_PLAN (the plan is then invalid)
}

// Bounds one plan's memory whatever the feed holds.
export const MAX_ZONES_PER_PLAN = 1000;

// The element path planList > output > base_plan > plan > zone, by depth.
const PATH = ['planList', 'output', 'base_plan', 'plan', 'zone'];

// Streams <plan> elements out of the feed's bytes, chunk by chunk: the next chunk is read only once the
// consumer has taken every plan of the previous one, so memory holds one chunk's plans (plus whatever the
// consumer keeps), never the feed. Each <plan> is yielded on its own with its <base_plan>'s attributes,
// however many plans a base plan holds (one and many alike). Elements elsewhere are ignored.
// Throws MalformedFeedError for a body that is not well-formed XML (malformed, truncated, empty) or is not a
// <planList> with an <output>; an error of the body stream itself (network) is passed on unchanged.
// No DTD is read and no external entity resolved (saxes does neither).
export async function* parseProviderFeed(body: AsyncIterable<Buffer | string>): AsyncGenerator<RawPlan> {
  const parser = new SaxesParser({ xmlns: false });
  const decoder = new StringDecoder('utf8');
  const open: string[] = [];
  let sawOutput = false;
  let basePlan: RawAttributes | null = null;
  let plan: RawPlan | null = null;
  let ready: RawPlan[] = [];

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const depth = open.length;
    const onPath = depth < PATH.length && open.every((name, i) => name === PATH[i]);
    if (depth === 0 && tag.name !== PATH[0]) throw new MalformedFeedError(`the root element is <${tag.name}>, not <planList>`);
    open.push(tag.name);
    if (!onPath || tag.name !== PATH[depth]) return;
    // saxes gives every tag a fresh attributes object (without a prototype), so it is kept as it is.
    if (depth === 1) sawOutput = true;
    else if (depth === 2) basePlan = tag.attributes;
    else if (depth === 3) plan = { basePlan: basePlan!, plan: tag.attributes, zones: [], zonesDropped: 0 };
    else if (depth === 4 && plan) {
      if (plan.zones.length < MAX_ZONES_PER_PLAN) plan.zones.push(tag.attributes);
      else plan.zonesDropped += 1;
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    open.pop();
    if (open.length === 3 && tag.name === 'plan' && plan) {
      ready.push(plan);
      plan = null;
    } else if (open.length === 2 && tag.name === 'base_plan') basePlan = null;
  });

  const feed = (text: string | null) => {
    try {
      if (text === null) parser.close();
      else if (text.length > 0) parser.write(text);
    } catch (error) {
      if (error instanceof MalformedFeedError) throw error;
      throw new MalformedFeedError(`the provider feed is not well-formed XML: ${(error as Error).message}`);
    }
  };
  const drain = () => {
    const plans = ready;
    ready = [];
    return plans;
  };

  for await (const chunk of body) {
    feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    yield* drain();
  }
  feed(decoder.end());
  feed(null);
  yield* drain();
  if (!sawOutput) throw new MalformedFeedError('the provider feed has no <planList><output>');
}
