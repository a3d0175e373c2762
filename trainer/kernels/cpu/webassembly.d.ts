// The parts of the WebAssembly JS API the CPU kernel set uses (TypeScript ships them only in the DOM lib).
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(d: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(pages: number): number;
  }
  interface ModuleExportDescriptor {
    name: string;
    kind: 'function' | 'memory' | 'table' | 'global';
  }
  class Module {
    constructor(bytes: Uint8Array);
    static exports(m: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(m: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
