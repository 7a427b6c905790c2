import { SaxesParser } from 'saxes';

export interface ParsedPlan {
  attributes: Record<string, string>;
  zones: Array<Record<string, string>>;
}

export interface ParsedBasePlan {
  attributes: Record<string, string>;
  plans: ParsedPlan[];
}

export interface ParsedFeed {
  hasOutput: boolean;
  basePlans: ParsedBasePlan[];
  plans: number;
}

// A strict parse of a provider feed for assertions: throws on XML that is not well-formed or is cut short.
export function parseFeed(xml: string | Buffer): ParsedFeed {
  const parser = new SaxesParser();
  const feed: ParsedFeed = { hasOutput: false, basePlans: [], plans: 0 };
  parser.on('opentag', (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    if (tag.name === 'output') feed.hasOutput = true;
    if (tag.name === 'base_plan') feed.basePlans.push({ attributes, plans: [] });
    if (tag.name === 'plan') {
      feed.basePlans.at(-1)!.plans.push({ attributes, zones: [] });
      feed.plans += 1;
    }
    if (tag.name === 'zone') feed.basePlans.at(-1)!.plans.at(-1)!.zones.push(attributes);
  });
  parser.write(typeof xml === 'string' ? xml : xml.toString('utf8')).close();
  return feed;
}
