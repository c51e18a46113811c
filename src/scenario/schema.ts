/**
 * The JSON Schema (draft 2020-12) of scenario files, published as `docs/scenario.schema.json`
 * and printed by `meshcast schema`, so editors complete and check scenarios. The loader
 * ({@link checkScenario}) is the authority; a test keeps the two in agreement.
 */
const probability = { type: 'number', minimum: 0, maximum: 1 } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const count = (min: number, max = 10_000_000): object => ({ type: 'integer', minimum: min, maximum: max });
const seed = { type: ['integer', 'string'], description: 'Root seed: an integer or a string.' } as const;

const pathLoss = {
  type: 'object',
  additionalProperties: false,
  properties: {
    frequencyMHz: { ...positive, default: 915 },
    exponent: { type: 'number', minimum: 1, maximum: 8, default: 3.3 },
    referenceDistanceM: { ...positive, default: 1 },
    shadowingSigmaDb: { type: 'number', minimum: 0, maximum: 20, default: 6 },
    fadingSigmaDb: { type: 'number', exclusiveMinimum: 0, maximum: 20, default: 4 },
    sensitivityDbm: { type: 'number', default: -100 },
  },
};
const budget = {
  type: 'object',
  additionalProperties: false,
  required: ['eirpDbm', 'rxGainDb'],
  properties: { eirpDbm: { type: 'number' }, rxGainDb: { type: 'number' } },
};

const generatorOptions: Record<string, object> = {
  line: {
    type: 'object',
    additionalProperties: false,
    required: ['meters'],
    properties: { meters: count(1), success: probability },
  },
  star: {
    type: 'object',
    additionalProperties: false,
    required: ['meters'],
    properties: { meters: count(1), success: probability },
  },
  grid: {
    type: 'object',
    additionalProperties: false,
    required: ['width'],
    properties: {
      width: count(1, 10_000),
      height: count(1, 10_000),
      success: probability,
      collector: { enum: ['centre', 'corner'] },
      spacingM: positive,
    },
  },
  randomGeometric: {
    type: 'object',
    additionalProperties: false,
    required: ['meters'],
    properties: {
      meters: count(1),
      collectors: count(1, 10_000),
      sideM: positive,
      seed,
      eirpDbm: { type: 'number' },
      pathLoss,
      minSuccess: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      neighbourTable: count(0, 1000),
    },
  },
  utility: {
    type: 'object',
    additionalProperties: false,
    properties: {
      collectors: { ...count(1, 100_000), default: 4 },
      endpointsPerCollector: { ...count(0), default: 2500 },
      seed,
      cellSideM: { ...positive, default: 3000 },
      neighbourhoodSize: { ...positive, default: 150 },
      houseSpacingM: { ...positive, default: 30 },
      ruralShare: { ...probability, default: 0.05 },
      routersPerCollector: { ...count(0, 100_000), default: 6 },
      meshExtendersPerThousand: { type: 'number', minimum: 0, maximum: 1000, default: 2 },
      gasShare: { ...probability, default: 0.3 },
      waterShare: { ...probability, default: 0.2 },
      zigbeeShare: { ...probability, default: 0.5 },
      activeHanShare: { ...probability, default: 0.2 },
      models: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['model', 'share'],
          properties: {
            model: { type: 'string', minLength: 1 },
            share: nonNegative,
            moduleFirmware: { type: 'string' },
          },
        },
      },
      radio: {
        type: 'object',
        additionalProperties: false,
        properties: { collector: budget, router: budget, meshExtender: budget, meter: budget },
      },
      pathLoss,
      minSuccess: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05 },
      neighbourTable: { ...count(0, 1000), default: 12 },
    },
  },
};

const delay = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'valueS'],
      properties: { kind: { const: 'constant' }, valueS: nonNegative },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'minS', 'maxS'],
      properties: { kind: { const: 'uniform' }, minS: nonNegative, maxS: nonNegative },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'meanS'],
      properties: { kind: { const: 'exponential' }, meanS: positive },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'meanS', 'cv'],
      properties: { kind: { const: 'lognormal' }, meanS: positive, cv: positive },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'shape', 'meanS'],
      properties: { kind: { const: 'gamma' }, shape: positive, meanS: positive },
    },
  ],
};

const stringList = { type: 'array', items: { type: 'string' } };
const versionFilter = { oneOf: [{ const: 'All' }, stringList] };

