/**
 * Competitions, evaluation tasks and their data: the schedule by block, sync blocks and seeds, a
 * CPython `random` port, the datasets-server client and the reference's loaders, score combination,
 * the sample format and chat tokenizers.
 *
 * @module
 */
export * from "./byte_level_bpe.ts";
export * from "./chat_tokenizer.ts";
export * from "./codeforces_loader.ts";
export * from "./combine_scores.ts";
export * from "./competitions.ts";
export * from "./dataset_load_error.ts";
export * from "./datasets_server.ts";
export * from "./draw_task_data.ts";
export * from "./eval_data.ts";
export * from "./hf_page_loader.ts";
export * from "./py_random.ts";
export * from "./py_str.ts";
export * from "./sample_sets.ts";
export * from "./samples.ts";
export * from "./sync_block.ts";
export * from "./synthetic_sft_loader.ts";
