// Kinds of place (core's CheckpointKind), in the order people look for them.
export const KINDS = [
  'market',
  'supermarket',
  'restaurant',
  'office',
  'school',
  'clinic',
  'lodging',
  'transport',
  'factory',
  'worship',
  'event',
  'other',
] as const;
