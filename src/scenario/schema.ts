import { count, nonNegative, positive, probability, seed } from '../json-schema.js';
import { PACKAGE_TYPES } from '../headend/catalogue.js';
import { BROADCAST_TYPES, LICENCES, SECURITY_MODES, UNICAST_COMMANDS } from '../headend/commands.js';
import { ENCRYPTION_MODES } from '../headend/headend.js';
import { STATUSES } from '../headend/records.js';
import { DEVICE_KINDS } from '../network/device.js';
import { GENERATORS } from '../network/generators/registry.js';
import { INSTALLATION_ORDERS } from '../workflow/orders.js';
import { RELEASE_KINDS } from '../workflow/release.js';

/**
 * The JSON Schema (draft 2020-12) of scenario files, published as `docs/scenario.schema.json`
 * and printed by `meshcast schema`, so editors complete and check scenarios. The loader
 * ({@link checkScenario}) is the authority; a test keeps the two in agreement.
 */
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
    maxHops: {
      oneOf: [
        { type: 'integer', minimum: 1 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['maxLayerPlus'],
          properties: { maxLayerPlus: { type: 'integer', minimum: 0 } },
        },
      ],
      default: 40,
      description:
        "Maximum Hops: 2–40 (head-end limits), or { maxLayerPlus: n }: the origins' deepest Max. Layer plus n " +
        "(the guide's setting is n = 1).",
    },
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
            enum: [...DEVICE_KINDS],
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
      default: 'per-origin',
      description:
        "Duplicate suppression across origins: 'per-origin' (each collector's copy is its own message, " +
        "as in the field: overlapping floods repeat packets) or 'per-packet' (one multi-source flood).",
    },
  },
};

const version = { type: 'string', pattern: '^(\\d+(\\.\\d+)*|\\d\\dx)$' };
const versionList = { type: 'array', minItems: 1, items: version };
const commandActivation = {
  oneOf: [
    { const: 'now' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['at'],
      properties: { at: { type: 'string', format: 'date-time' } },
    },
  ],
};
const PACKAGE = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'version'],
  properties: {
    type: {
      enum: [...PACKAGE_TYPES],
    },
    version,
    models: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    imageBytes: count(1, 2 ** 31 - 1),
    packets: count(1),
    compatibleModuleFirmware: versionList,
    compatibleDcw: versionList,
  },
};
const GROUP_SELECTOR = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoints: { type: 'array', minItems: 1, items: { type: 'string' } },
    collectors: stringList,
    models: stringList,
    kinds: { type: 'array', items: { enum: [...DEVICE_KINDS] } },
    moduleFirmware: { type: 'array', items: version },
    dcw: { type: 'array', items: version },
    statuses: { type: 'array', items: { enum: [...STATUSES] } },
  },
};
const UNICAST = {
  type: 'object',
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: {
      enum: [...UNICAST_COMMANDS],
    },
    group: { type: 'string' },
    endpoints: { type: 'array', minItems: 1, items: { type: 'string' } },
    type: { enum: BROADCAST_TYPES.filter((t) => t !== 'smallDcw') },
    version,
    activation: commandActivation,
  },
};
const HEADEND = {
  type: 'object',
  additionalProperties: false,
  description:
    "An operator's day on the head-end: its set-up and the commands run in order (required but in a campaign " +
    'scenario, whose campaign runs the commands).',
  properties: {
    catalogue: {
      oneOf: [
        { type: 'array', items: PACKAGE },
        {
          type: 'object',
          additionalProperties: false,
          required: ['packages'],
          properties: { packages: { type: 'array', items: PACKAGE } },
        },
      ],
    },
    records: {
      type: 'object',
      additionalProperties: false,
      properties: {
        staleShare: { ...probability, default: 0 },
        seed,
        statuses: {
          type: 'object',
          additionalProperties: false,
          properties: { Configure: probability, Discovered: probability, Inactive: probability },
        },
        collectors: { type: 'object', additionalProperties: { enum: [...STATUSES] } },
      },
    },
    licences: { type: 'array', items: { enum: [...LICENCES] } },
    securityMode: { enum: [...SECURITY_MODES], default: 'four-groups' },
    encryptionMode: { enum: [...ENCRYPTION_MODES], default: 'Standard' },
    groups: { type: 'object', additionalProperties: GROUP_SELECTOR },
    epoch: { type: 'string', format: 'date-time' },
    payloadBytes: { ...count(1, 65_535), default: 100 },
    timing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        headendS: { ...nonNegative, default: 15 },
        hop: delay,
        retries: { ...count(0, 100), default: 3 },
        executeS: { ...nonNegative, default: 5 },
        timeoutS: { ...positive, default: 300 },
        groupTtlS: { type: 'number', minimum: 60, maximum: 600, default: 300 },
        rebootS: { ...nonNegative, default: 90 },
        hanPerCollector: { ...count(1, 100_000), default: 20 },
        hanRetries: { ...count(0, 100), default: 2 },
        reconfigureMessages: { ...count(1, 1000), default: 6 },
        reconfigurePerCollector: { ...count(1, 100_000), default: 20 },
        collectorDownloadS: { ...nonNegative, default: 1800 },
        collectorsAtOnce: { ...count(1, 100_000), default: 50 },
      },
    },
    commands: {
      type: 'array',
      minItems: 0,
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          broadcast: {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'version', 'zigbee', 'moduleFirmware', 'collectors'],
            properties: {
              type: { enum: [...BROADCAST_TYPES, 'hanInitialization'] },
              version,
              model: { type: 'string' },
              zigbee: { enum: ['yes', 'no'] },
              moduleFirmware: { oneOf: [{ const: 'All' }, version, versionList] },
              dcw: { oneOf: [{ const: 'All' }, version, versionList] },
              collectors: { oneOf: [{ const: 'all' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
              groups: stringList,
              maxHops: BROADCAST.properties.maxHops,
              ttlS: { type: 'number', minimum: 60, maximum: 600, default: 300 },
              maxSegments: { ...count(0), default: 0 },
              spacingS: { ...positive, default: 70 },
              activation: commandActivation,
            },
          },
          repeat: { ...count(1, 100), default: 1 },
          group: UNICAST,
          pointToPoint: UNICAST,
          defineGroup: {
            ...GROUP_SELECTOR,
            required: ['name'],
            properties: { name: { type: 'string', minLength: 1 }, ...GROUP_SELECTOR.properties },
          },
          waitS: nonNegative,
        },
      },
    },
    show: { type: 'array', maxItems: 100, items: { type: 'string' } },
  },
} as const;

