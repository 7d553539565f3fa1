/**
 * The runtimes the devnet can serve. Both start from the extracted spec-233
 * metadata and apply {@linkcode PATCHES}; they differ where subtensor changed
 * what a client signs and decodes: the transaction-extension list and the
 * commitment `Data` variants.
 *
 * - `head` (the default): today's runtime (research/sn37_update.md §5): the
 *   extensions CheckNonZeroSender, CheckSpecVersion, CheckTxVersion,
 *   CheckGenesis, CheckMortality, CheckNonce, CheckWeight,
 *   ChargeTransactionPaymentWrapper (the tip), SudoTransactionExtension,
 *   CheckShieldedTxValidity, SubtensorTransactionExtension, DrandPriority
 *   (those four empty), CheckMetadataHash; `Data` with TimelockEncrypted
 *   (134), ResetBondsFlag (135) and BigRaw (136, up to 512 bytes).
 * - `legacy`: the extensions and `Data` of the extracted spec-233 runtime
 *   itself, as subtensor had them before its 2025-08 extension change:
 *   ChargeTransactionPayment carries the tip, then the empty
 *   SubtensorSignedExtension and CommitmentsSignedExtension; `Data` ends at
 *   ShaThree256 (133). Every other patch as in `head`.
 *
 * A client must sign correctly for both: the extension lists differ in names,
 * in length and in which extension carries the tip.
 *
 * @module
 */
import { type MetadataPatch, PATCHES } from "./metadata_patches.ts";

/** The names of the devnet's runtime profiles. */
export const DEVNET_PROFILE_NAMES = ["head", "legacy"] as const;

/** A devnet runtime profile name. */
export type DevnetProfileName = typeof DEVNET_PROFILE_NAMES[number];

/** The profile a devnet serves unless told otherwise. */
export const DEFAULT_DEVNET_PROFILE: DevnetProfileName = "head";

/** One runtime profile. */
export interface DevnetProfile {
  readonly name: DevnetProfileName;
  /** One line for `--help` and the README. */
  readonly description: string;
  /** The metadata patches applied, in order. */
  readonly patches: readonly MetadataPatch[];
  /** The transaction extensions the profile's metadata lists, in order. */
  readonly extensions: readonly string[];
  /** Whether commitments have the `BigRaw` (and `TimelockEncrypted`, `ResetBondsFlag`) variants. */
  readonly bigRaw: boolean;
}

/** Patches that only today's runtime has. */
const HEAD_ONLY = new Set(["transaction-extensions", "commitments-data"]);

const COMMON_EXTENSIONS = [
  "CheckNonZeroSender",
  "CheckSpecVersion",
  "CheckTxVersion",
  "CheckGenesis",
  "CheckMortality",
  "CheckNonce",
  "CheckWeight",
];

/** Every profile by name. */
export const DEVNET_PROFILES: Readonly<Record<DevnetProfileName, DevnetProfile>> = {
  head: {
    name: "head",
    description: "today's subtensor: ChargeTransactionPaymentWrapper, SudoTransactionExtension, " +
      "CheckShieldedTxValidity, SubtensorTransactionExtension, DrandPriority; commitments with BigRaw",
    patches: PATCHES,
    extensions: [
      ...COMMON_EXTENSIONS,
      "ChargeTransactionPaymentWrapper",
      "SudoTransactionExtension",
      "CheckShieldedTxValidity",
      "SubtensorTransactionExtension",
      "DrandPriority",
      "CheckMetadataHash",
    ],
    bigRaw: true,
  },
  legacy: {
    name: "legacy",
    description: "the extracted spec-233 extensions (ChargeTransactionPayment, SubtensorSignedExtension, " +
      "CommitmentsSignedExtension) and commitment variants (no BigRaw)",
    patches: PATCHES.filter((patch) => !HEAD_ONLY.has(patch.id)),
    extensions: [
      ...COMMON_EXTENSIONS,
      "ChargeTransactionPayment",
      "SubtensorSignedExtension",
      "CommitmentsSignedExtension",
      "CheckMetadataHash",
    ],
    bigRaw: false,
  },
};

/**
 * The profile of a name.
 *
 * @throws {RangeError} for an unknown name
 */
export function devnetProfile(name: string): DevnetProfile {
  const profile = DEVNET_PROFILES[name as DevnetProfileName];
  if (profile === undefined) {
    throw new RangeError(`Unknown devnet profile "${name}": the profiles are ${DEVNET_PROFILE_NAMES.join(", ")}`);
  }
  return profile;
}
