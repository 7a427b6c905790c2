import { z } from 'zod';

export const MAX_GENERATED_PLANS = 100_000;
const rotateEvery = z.number().int().min(1).max(1_000_000).default(1);

// Where /feed bodies come from (the body of PUT /admin/feed, or PROVIDER_SIM_FEED and friends):
//   rotation   the fixture files in name order, the next one every rotate_every feed requests, wrapping round
//   fixture    one fixture file, every time
//   generated  a deterministic feed of `plans` plans from `seed`; every rotate_every requests a new version
//              in which vary_share of the plans changed (0: the same bytes forever)
export const feedSettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('rotation'), rotate_every: rotateEvery }).strict(),
  z.object({ mode: z.literal('fixture'), fixture: z.string().min(1).max(100) }).strict(),
  z
    .object({
      mode: z.literal('generated'),
      plans: z.number().int().min(1).max(MAX_GENERATED_PLANS),
      seed: z.number().int().min(0).max(0xffffffff).default(1),
      vary_share: z.number().min(0).max(1).default(0),
      rotate_every: rotateEvery,
    })
    .strict(),
]);

export type FeedSetting = z.infer<typeof feedSettingSchema>;
export type FeedSettingInput = z.input<typeof feedSettingSchema>;
