// Pulumi's entry for this repository's stack program (src/program); its exports are the stack outputs. It stays at
// the project root because Pulumi runs the program and its dynamic providers in the entry's directory, and stacks
// made before the src/ layout name their providers by paths relative to the project root (components/README.md).
export * from "./src/program";
