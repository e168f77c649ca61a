// State contract: resources created before the src/ layout store this path in their `__provider`. Keep it.
export * from "../../src/resources/cluster/callbridge-settings.provider";
