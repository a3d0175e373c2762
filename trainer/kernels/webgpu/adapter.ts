// Finding a WebGPU adapter through Dawn (the `webgpu` package) and, where none answers, saying why: which Vulkan
// drivers this machine lists, what a container must pass through, and what to install.
/// <reference types="@webgpu/types" />
import { existsSync, readdirSync } from 'node:fs';
import type { AdapterReport } from './protocol.js';

interface Dawn {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** The `webgpu` package, or null when it is not installed. */
async function loadDawn(): Promise<Dawn | null> {
  try {
    const mod = (await import('webgpu' as string)) as Partial<Dawn> & { default?: Dawn };
    const d = typeof mod.create === 'function' ? (mod as Dawn) : mod.default;
    return d && typeof d.create === 'function' ? d : null;
  } catch {
    return null;
  }
}

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** Why no adapter answered, and what to do: the text `sluice train --backend webgpu` prints. */
export function noAdapterHelp(): string {
  const lines = ['no WebGPU adapter answered (Dawn through the `webgpu` package).'];
  if (process.platform === 'linux') {
    const loader = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'].some((d) => existsSync(`${d}/libvulkan.so.1`));
    if (!loader) lines.push('The Vulkan loader (libvulkan.so.1) is not installed: Debian/Ubuntu `apt-get install libvulkan1`, Fedora `dnf install vulkan-loader`.');
    const icds = ICD_DIRS.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => `${d}/${f}`) : []));
    lines.push(icds.length ? `Vulkan drivers listed here: ${icds.join(', ')}` : 'No Vulkan driver is listed here (no ICD file under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d).');
    for (const v of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES'])
      if (process.env[v]) lines.push(`${v}=${process.env[v]} limits Vulkan to those drivers: unset it to let Vulkan find the installed ones.`);
    const nvidia = existsSync('/dev/nvidia0') || existsSync('/proc/driver/nvidia');
    if (nvidia && !icds.some((f) => /nvidia/i.test(f)))
      lines.push(
        'An NVIDIA GPU is present but its Vulkan driver is not: install the driver with its Vulkan ICD (nvidia_icd.json; Debian: nvidia-vulkan-icd). ' +
          'In a container, NVIDIA_DRIVER_CAPABILITIES must include graphics (e.g. NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics).',
      );
    if (!existsSync('/dev/dri') && !nvidia) lines.push('This machine shows no GPU device (/dev/dri, /dev/nvidia0).');
    lines.push(
      'Without a GPU, Mesa >= 25 lavapipe runs the kernels on the CPU (for tests, slowly): as root, `apt-get install -t bookworm-backports mesa-vulkan-drivers` on Debian 12 (what `bash .ci/webgpu-up.sh` does). ' +
        'Or train with --backend cpu.',
    );
  } else if (process.platform === 'darwin') lines.push('On macOS the adapter is Metal: use an Apple-silicon or Metal-capable Mac, or train with --backend cpu.');
  else lines.push('On Windows the adapter is D3D12: update the GPU driver, or train with --backend cpu.');
  return lines.join('\n');
}

/** Dawn's instance: it must outlive every device made from it (a collected instance takes the driver down with it). */
let instance: GPU | null = null;

/** The adapter (high-performance preference), or a message saying why there is none. */
export async function findAdapter(): Promise<{ adapter: GPUAdapter; report: AdapterReport } | { error: string }> {
  const dawn = await loadDawn();
  if (!dawn) return { error: 'kernel set "webgpu" needs the `webgpu` package (Dawn\'s Node binding, no download at install): `npm install webgpu`, or use --backend cpu' };
  Object.assign(globalThis, dawn.globals);
  const gpu = (instance ??= dawn.create([]));
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? (await gpu.requestAdapter());
  if (!adapter) return { error: `kernel set "webgpu": ${noAdapterHelp()}` };
  const i = adapter.info;
  const name = [i.vendor, i.architecture, i.device, i.description].filter((x) => x && x.length > 0);
  const features = [...adapter.features].sort();
  return {
    adapter,
    report: {
      adapter: `${[...new Set(name)].join(' ') || 'unknown adapter'}${adapter.info.isFallbackAdapter ? ' (fallback)' : ''}`,
      features,
      limits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      },
    },
  };
}
