import { count, nonNegative, positive, probability, seed } from '../../json-schema.js';

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

/** The JSON Schema of each generator's options. */
export const GENERATOR_SCHEMAS = {
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
      concentratorShare: { ...probability, default: 0 },
      routerKind: { enum: ['router', 'repeater920'], default: 'router' },
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
            dcw: { type: 'string' },
            metrology: { type: 'string' },
            han: { type: 'string' },
            programs: count(1, 10_000),
            tariffs: count(1, 10_000),
          },
        },
      },
      firmware: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          ['collector', 'router', 'meshExtender', 'gasModule', 'waterModule', 'concentrator', 'repeater920'].map(
            (k) => [
              k,
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  module: { type: 'string' },
                  dcw: { type: 'string' },
                  metrology: { type: 'string' },
                  han: { type: 'string' },
                },
              },
            ],
          ),
        ),
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
} as const;
