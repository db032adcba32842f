// Validation limits shared by the server (which enforces them) and the SDKs (which can check early).
export const LIMITS = {
  /** module, type and key: short identifiers. */
  nameMaxLength: 128,
  /** Ids listed in one target field. */
  targetListMax: 1000,
  /** Notifications in one batch request. */
  batchMax: 100,
} as const;
