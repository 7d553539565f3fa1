/**
 * The Hugging Face stage: fetch miners' models at their exact commit (cheap checks first, resumable,
 * verified, hard-linked snapshots in the standard cache layout), check secure hashes, hold models while
 * scoring, and collect garbage.
 *
 * @module
 */
export * from "./competition_tokenizer.ts";
export * from "./errors.ts";
export * from "./fetch_model.ts";
export * from "./fetch_models.ts";
export * from "./file_digest.ts";
export * from "./file_selection.ts";
export * from "./free_disk.ts";
export * from "./gc.ts";
export * from "./gc_references.ts";
export * from "./hf_cache.ts";
export * from "./hold_model.ts";
export * from "./http_errors.ts";
export * from "./hub_client.ts";
export * from "./quarantine.ts";
export * from "./secure_hash.ts";
