export { HeadEnd, ENCRYPTION_MODES } from './headend.js';
export type {
  EncryptionMode,
  GroupSelector,
  HeadEndOptions,
  HeadEndRunOptions,
  HeadEndState,
  UnicastCommandInput,
} from './headend.js';
export { KEPT_OUTCOME_BYTES } from './outcomes.js';
export type { BroadcastOutcome, HistoryEntry, UnicastCommand, UnicastOutcome, UnicastResponse } from './outcomes.js';
export { HeadEndReports } from './reports.js';
export type {
  CommandHistoryRow,
  DownloadableCodeRow,
  DownloadSpreadPoint,
  DownloadStatus,
  FirmwareDownloadStatistics,
  FlashDownloadProgressRow,
  PerformanceInformation,
  PerformanceRow,
} from './reports.js';
export {
  formatCommandHistory,
  formatDownloadableCode,
  formatDownloadSpread,
  formatFirmwareDownloadStatistics,
  formatFlashDownloadProgress,
  formatPerformanceInformation,
} from './screens.js';
export { Catalogue, checkVersion, PACKAGE_TYPES } from './catalogue.js';
export type { CatalogueManifest, Package, PackageInput, PackageType } from './catalogue.js';
export { BROADCAST_TYPES, COMMAND_NAMES, LICENCES, SECURITY_MODES, UNICAST_COMMANDS } from './commands.js';
export type {
  BroadcastCommand,
  BroadcastCommandInput,
  BroadcastType,
  CommandActivation,
  Licence,
  SecurityMode,
  UnicastCommandType,
} from './commands.js';
export { Records, STATUSES, FIRMWARE_FIELDS } from './records.js';
export type { EndpointRecord, FirmwareField, RecordOptions, Status } from './records.js';
export { checkTiming } from './timing.js';
export type { CommandTiming, CommandTimingOptions } from './timing.js';
