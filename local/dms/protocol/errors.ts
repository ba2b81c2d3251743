/**
 * The errors the emulator answers with, named as DMS names them (the API model's fault shapes, plus the generic AWS
 * errors DMS returns for bad parameters and throttling). Each becomes `{"__type": ..., "message": ...}` on the wire.
 */
import { AwsServiceError } from '../../http/service.ts';

const fault =
  (type: string, statusCode = 400) =>
  (message: string): AwsServiceError =>
    new AwsServiceError(type, message, statusCode);

export const resourceNotFound = fault('ResourceNotFoundFault');
export const resourceAlreadyExists = fault('ResourceAlreadyExistsFault');
export const invalidResourceState = fault('InvalidResourceStateFault');
export const resourceQuotaExceeded = fault('ResourceQuotaExceededFault');
export const storageQuotaExceeded = fault('StorageQuotaExceededFault');
export const insufficientCapacity = fault('InsufficientResourceCapacityFault');
export const subnetGroupTooFewAzs = fault('ReplicationSubnetGroupDoesNotCoverEnoughAZs');
/** A parameter's value breaks a service rule (enum, identifier, range, settings document). */
export const invalidParameterValue = fault('InvalidParameterValueException');
/** Two parameters that cannot be given together. */
export const invalidParameterCombination = fault('InvalidParameterCombinationException');
/** The request does not match the operation's shape (unknown or missing members). */
export const validationError = fault('ValidationException');
/** A member has the wrong JSON type. */
export const serializationError = fault('SerializationException');
export const throttling = fault('ThrottlingException');
export const internalFailure = fault('InternalFailure', 500);
export const serviceUnavailable = fault('ServiceUnavailable', 503);
export const unknownOperation = fault('UnknownOperationException');
export const notImplemented = fault('InvalidAction');
/** DMS's one fault name without the `Fault` suffix. */
export const invalidSubnet = (subnetId: string): AwsServiceError =>
  new AwsServiceError('InvalidSubnet', `The subnet ID ${subnetId} is not a valid subnet identifier`);