const BROADCAST = {
  type: 'object',
  additionalProperties: false,
  required: ['origins'],
  properties: {
    origins: {
      oneOf: [
        { const: 'all' },
        { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
      ],
    },
    packets: count(1),
    imageBytes: count(1, 2 ** 31 - 1),
    payloadBytes: count(1, 65_535),
    spacingS: { ...nonNegative, default: 70, description: 'Seconds between packets (> 0 unless limits is research).' },
    startS: { type: 'number' },
    maxHops: { type: 'integer', minimum: 1, default: 40, description: 'Maximum Hops: 2–40 (head-end limits).' },
    ttlS: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 300,
      description: 'Maximum TTL in seconds: 60–600 (head-end limits).',
    },
    maxSegments: { ...count(0), default: 0 },
    firstSegment: { ...count(0), default: 0 },
    targets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kinds: {
          type: 'array',
          items: {
            enum: [
              'collector',
              'router',
              'meshExtender',
              'meter',
              'gasModule',
              'waterModule',
              'concentrator',
              'repeater920',
            ],
          },
        },
        models: stringList,
        moduleFirmware: versionFilter,
        dcw: versionFilter,
        zigbeeCapable: { type: 'boolean' },
        collectors: stringList,
      },
    },
    activation: {
      oneOf: [
        { const: 'immediate' },
        { type: 'object', additionalProperties: false, required: ['atS'], properties: { atS: { type: 'number' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['at'],
          properties: { at: { type: 'string', format: 'date-time' } },
        },
      ],
    },
    epoch: { type: 'string', format: 'date-time' },
    rebootS: { ...nonNegative, default: 90 },
    version: { type: 'string', minLength: 1 },
    limits: { enum: ['headend', 'research'], default: 'headend' },
    duplicates: {
      enum: ['per-packet', 'per-origin'],
      default: 'per-packet',
      description:
        "Duplicate suppression across origins: 'per-packet' forwards each packet once; 'per-origin' forwards each collector's copy once (overlapping floods repeat packets).",
    },
  },
};

/** The scenario JSON Schema. */
export const SCENARIO_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://meshcast.dev/scenario.schema.json',
  title: 'meshcast scenario',
  description: 'A network, a radio model and a firmware broadcast campaign, optionally swept over a parameter grid.',
  type: 'object',
  additionalProperties: false,
  required: ['network', 'broadcast'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    seed,
    network: {
      oneOf: [
        ...Object.entries(generatorOptions).map(([name, options]) => ({
          type: 'object',
          additionalProperties: false,
          required: ['generator'],
          properties: { generator: { const: name }, options },
        })),
        {
          type: 'object',
          additionalProperties: false,
          required: ['file'],
          properties: {
            file: { type: 'string', description: 'A meshcast-network JSON file, relative to the scenario.' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['csv'],
          properties: {
            csv: {
              type: 'object',
              additionalProperties: false,
              required: ['devices', 'links'],
              properties: { devices: { type: 'string' }, links: { type: 'string' } },
            },
          },
        },
      ],
    },
    radio: {
      type: 'object',
      additionalProperties: false,
      properties: {
        delay,
        airtime: {
          type: 'object',
          additionalProperties: false,
          required: ['frameBytes', 'bitRateBps'],
          properties: { frameBytes: count(1, 65_535), bitRateBps: positive },
        },
        contention: {
          oneOf: [
            { enum: ['none', 'csma'] },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                channels: count(1, 1000),
                carrierSense: { type: 'boolean' },
                deferMaxS: positive,
                reads: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    intervalS: positive,
                    deadlineS: positive,
                    retries: count(0, 100),
                    beforeS: nonNegative,
                    afterS: nonNegative,
                    registerReadIntervalS: nonNegative,
                    commandIntervalS: nonNegative,
                  },
                },
                reports: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { spreadS: nonNegative, retries: count(0, 100) },
                },
              },
            },
          ],
        },
      },
    },
    handoff: {
      type: 'object',
      additionalProperties: false,
      properties: {
        wakeIntervalS: nonNegative,
        transferS: nonNegative,
        attemptSuccess: probability,
        maxAttempts: count(1, 10_000),
      },
    },
    broadcast: BROADCAST,
    concurrent: {
      type: 'array',
      maxItems: 100,
      items: BROADCAST,
      description: 'Further broadcasts sharing the air with the first pass.',
    },
    passes: { ...count(1, 100), default: 1 },
    stopAtCoverage: { ...probability, default: 1 },
    sweep: {
      type: 'object',
      additionalProperties: false,
      properties: {
        grid: {
          type: 'object',
          description: 'Values per parameter: an alias (maxHops, ttlS, spacingS, packets) or a dotted scenario path.',
          additionalProperties: { type: 'array', minItems: 1 },
        },
        replications: { ...count(1, 1_000_000), default: 1 },
      },
    },
  },
} as const;
