// State contract: resources created before the src/ layout store this path in their `__provider`. Keep it.
export { provider as zoneFileProviderImpl } from "../../src/resources/dns/zonefile-output.provider";
