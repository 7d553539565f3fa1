/**
 * The flags of `deno task setup:cuda` and what one run reaches beyond its permission set. Light on
 * purpose: the launcher (`tasks/launch.ts`) reads it before the task's own module is loaded.
 *
 * @module
 */
import { defineTask } from "../../src/config/mod.ts";

/** The npm package carrying ORT 1.29.0's CUDA 13 provider libraries. */
export const GPU_PACKAGE = "com.github.asus4.onnxruntime.linux-x64-gpu";
/** Its version that matches onnxruntime-node 1.29.0 exactly. */
export const GPU_PACKAGE_VERSION = "0.4.9";
/** Where the libraries are inside the package tarball. */
export const PACKAGE_DIR = "package/Plugins/Linux/x64";
/** The onnxruntime-node version the libraries fit. */
export const ORT_VERSION = "1.29.0";

/** The setup:cuda task. */
export const spec = defineTask({
  name: "setup:cuda",
  summary: "Install ONNX Runtime's CUDA provider libraries (from npm) next to onnxruntime-node",
  usage: "deno task setup:cuda [--remove] [--force]",
  description: `Fetches ${GPU_PACKAGE}@${GPU_PACKAGE_VERSION} from registry.npmjs.org and extracts ` +
    `libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so next to libonnxruntime.so.1 of onnxruntime-node ${ORT_VERSION}. ` +
    "The host needs an NVIDIA driver >= 580 and CUDA 13 libraries (cuBLAS 13, cuDNN 9) on the loader path.",
  groups: ["logging"],
  flags: {
    remove: { kind: "boolean", description: "Remove the installed provider libraries" },
    force: { kind: "boolean", description: "Install even if the libraries are already there" },
    registry: {
      kind: "string",
      description: "npm registry base URL",
      default: "https://registry.npmjs.org",
      valueName: "<url>",
    },
  },
});
