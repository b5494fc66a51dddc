export { createDetector, type CheckOptions, type CheckRequest, type Detector, type DetectorOptions } from './detector';
export { ERRORS, type ErrorType } from './respond/errors';
export type * from './respond/types';
