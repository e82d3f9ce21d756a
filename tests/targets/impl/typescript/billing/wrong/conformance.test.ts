// The one module the user writes: hand the factory to the generated suite.
import { runConformance } from "@specloom/billing/conformance";
import { createService } from "./service.js";

runConformance(() => createService());