const RELEASE_TARGET = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  minProperties: 2,
  properties: {
    kind: { enum: [...RELEASE_KINDS] },
    model: { type: 'string', minLength: 1 },
    module: version,
    dcw: version,
    metrology: version,
    han: version,
  },
};
const CAMPAIGN = {
  type: 'object',
  additionalProperties: false,
  required: ['release'],
  description:
    "An upgrade campaign: a release planned in one of the guide's installation orders and run through the head-end.",
  properties: {
    order: { enum: [...INSTALLATION_ORDERS], default: 'single-headend' },
    release: {
      type: 'object',
      additionalProperties: false,
      required: ['targets'],
      properties: {
        headend: version,
        collectorCode: version,
        collectorRadio: version,
        concentratorFirmware: version,
        targets: { type: 'array', items: RELEASE_TARGET },
        packages: HEADEND.properties.catalogue,
      },
    },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxHopsOverLayer: { ...count(1, 38), default: 1 },
        ttlS: { type: 'number', minimum: 60, maximum: 600, default: 60 },
        grouping: { enum: ['two-mile', 'all'], default: 'two-mile' },
        passes: { ...count(1, 100), default: 4 },
        remainderGoal: { ...probability, default: 0.02 },
        spacingS: { ...positive, default: 70 },
        repeat: { enum: ['full', 'selective'], default: 'full' },
        repeatSample: { ...count(1, 10_000), default: 20 },
      },
    },
    childModules: { enum: ['after-meters', 'before-meters'], default: 'after-meters' },
    seeding: { type: 'boolean', default: true },
    concentratorFirmware: version,
    timing: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        [
          ['headendUpgradeS', 14_400],
          ['uscUpgradeS', 14_400],
          ['importS', 900],
          ['collectorCodeS', 1800],
          ['concentratorToolS', 600],
          ['activateConcentratorsS', 900],
          ['restartS', 1800],
          ['settingS', 300],
        ].map(([k, d]): [string, object] => [String(k), { ...nonNegative, default: d }]),
      ),
    },
  },
} as const;

/** The scenario JSON Schema. */
export const SCENARIO_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://meshcast.dev/scenario.schema.json',
  title: 'meshcast scenario',
  description: 'A network, a radio model and a firmware broadcast campaign, optionally swept over a parameter grid.',
  type: 'object',
  additionalProperties: false,
  required: ['network'],
  oneOf: [{ required: ['broadcast'] }, { required: ['headend'] }],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    seed,
    network: {
      oneOf: [
        ...Object.entries(GENERATORS).map(([name, g]) => ({
          type: 'object',
          additionalProperties: false,
          required: ['generator'],
          properties: { generator: { const: name }, options: g.schema },
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
              },
            },
          ],
        },
      },
    },
    traffic: {
      type: 'object',
      additionalProperties: false,
      description: 'AMI traffic sharing the air with the broadcasts (needs radio.contention).',
      properties: {
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
    headend: HEADEND,
    campaign: CAMPAIGN,
    concurrent: {
      type: 'array',
      maxItems: 100,
      items: BROADCAST,
      description: 'Further broadcasts sharing the air with the first pass.',
    },
    passes: { ...count(1, 100), default: 1 },
    stopAtCoverage: { ...probability, default: 1 },
    groups: {
      oneOf: [
        { const: 'two-mile' },
        {
          type: 'array',
          minItems: 1,
          items: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        },
      ],
      description:
        "Broadcast in groups of collectors, one after another: 'two-mile' (none within 2 miles of another " +
        'share a broadcast) or lists of collector ids.',
    },
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
