import type { FirmwareField } from '../headend/records.js';
import type { ReleaseKind } from './release.js';

/** The guide's standard installation orders. */
export const INSTALLATION_ORDERS = ['single-headend', 'dual-headend', 'japan'] as const;

/** One of {@link INSTALLATION_ORDERS}. */
export type InstallationOrder = (typeof INSTALLATION_ORDERS)[number];

/** What one step of an installation order does. */
export type OrderAction =
  | 'headendUpgrade'
  | 'import'
  | 'uscUpgrade'
  | 'collectorCode'
  | 'collectorRadio'
  | 'concentratorTool'
  | 'activateConcentrators'
  | 'download';

/** One step of a standard installation order. */
export interface OrderStep {
  /** Stable id (`meter-module`, `collector-code` …). */
  readonly id: string;
  /** The guide's name of the step. */
  readonly name: string;
  /** What it does. */
  readonly action: OrderAction;
  /** Kind of device a download step upgrades. */
  readonly kind?: ReleaseKind;
  /** Firmware field a download step upgrades. */
  readonly field?: FirmwareField;
}

const download = (kind: ReleaseKind, field: FirmwareField, name: string): OrderStep => ({
  id: `${kind}-${field}`,
  name,
  action: 'download',
  kind,
  field,
});

const HEADEND: OrderStep = { id: 'headend', name: 'Head-end upgrade', action: 'headendUpgrade' };
const IMPORT: OrderStep = { id: 'import', name: 'Import firmware packages', action: 'import' };
const COLLECTOR_CODE: OrderStep = { id: 'collector-code', name: 'Collector firmware', action: 'collectorCode' };
const COLLECTOR_RADIO: OrderStep = {
  id: 'collector-radio',
  name: 'Collector radio firmware',
  action: 'collectorRadio',
};
const MESH_STEPS: readonly OrderStep[] = [
  download('router', 'module', 'Router module firmware'),
  download('router', 'dcw', 'Router DCW'),
  download('meshExtender', 'module', 'Mesh extender module firmware'),
  download('meshExtender', 'dcw', 'Mesh extender DCW'),
  download('meter', 'module', 'Meter module firmware'),
  download('meter', 'dcw', 'Meter DCW'),
  download('meter', 'metrology', 'Meter metrology firmware'),
  download('meter', 'han', 'Meter ZigBee / HAN firmware'),
];

/**
 * The guide's standard installation orders (docs/model.md, "The upgrade campaign"), as data:
 * single head-end, 12 steps; dual head-end, 17; the Japanese market, 6. Gas and water module
 * steps are not part of them: the utility places them (a plan puts them after the meters unless
 * told otherwise, water before its electric parents when it must).
 */
export const ORDER_STEPS: Readonly<Record<InstallationOrder, readonly OrderStep[]>> = {
  'single-headend': [HEADEND, IMPORT, COLLECTOR_CODE, COLLECTOR_RADIO, ...MESH_STEPS],
  'dual-headend': [
    HEADEND,
    IMPORT,
    { id: 'usc', name: 'Second head-end (USC) upgrade', action: 'uscUpgrade' },
    COLLECTOR_CODE,
    COLLECTOR_RADIO,
    download('concentrator', 'module', 'Concentrator / MCC module firmware'),
    {
      id: 'concentrator-firmware',
      name: 'Concentrator / MCC firmware (live-upgrade tool)',
      action: 'concentratorTool',
    },
    download('concentrator', 'dcw', 'Concentrator / MCC DCW'),
    { id: 'concentrator-activate', name: 'Activate concentrator / MCC firmware', action: 'activateConcentrators' },
    ...MESH_STEPS,
  ],
  japan: [
    HEADEND,
    { id: 'import', name: 'Import collector code and module firmware', action: 'import' },
    { id: 'collector-code', name: 'Collector code', action: 'collectorCode' },
    COLLECTOR_RADIO,
    download('repeater920', 'module', '920 repeater module firmware'),
    download('meter', 'module', 'Meter module firmware'),
  ],
};

/** The child-module steps a plan adds to an order: water, then gas. */
export const CHILD_STEPS: readonly OrderStep[] = [
  download('waterModule', 'module', 'Water module firmware'),
  download('gasModule', 'module', 'Gas module firmware'),
];
