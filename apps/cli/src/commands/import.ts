// `basiskit import <kind> <file.safetensors>`: runs a PyTorch checkpoint through the matching
// basiskit model and prints its outputs on given inputs. The architecture is read from the
// state dict's keys and shapes (the reference projects' own names):
//   efficient-kan  KAN: layers.<i>.base_weight [out, in], spline_weight [out, in, G+k],
//                  spline_scaler [out, in] (when enable_standalone_scale_spline), grid [in, G+2k+1]
//   kat            KAT's MLP (KAN block): fc1.weight [hidden, in], act1/act2.weight_numerator
//                  [1 or groups, 6], weight_denominator [groups, 4], fc2.weight [out, hidden]
//   neuralop       FNO: fno_blocks.convs.<l>.weight.real [hidden, hidden, *modes] (last mode dim
//                  n//2+1), lifting.fcs.*, projection.fcs.* (grid positional embedding assumed)
import { Argument, Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { initBackend, loadSafetensors, tf, type Module } from '@basiskit/tensor';
import { KAN, KATBlock } from '@basiskit/kan';
import { FNO } from '@basiskit/fourier-operators';
import { loadNpy } from '@basiskit/datasets';
import { UsageError } from '../errors';
import { createOutput } from '../output';

const KINDS = ['efficient-kan', 'kat', 'neuralop'] as const;
type Kind = (typeof KINDS)[number];

const shapeOf = (dict: Record<string, tf.Tensor>, key: string, file: string): number[] => {
  const t = dict[key];
  if (!t) throw new UsageError(`${file}: no tensor '${key}' (is it the right kind of checkpoint? keys: ${Object.keys(dict).slice(0, 6).join(', ')}, ...)`);
  return t.shape;
};

/** The basiskit model for a reference checkpoint, built from its keys and shapes. */
export function modelFor(kind: Kind, dict: Record<string, tf.Tensor>, file: string): { model: Module; architecture: Record<string, unknown> } {
  if (kind === 'efficient-kan') {
    const n = Object.keys(dict).filter((k) => /^layers\.\d+\.base_weight$/.test(k)).length;
    if (n === 0) throw new UsageError(`${file}: no efficient-kan layers (layers.<i>.base_weight)`);
    const widths = [shapeOf(dict, 'layers.0.base_weight', file)[1]!];
    for (let l = 0; l < n; l++) widths.push(shapeOf(dict, `layers.${l}.base_weight`, file)[0]!);
    const coefs = shapeOf(dict, 'layers.0.spline_weight', file)[2]!;
    const knots = shapeOf(dict, 'layers.0.grid', file)[1]!;
    const splineOrder = knots - coefs - 1;
    const gridSize = coefs - splineOrder;
    if (splineOrder < 0 || gridSize < 1)
      throw new UsageError(`${file}: spline_weight and grid shapes do not fit efficient-kan (G+k = ${coefs}, G+2k+1 = ${knots})`);
    const standaloneScaleSpline = 'layers.0.spline_scaler' in dict;
    return {
      model: new KAN({ layers: widths, gridSize, splineOrder, standaloneScaleSpline }),
      architecture: { layers: widths, gridSize, splineOrder, standaloneScaleSpline },
    };
  }
  if (kind === 'kat') {
    const [hidden, inF] = shapeOf(dict, 'fc1.weight', file) as [number, number];
    const outF = shapeOf(dict, 'fc2.weight', file)[0]!;
    const groups = shapeOf(dict, 'act1.weight_denominator', file)[0]!;
    const sharedNumerator = shapeOf(dict, 'act1.weight_numerator', file)[0] === 1 && groups > 1;
    const bias: [boolean, boolean] = ['fc1.bias' in dict, 'fc2.bias' in dict];
    const architecture = { inFeatures: inF, hiddenFeatures: hidden, outFeatures: outF, groups, sharedNumerator, bias };
    return { model: new KATBlock(architecture), architecture };
  }
  const nLayers = Object.keys(dict).filter((k) => /^fno_blocks\.convs\.\d+\.weight\.real$/.test(k)).length;
  if (nLayers === 0) throw new UsageError(`${file}: no neuralop FNO blocks (fno_blocks.convs.<l>.weight.real)`);
  const w = shapeOf(dict, 'fno_blocks.convs.0.weight.real', file);
  const hiddenChannels = w[1]!;
  const modes = w.slice(2);
  const nModes = [...modes.slice(0, -1), (modes.at(-1)! - 1) * 2];
  const nDim = nModes.length;
  const lift0 = shapeOf(dict, 'lifting.fcs.0.weight', file);
  const inChannels = lift0[1]! - nDim;
  const projKeys = Object.keys(dict)
    .filter((k) => /^projection\.fcs\.\d+\.weight$/.test(k))
    .sort();
  const outChannels = shapeOf(dict, projKeys.at(-1) ?? 'projection.fcs.0.weight', file)[0]!;
  const liftingChannelRatio = lift0[0]! / hiddenChannels;
  const projectionChannelRatio = shapeOf(dict, 'projection.fcs.0.weight', file)[0]! / hiddenChannels;
  const mlp = dict['fno_blocks.channel_mlp.0.fcs.0.weight'];
  const architecture = {
    nModes,
    inChannels,
    outChannels,
    hiddenChannels,
    nLayers,
    liftingChannelRatio,
    projectionChannelRatio,
    ...(mlp ? { channelMlpExpansion: mlp.shape[0]! / hiddenChannels } : { useChannelMlp: false }),
  };
  return { model: new FNO(architecture), architecture };
}

/** Inputs from the --input option: a JSON array, or a .json / .npy file. */
function readInput(value: string): tf.Tensor {
  let data: unknown;
  if (existsSync(value)) {
    if (extname(value) === '.npy') return tf.tidy(() => loadNpy(new Uint8Array(readFileSync(value)), { name: value }).toFloat());
    try {
      data = JSON.parse(readFileSync(value, 'utf8'));
    } catch (e) {
      throw new UsageError(`--input ${value}: not JSON (${(e as Error).message}); give a JSON array or a .npy file`);
    }
  } else {
    try {
      data = JSON.parse(value);
    } catch {
      throw new UsageError(`--input: '${value.slice(0, 40)}' is neither a file nor a JSON array like [[0.1, 0.2]]`);
    }
  }
  try {
    return tf.tensor(data as number[], undefined, 'float32');
  } catch (e) {
    throw new UsageError(`--input: not a rectangular array of numbers (${(e as Error).message})`);
  }
}

/** The `import` command. */
export function importCommand(): Command {
  return new Command('import')
    .description('run a PyTorch safetensors checkpoint (efficient-kan, KAT, neuraloperator) through the matching model and print its outputs')
    .addArgument(new Argument('<kind>', 'which project the checkpoint comes from').choices(KINDS))
    .argument('<file>', 'the .safetensors file (keys as the project names them)')
    .requiredOption(
      '--input <json|file>',
      'inputs: a JSON array ([[0.1, 0.2]]) or a .json / .npy file; shape [N, in] (KAN), [B, L, C] (KAT), [B, C, ...S] (FNO)',
    )
    .action(async (kind: Kind, file: string, opts, cmd: Command) => {
      const g = cmd.optsWithGlobals();
      const out = createOutput(Boolean(g.json));
      const backend = await initBackend(g.backend ? { backend: g.backend } : {});
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      let dict: Record<string, tf.Tensor>;
      try {
        dict = loadSafetensors(new Uint8Array(readFileSync(file)));
      } catch (e) {
        throw new UsageError(`${file} is not a valid safetensors file: ${(e as Error).message}`);
      }
      let model: Module | undefined;
      let x: tf.Tensor | undefined;
      try {
        const built = modelFor(kind, dict, file);
        model = built.model;
        model.loadStateDict(dict);
        x = readInput(opts.input);
        const y = model.forward(x) as tf.Tensor;
        const values = y.arraySync();
        const shape = y.shape;
        y.dispose();
        out.info(`${kind} checkpoint ${file} -> ${model.constructor.name} ${JSON.stringify(built.architecture)} (backend ${backend.name})`);
        out.info(`input [${x.shape}] -> output [${shape}]:`);
        out.info(JSON.stringify(values));
        out.result({
          kind,
          file,
          model: model.constructor.name,
          architecture: built.architecture,
          inputShape: x.shape,
          outputShape: shape,
          output: values,
          backend: backend.name,
        });
      } finally {
        model?.dispose();
        x?.dispose();
        tf.dispose(Object.values(dict));
      }
    });
}
