// State contract: resources created before the src/ layout store this path in their `__provider`. Keep it.
export { blastRadiusRefusal } from "../../../src/core/dns/blast-radius";
